/**
 * Knative Serving 1.23's field gates (generators/rules/knative-field-gates.ts): each gated field is
 * reported with its flag when present and not otherwise, default-enabled flags never are, and the
 * fields the field masks refuse whatever the flags are found.
 */
import { describe, expect, it } from 'vitest';
import {
  applySecurePodDefaults,
  KNATIVE_FIELD_GATES,
  KNATIVE_FORBIDDEN_FIELDS,
  KNATIVE_VERSION,
  knativeFeaturesNeeded,
  knativeFlagState,
  knativeForbiddenFields,
  SECURE_POD_DEFAULTS,
  securePodDefaultsState,
} from '../../generators/rules/knative-field-gates.js';
import { generateSample } from '../support/generated.js';

type Json = Record<string, any>;

const POD = 'spec.template.spec';
const C0 = `${POD}.containers[0]`;

/** A minimal Knative Service: one container, nothing gated. */
function baseService(): Json {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'app' },
    spec: {
      template: {
        metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '0' } },
        spec: {
          containerConcurrency: 100,
          timeoutSeconds: 300,
          containers: [
            {
              name: 'app',
              image: 'example/app:1.0',
              ports: [{ name: 'http1', containerPort: 8080, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/' }, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
}

/** What slipway's pod template puts in a Knative Service today (pod-template.ts, knative.ts). */
function slipwayLikeService(): Json {
  const svc = baseService();
  const spec = svc.spec.template.spec;
  spec.automountServiceAccountToken = false;
  spec.volumes = [{ name: 'writable-0', emptyDir: {} }];
  Object.assign(spec.containers[0], {
    imagePullPolicy: 'IfNotPresent',
    env: [{ name: 'LOG_LEVEL', value: 'info' }],
    livenessProbe: { httpGet: { path: '/' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, initialDelaySeconds: 10 },
    resources: { limits: { cpu: '100m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'writable-0', mountPath: '/tmp' }],
  });
  return svc;
}

/** Sets a value at `a.b[].c` (`[]`: item 0, created if missing). */
function setAt(root: Json, pattern: string, value: unknown): void {
  const segments = pattern.split('.');
  let node: Json = root;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const list = segment.endsWith('[]');
    const key = list ? segment.slice(0, -2) : segment;
    if (list) {
      if (!Array.isArray(node[key])) node[key] = [{}];
      if (last) node[key][0] = value;
      else node = node[key][0];
    } else if (last) {
      node[key] = value;
    } else {
      if (node[key] === undefined) node[key] = {};
      node = node[key];
    }
  });
}

/** Per flag: how to add a field it gates to the base Service, and the path that must be reported. */
const GATED: Record<string, { add: (svc: Json) => void; field: string }> = {
  'kubernetes.containerspec-addcapabilities': {
    add: (s) => {
      s.spec.template.spec.containers[0].securityContext = { capabilities: { drop: ['ALL'], add: ['CHOWN'] } };
    },
    field: `${C0}.securityContext.capabilities.add`,
  },
  'kubernetes.podspec-securitycontext': {
    add: (s) => {
      s.spec.template.spec.securityContext = { runAsUser: 1000 };
    },
    field: `${POD}.securityContext`,
  },
  'kubernetes.podspec-volumes-emptydir': {
    add: (s) => {
      s.spec.template.spec.volumes = [{ name: 'w', emptyDir: {} }];
      s.spec.template.spec.containers[0].volumeMounts = [{ name: 'w', mountPath: '/w' }];
    },
    field: `${POD}.volumes[0].emptyDir`,
  },
  'kubernetes.podspec-persistent-volume-claim': {
    add: (s) => {
      s.spec.template.spec.volumes = [{ name: 'd', persistentVolumeClaim: { claimName: 'd', readOnly: true } }];
    },
    field: `${POD}.volumes[0].persistentVolumeClaim`,
  },
  'kubernetes.podspec-persistent-volume-write': {
    add: (s) => {
      s.spec.template.spec.volumes = [{ name: 'd', persistentVolumeClaim: { claimName: 'd' } }];
    },
    field: `${POD}.volumes[0].persistentVolumeClaim`,
  },
  'kubernetes.podspec-volumes-hostpath': {
    add: (s) => {
      s.spec.template.spec.volumes = [{ name: 'h', hostPath: { path: '/var/run' } }];
    },
    field: `${POD}.volumes[0].hostPath`,
  },
  'kubernetes.podspec-volumes-csi': {
    add: (s) => {
      s.spec.template.spec.volumes = [{ name: 'c', csi: { driver: 'secrets-store.csi.k8s.io' } }];
    },
    field: `${POD}.volumes[0].csi`,
  },
  'kubernetes.podspec-volumes-ephemeral': {
    add: (s) => {
      s.spec.template.spec.volumes = [{ name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } }];
    },
    field: `${POD}.volumes[0].ephemeral`,
  },
  'kubernetes.podspec-volumes-image': {
    add: (s) => {
      s.spec.template.spec.volumes = [{ name: 'i', image: { reference: 'example/data:1' } }];
    },
    field: `${POD}.volumes[0].image`,
  },
  'kubernetes.podspec-volumes-mount-propagation': {
    add: (s) => {
      s.spec.template.spec.volumes = [{ name: 'c', configMap: { name: 'c' } }];
      s.spec.template.spec.containers[0].volumeMounts = [
        { name: 'c', mountPath: '/c', readOnly: true, mountPropagation: 'HostToContainer' },
      ];
    },
    field: `${C0}.volumeMounts[0].mountPropagation`,
  },
  'kubernetes.podspec-fieldref': {
    add: (s) => {
      s.spec.template.spec.containers[0].env = [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }];
    },
    field: `${C0}.env[0].valueFrom.fieldRef`,
  },
  'kubernetes.podspec-init-containers': {
    add: (s) => {
      s.spec.template.spec.initContainers = [{ name: 'migrate', image: 'example/migrate:1' }];
    },
    field: `${POD}.initContainers`,
  },
  'multi-container': {
    add: (s) => {
      s.spec.template.spec.containers.push({ name: 'sidecar', image: 'example/sidecar:1' });
    },
    field: `${POD}.containers`,
  },
  'multi-container-probing': {
    add: (s) => {
      s.spec.template.spec.containers.push({
        name: 'sidecar',
        image: 'example/sidecar:1',
        readinessProbe: { exec: { command: ['true'] } },
      });
    },
    field: `${POD}.containers[1].readinessProbe`,
  },
  'kubernetes.podspec-affinity': {
    add: (s) => {
      s.spec.template.spec.affinity = { nodeAffinity: {} };
    },
    field: `${POD}.affinity`,
  },
  'kubernetes.podspec-topologyspreadconstraints': {
    add: (s) => {
      s.spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway' }];
    },
    field: `${POD}.topologySpreadConstraints`,
  },
  'kubernetes.podspec-nodeselector': {
    add: (s) => {
      s.spec.template.spec.nodeSelector = { 'kubernetes.io/arch': 'amd64' };
    },
    field: `${POD}.nodeSelector`,
  },
  'kubernetes.podspec-tolerations': {
    add: (s) => {
      s.spec.template.spec.tolerations = [{ key: 'spot', operator: 'Exists' }];
    },
    field: `${POD}.tolerations`,
  },
  'kubernetes.podspec-runtimeclassname': {
    add: (s) => {
      s.spec.template.spec.runtimeClassName = 'gvisor';
    },
    field: `${POD}.runtimeClassName`,
  },
  'kubernetes.podspec-hostaliases': {
    add: (s) => {
      s.spec.template.spec.hostAliases = [{ ip: '10.0.0.1', hostnames: ['db'] }];
    },
    field: `${POD}.hostAliases`,
  },
  'kubernetes.podspec-priorityclassname': {
    add: (s) => {
      s.spec.template.spec.priorityClassName = 'high';
    },
    field: `${POD}.priorityClassName`,
  },
  'kubernetes.podspec-schedulername': {
    add: (s) => {
      s.spec.template.spec.schedulerName = 'custom';
    },
    field: `${POD}.schedulerName`,
  },
  'kubernetes.podspec-dnspolicy': {
    add: (s) => {
      s.spec.template.spec.dnsPolicy = 'ClusterFirst';
    },
    field: `${POD}.dnsPolicy`,
  },
  'kubernetes.podspec-dnsconfig': {
    add: (s) => {
      s.spec.template.spec.dnsConfig = { nameservers: ['1.1.1.1'] };
    },
    field: `${POD}.dnsConfig`,
  },
  'kubernetes.podspec-shareprocessnamespace': {
    add: (s) => {
      s.spec.template.spec.shareProcessNamespace = false;
    },
    field: `${POD}.shareProcessNamespace`,
  },
  'kubernetes.podspec-hostnetwork': {
    add: (s) => {
      s.spec.template.spec.hostNetwork = true;
    },
    field: `${POD}.hostNetwork`,
  },
  'kubernetes.podspec-hostipc': {
    add: (s) => {
      s.spec.template.spec.hostIPC = true;
    },
    field: `${POD}.hostIPC`,
  },
  'kubernetes.podspec-hostpid': {
    add: (s) => {
      s.spec.template.spec.hostPID = true;
    },
    field: `${POD}.hostPID`,
  },
};

const withField = (flag: string): Json => {
  const svc = baseService();
  GATED[flag]!.add(svc);
  return svc;
};
const flagsOf = (needed: Array<{ flag: string }>) => needed.map((n) => n.flag);

describe(`Knative ${KNATIVE_VERSION} field gates`, () => {
  it('has a fixture for every flag of the table, and one row per flag', () => {
    const flags = KNATIVE_FIELD_GATES.map((g) => g.flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect([...flags].sort()).toEqual(Object.keys(GATED).sort());
  });

  it('has the defaults of defaultFeaturesConfig: everything off but emptyDir and multi-container', () => {
    const enabled = KNATIVE_FIELD_GATES.filter((g) => g.default !== 'Disabled').map((g) => `${g.flag}=${g.default}`);
    expect(enabled.sort()).toEqual(['kubernetes.podspec-volumes-emptydir=Enabled', 'multi-container=Enabled']);
    expect(SECURE_POD_DEFAULTS.default).toBe('Disabled');
  });

  it('reports nothing for a Service without gated fields', () => {
    expect(knativeFeaturesNeeded(baseService())).toEqual([]);
    expect(knativeForbiddenFields(baseService())).toEqual([]);
  });

  const disabledByDefault = KNATIVE_FIELD_GATES.filter((g) => g.default === 'Disabled').map((g) => g.flag);
  const enabledByDefault = KNATIVE_FIELD_GATES.filter((g) => g.default === 'Enabled').map((g) => g.flag);

  it.each(disabledByDefault)('%s: reported when its field is present, not once the flag is enabled', (flag) => {
    const svc = withField(flag);
    expect(knativeFeaturesNeeded(svc)).toContainEqual({ flag, field: GATED[flag]!.field });
    expect(flagsOf(knativeFeaturesNeeded(svc, { [flag]: 'enabled' }))).not.toContain(flag);
    expect(flagsOf(knativeFeaturesNeeded(baseService()))).not.toContain(flag);
  });

  it.each(enabledByDefault)('%s: enabled by default, so never reported unless the cluster disables it', (flag) => {
    const svc = withField(flag);
    expect(flagsOf(knativeFeaturesNeeded(svc))).not.toContain(flag);
    expect(knativeFeaturesNeeded(svc, { [flag]: 'Disabled' })).toContainEqual({ flag, field: GATED[flag]!.field });
  });

  it('accepts Allowed only where the check is the mask alone', () => {
    // affinity: PodSpecMask checks != Disabled.
    expect(knativeFeaturesNeeded(withField('kubernetes.podspec-affinity'), { 'kubernetes.podspec-affinity': 'allowed' })).toEqual([]);
    // init containers, capabilities.add: k8s_validation.go / CapabilitiesMask want Enabled.
    for (const flag of ['kubernetes.podspec-init-containers', 'kubernetes.containerspec-addcapabilities']) {
      expect(flagsOf(knativeFeaturesNeeded(withField(flag), { [flag]: 'Allowed' }))).toContain(flag);
    }
    expect(knativeFlagState('kubernetes.podspec-affinity', { 'kubernetes.podspec-affinity': 'ENABLED' })).toBe('Enabled');
    expect(knativeFlagState('kubernetes.podspec-affinity', { 'kubernetes.podspec-affinity': 'on' })).toBe('Disabled');
  });

  it('counts non-pointer Go fields only when non-zero, pointer ones whenever present', () => {
    const svc = baseService();
    Object.assign(svc.spec.template.spec, {
      hostNetwork: false,
      hostIPC: false,
      hostPID: false,
      dnsPolicy: '',
      priorityClassName: '',
      schedulerName: '',
    });
    expect(knativeFeaturesNeeded(svc)).toEqual([]);
    expect(flagsOf(knativeFeaturesNeeded(withField('kubernetes.podspec-shareprocessnamespace')))).toEqual([
      'kubernetes.podspec-shareprocessnamespace',
    ]);
  });

  it('wants write support only for a claim not marked readOnly', () => {
    expect(flagsOf(knativeFeaturesNeeded(withField('kubernetes.podspec-persistent-volume-claim')))).toEqual([
      'kubernetes.podspec-persistent-volume-claim',
    ]);
    expect(flagsOf(knativeFeaturesNeeded(withField('kubernetes.podspec-persistent-volume-write')))).toEqual([
      'kubernetes.podspec-persistent-volume-claim',
      'kubernetes.podspec-persistent-volume-write',
    ]);
  });

  it('wants multi-container-probing only for probes on a sidecar', () => {
    expect(knativeFeaturesNeeded(withField('multi-container'))).toEqual([]);
    expect(flagsOf(knativeFeaturesNeeded(withField('multi-container-probing')))).toEqual(['multi-container-probing']);
  });

  it('reports capabilities.add and fieldRef on init containers too', () => {
    const svc = baseService();
    svc.spec.template.spec.initContainers = [
      {
        name: 'init',
        image: 'busybox',
        securityContext: { capabilities: { add: ['CHOWN'] } },
        env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      },
    ];
    expect(knativeFeaturesNeeded(svc)).toEqual([
      { flag: 'kubernetes.containerspec-addcapabilities', field: `${POD}.initContainers[0].securityContext.capabilities.add` },
      { flag: 'kubernetes.podspec-fieldref', field: `${POD}.initContainers[0].env[0].valueFrom.fieldRef` },
      { flag: 'kubernetes.podspec-init-containers', field: `${POD}.initContainers` },
    ]);
  });

  it('reports each field once, in table then document order', () => {
    const svc = withField('kubernetes.podspec-nodeselector');
    GATED['kubernetes.containerspec-addcapabilities']!.add(svc);
    svc.spec.template.spec.containers[0].env = [
      { name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'B', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
    ];
    const needed = knativeFeaturesNeeded(svc);
    expect(needed).toEqual([
      { flag: 'kubernetes.containerspec-addcapabilities', field: `${C0}.securityContext.capabilities.add` },
      { flag: 'kubernetes.podspec-fieldref', field: `${C0}.env[0].valueFrom.fieldRef` },
      { flag: 'kubernetes.podspec-fieldref', field: `${C0}.env[1].valueFrom.resourceFieldRef` },
      { flag: 'kubernetes.podspec-nodeselector', field: `${POD}.nodeSelector` },
    ]);
    expect(knativeFeaturesNeeded(svc)).toEqual(needed);
  });
});

describe('secure-pod-defaults', () => {
  const withAdd = (add: string[]) => {
    const svc = baseService();
    svc.spec.template.spec.containers[0].securityContext = { capabilities: { drop: ['ALL'], add } };
    return svc;
  };
  const ADD = 'kubernetes.containerspec-addcapabilities';

  it('parses its own values (no Allowed), case-insensitively', () => {
    expect(securePodDefaultsState()).toBe('Disabled');
    expect(securePodDefaultsState({ 'secure-pod-defaults': 'enabled' })).toBe('Enabled');
    expect(securePodDefaultsState({ 'secure-pod-defaults': 'allowrootbounded' })).toBe('AllowRootBounded');
    expect(securePodDefaultsState({ 'secure-pod-defaults': 'allowed' })).toBe('Disabled');
  });

  it.each([
    ['default (Disabled)', {}, ['NET_BIND_SERVICE'], true],
    ['Enabled', { 'secure-pod-defaults': 'Enabled' }, ['NET_BIND_SERVICE'], false],
    ['AllowRootBounded', { 'secure-pod-defaults': 'AllowRootBounded' }, ['NET_BIND_SERVICE'], false],
    ['Enabled, more than NET_BIND_SERVICE', { 'secure-pod-defaults': 'Enabled' }, ['CHOWN', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'], true],
    ['addcapabilities enabled', { [ADD]: 'enabled' }, ['CHOWN', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'], false],
    ['addcapabilities allowed', { [ADD]: 'allowed' }, ['NET_BIND_SERVICE'], true],
  ] as const)('capabilities.add under %s', (_, features, add, reported) => {
    expect(flagsOf(knativeFeaturesNeeded(withAdd([...add]), features)).includes(ADD)).toBe(reported);
  });

  it('lets a pod-level securityContext through only with just seccompProfile.type RuntimeDefault or Unconfined', () => {
    const FLAG = 'kubernetes.podspec-securitycontext';
    const on = { 'secure-pod-defaults': 'Enabled' };
    const withPod = (sc: unknown) => {
      const svc = baseService();
      svc.spec.template.spec.securityContext = sc;
      return svc;
    };
    expect(flagsOf(knativeFeaturesNeeded(withPod({ seccompProfile: { type: 'RuntimeDefault' } })))).toEqual([FLAG]);
    expect(knativeFeaturesNeeded(withPod({ seccompProfile: { type: 'RuntimeDefault' } }), on)).toEqual([]);
    expect(knativeFeaturesNeeded(withPod({ seccompProfile: { type: 'Unconfined' } }), on)).toEqual([]);
    expect(knativeFeaturesNeeded(withPod({}), on)).toEqual([]);
    expect(flagsOf(knativeFeaturesNeeded(withPod({}), {}))).toEqual([FLAG]);
    expect(flagsOf(knativeFeaturesNeeded(withPod({ seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }), on))).toEqual([
      FLAG,
    ]);
    expect(flagsOf(knativeFeaturesNeeded(withPod({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }), on))).toEqual([FLAG]);
  });

  it('changes nothing in a container that sets every field itself, as slipway does', () => {
    const container = slipwayLikeService().spec.template.spec.containers[0];
    for (const state of ['Disabled', 'AllowRootBounded', 'Enabled'] as const) {
      expect(applySecurePodDefaults(container, undefined, state)).toEqual(container.securityContext);
    }
  });

  it('fills what is unset: drop ALL, NET_BIND_SERVICE below port 1024, seccomp, and runAsNonRoot only when Enabled', () => {
    const bare = { name: 'app', image: 'x', ports: [{ containerPort: 80 }] };
    expect(applySecurePodDefaults(bare, undefined, 'Disabled')).toBeUndefined();
    expect(applySecurePodDefaults(bare, undefined, 'AllowRootBounded')).toEqual({
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
    expect(applySecurePodDefaults({ ...bare, ports: [{ containerPort: 8080 }] }, undefined, 'Enabled')).toEqual({
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
    });
    // The pod's seccomp profile and runAsNonRoot count; an explicit runAsNonRoot: false stays.
    expect(applySecurePodDefaults(bare, { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } }, 'Enabled')).not.toHaveProperty(
      'runAsNonRoot',
    );
    expect(applySecurePodDefaults({ ...bare, securityContext: { runAsNonRoot: false } }, undefined, 'Enabled')).toMatchObject({
      runAsNonRoot: false,
    });
  });
});

describe('fields Knative never accepts', () => {
  it('finds nothing in what slipway emits today (token off, emptyDir, container-level restricted settings)', () => {
    expect(knativeForbiddenFields(slipwayLikeService())).toEqual([]);
    expect(knativeFeaturesNeeded(slipwayLikeService())).toEqual([]);
  });

  it.each(KNATIVE_FORBIDDEN_FIELDS.map((f) => [f.field, f.reason]))('%s is refused (%s)', (field) => {
    const svc = baseService();
    setAt(svc, field, true);
    expect(knativeForbiddenFields(svc).map((f) => f.field)).toContain(field.replaceAll('[]', '[0]'));
  });

  it('accepts false for automountServiceAccountToken and privileged', () => {
    const svc = baseService();
    svc.spec.template.spec.automountServiceAccountToken = false;
    svc.spec.template.spec.containers[0].securityContext = { privileged: false };
    expect(knativeForbiddenFields(svc)).toEqual([]);
  });

  it('does not count gated fields as forbidden', () => {
    for (const flag of Object.keys(GATED)) expect(knativeForbiddenFields(withField(flag))).toEqual([]);
  });

  it('finds unknown keys at every masked level, with concrete paths', () => {
    const svc = slipwayLikeService();
    const c = svc.spec.template.spec.containers[0];
    c.lifecycle = { preStop: { sleep: { seconds: 5 } } };
    c.ports[0].hostPort = 80;
    c.readinessProbe.httpGet.hostNetwork = true;
    svc.spec.template.spec.terminationGracePeriodSeconds = 30;
    svc.spec.template.spec.volumes.push({ name: 'info', downwardAPI: { items: [] } });
    expect(knativeForbiddenFields(svc).map((f) => f.field)).toEqual([
      `${POD}.terminationGracePeriodSeconds`,
      `${POD}.volumes[1].downwardAPI`,
      `${C0}.lifecycle`,
      `${C0}.ports[0].hostPort`,
      `${C0}.readinessProbe.httpGet.hostNetwork`,
    ]);
  });
});

describe('the sample', () => {
  it("runs on devops-paradox's generated Knative Service in every environment", async () => {
    const { output } = await generateSample();
    const services = output.envs
      .flatMap((e) => e.apps.filter((a) => a.app === 'devops-paradox'))
      .flatMap((a) => a.objects.filter((o) => o.apiVersion === 'serving.knative.dev/v1' && o.kind === 'Service'));
    expect(services.length).toBeGreaterThan(0);
    const flags = new Set(KNATIVE_FIELD_GATES.map((g) => g.flag));
    for (const svc of services) {
      for (const { flag, field } of knativeFeaturesNeeded(svc)) {
        expect(flags.has(flag)).toBe(true);
        expect(field.startsWith(`${POD}.`)).toBe(true);
      }
      expect(Array.isArray(knativeForbiddenFields(svc))).toBe(true);
    }
  });
});
