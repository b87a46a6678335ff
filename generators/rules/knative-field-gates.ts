/**
 * Knative Serving's field gates: which `spec.template` fields of a serving.knative.dev/v1 Service
 * its admission webhook accepts, and under which `config-features` flags.
 *
 * Length (over the ~400 lines files keep to): one table row per field Knative gates, each citing
 * its upstream source; a table split across files would be read in pieces.
 *
 * Why this exists: the Service CRD schema (the one the tests validate against) is not the cluster.
 * The schema lists gated fields such as `securityContext.capabilities.add`, `affinity` or a
 * pod-level `securityContext` as ordinary fields, and `privileged` or
 * `automountServiceAccountToken` as plain booleans; it is Knative's validating webhook that
 * decides, from its field masks and the `config-features` ConfigMap. A field the webhook does not
 * accept is refused with "must not set the field(s): …" (`apis.CheckDisallowedFields`): the whole
 * Service is rejected, nothing is silently dropped. (Silent dropping is the API server's doing,
 * and only for fields missing from the CRD schema, e.g. `lifecycle`: structural-schema pruning,
 * or an "unknown field" error under strict field validation.)
 *
 * Version: Knative Serving 1.23, read at knative/serving tag knative-v1.23.0
 * (commit 7ed4aa2ab601e3a33c6552285f6e0d910747351d), with knative.dev/pkg at
 * 521cb33b33dd (its go.mod pin) for `apis.CheckDisallowedFields` / `kmp.CompareSetFields`.
 * Sources, all at that tag:
 * - pkg/apis/serving/fieldmask.go: the masks (PodSpecMask, ContainerMask, SecurityContextMask,
 *   CapabilitiesMask, PodSecurityContextMask, VolumeSourceMask, VolumeMountMask, EnvVarSourceMask …)
 * - pkg/apis/serving/k8s_validation.go: the checks that want a flag `Enabled` (not just `Allowed`)
 *   (validateVolume, validatePersistentVolumeClaims, validateInitContainers, validateContainers,
 *   validateSidecarContainer, validateVolumeMounts, validateInitContainer)
 * - pkg/apis/config/features.go: defaultFeaturesConfig (the defaults), asFlag, asSecurePodDefaultsFlag
 * - config/core/configmaps/features.yaml: the documented flags (its comment that
 *   `kubernetes.containerspec-addcapabilities: allowed` allows capabilities is wrong: CapabilitiesMask
 *   wants `Enabled`)
 * - pkg/apis/serving/v1/revision_defaults.go: RevisionSpec.defaultSecurityContext (secure-pod-defaults)
 * - knative/operator knative-v1.23.0 (commit 8f004985af79024f25b9e6014da1a4c22bf48182),
 *   pkg/reconciler/common/config_maps.go ConfigMapTransform: a KnativeServing sets a flag with
 *   `spec.config.features.<flag>: "enabled"` (the `config-` prefix of the ConfigMap name is optional;
 *   values are strings; the webhook compares them case-insensitively).
 *
 * Pure: no I/O. Objects are plain JSON (`Record<string, unknown>`), as the generators build them.
 */

export const KNATIVE_VERSION = '1.23';

/** A `config-features` value (pkg/apis/config/features.go, type Flag). */
export type KnativeFlagState = 'Enabled' | 'Disabled' | 'Allowed';

/** `config-features` data: flag → value, as in the ConfigMap or a KnativeServing's `spec.config.features`. */
export type KnativeFeatures = Readonly<Record<string, string>>;

interface GateContext {
  /** The object holding the field (the container for container fields, the pod spec for pod fields). */
  readonly parent: Record<string, unknown>;
  /** `spec.template.spec` of the Service. */
  readonly podSpec: Record<string, unknown>;
}

export interface KnativeFieldGate {
  /** The `config-features` key. */
  readonly flag: string;
  /** Gated fields, relative to the Service; `[]` stands for every item of a list. */
  readonly fields: readonly string[];
  /** The flag's value when config-features does not set it (defaultFeaturesConfig). */
  readonly default: KnativeFlagState;
  /**
   * The values that let the field through. Fields checked only by a mask (`!= Disabled`) also pass
   * with `Allowed`; those also checked in k8s_validation.go want `Enabled`.
   */
  readonly accepts: readonly KnativeFlagState[];
  /** When the field counts as set: the masks compare with go-cmp, so a non-pointer bool/string counts only when non-zero. @default value not undefined/null */
  readonly isSet?: (value: unknown, ctx: GateContext) => boolean;
  /** Whether another setting (secure-pod-defaults) lets this value through although the flag is off. */
  readonly alsoAcceptedWhen?: (value: unknown, features: KnativeFeatures) => boolean;
  /** File and function at knative-v1.23.0. */
  readonly source: string;
}

const MASK_ONLY: readonly KnativeFlagState[] = ['Enabled', 'Allowed'];
const ENABLED_ONLY: readonly KnativeFlagState[] = ['Enabled'];

/** A non-pointer Go field (bool, string): go-cmp sees `false` / `""` as unset. */
const nonZero = (value: unknown) => value !== undefined && value !== null && value !== false && value !== '';
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const POD = 'spec.template.spec';
/** Container fields apply to init containers as well (k8s_validation.go `validate`). */
const inContainers = (field: string) => [`${POD}.containers[].${field}`, `${POD}.initContainers[].${field}`];

/**
 * One row per feature flag that gates a field of `spec.template.spec`. Flags that gate nothing
 * there (tag-header-based-routing, autodetect-http2, queueproxy.*) are left out; secure-pod-defaults
 * is `SECURE_POD_DEFAULTS` below.
 */
export const KNATIVE_FIELD_GATES: readonly KnativeFieldGate[] = [
  {
    flag: 'kubernetes.containerspec-addcapabilities',
    fields: inContainers('securityContext.capabilities.add'),
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    // With the flag off, secure-pod-defaults Enabled/AllowRootBounded lets exactly [NET_BIND_SERVICE] through.
    alsoAcceptedWhen: (value, features) =>
      securePodDefaultsOn(features) && Array.isArray(value) && value.length === 1 && value[0] === 'NET_BIND_SERVICE',
    source:
      'fieldmask.go CapabilitiesMask (Add kept only if ContainerSpecAddCapabilities == Enabled, else [NET_BIND_SERVICE] under SecurePodDefaults)',
  },
  {
    flag: 'kubernetes.podspec-securitycontext',
    fields: [`${POD}.securityContext`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    // With the flag off, secure-pod-defaults Enabled/AllowRootBounded lets an empty pod securityContext
    // or one with only `seccompProfile: {type: RuntimeDefault|Unconfined}` through.
    alsoAcceptedWhen: (value, features) => securePodDefaultsOn(features) && onlyPodSeccompType(value),
    source: 'fieldmask.go PodSpecMask, PodSecurityContextMask; k8s_validation.go ValidatePodSecurityContext',
  },
  {
    flag: 'kubernetes.podspec-volumes-emptydir',
    fields: [`${POD}.volumes[].emptyDir`],
    default: 'Enabled',
    accepts: ENABLED_ONLY,
    source: 'fieldmask.go VolumeSourceMask; k8s_validation.go validateVolume',
  },
  {
    flag: 'kubernetes.podspec-persistent-volume-claim',
    fields: [`${POD}.volumes[].persistentVolumeClaim`],
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    source: 'fieldmask.go VolumeSourceMask; k8s_validation.go validatePersistentVolumeClaims',
  },
  {
    flag: 'kubernetes.podspec-persistent-volume-write',
    fields: [`${POD}.volumes[].persistentVolumeClaim`],
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    // A claim not marked readOnly needs write support on top of claim support.
    isSet: (value) => isRecord(value) && value.readOnly !== true,
    source: 'k8s_validation.go validatePersistentVolumeClaims',
  },
  {
    flag: 'kubernetes.podspec-volumes-hostpath',
    fields: [`${POD}.volumes[].hostPath`],
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    source: 'fieldmask.go VolumeSourceMask; k8s_validation.go validateVolume',
  },
  {
    flag: 'kubernetes.podspec-volumes-csi',
    fields: [`${POD}.volumes[].csi`],
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    source: 'fieldmask.go VolumeSourceMask; k8s_validation.go validateVolume',
  },
  {
    flag: 'kubernetes.podspec-volumes-ephemeral',
    fields: [`${POD}.volumes[].ephemeral`],
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    source: 'fieldmask.go VolumeSourceMask; k8s_validation.go validateVolume',
  },
  {
    flag: 'kubernetes.podspec-volumes-image',
    fields: [`${POD}.volumes[].image`],
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    source: 'fieldmask.go VolumeSourceMask; k8s_validation.go validateVolume',
  },
  {
    flag: 'kubernetes.podspec-volumes-mount-propagation',
    fields: inContainers('volumeMounts[].mountPropagation'),
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    source: 'fieldmask.go VolumeMountMask; k8s_validation.go validateVolumeMounts',
  },
  {
    flag: 'kubernetes.podspec-fieldref',
    fields: [...inContainers('env[].valueFrom.fieldRef'), ...inContainers('env[].valueFrom.resourceFieldRef')],
    default: 'Disabled',
    accepts: MASK_ONLY,
    // Not gated: fieldRef/resourceFieldRef inside a projected volume's downwardAPI (DownwardAPIVolumeFileMask).
    source: 'fieldmask.go EnvVarSourceMask; k8s_validation.go validateEnvValueFrom',
  },
  {
    flag: 'kubernetes.podspec-init-containers',
    fields: [`${POD}.initContainers`],
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    // Even an empty list: go-cmp tells an empty slice from nil, so the mask refuses `initContainers: []`.
    source: 'fieldmask.go PodSpecMask; k8s_validation.go validateInitContainers',
  },
  {
    flag: 'multi-container',
    fields: [`${POD}.containers`],
    default: 'Enabled',
    accepts: ENABLED_ONLY,
    isSet: (value) => Array.isArray(value) && value.length > 1,
    source: 'k8s_validation.go ValidatePodSpec, validateContainers',
  },
  {
    flag: 'multi-container-probing',
    fields: ['livenessProbe', 'readinessProbe', 'startupProbe'].map((p) => `${POD}.containers[].${p}`),
    default: 'Disabled',
    accepts: ENABLED_ONLY,
    // Probes on a sidecar: a container without ports when there are several containers.
    isSet: (value, { parent, podSpec }) =>
      value !== undefined &&
      value !== null &&
      Array.isArray(podSpec.containers) &&
      podSpec.containers.length > 1 &&
      !(Array.isArray(parent.ports) && parent.ports.length > 0),
    source: 'k8s_validation.go validateContainers, validateSidecarContainer',
  },
  {
    flag: 'kubernetes.podspec-affinity',
    fields: [`${POD}.affinity`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-topologyspreadconstraints',
    fields: [`${POD}.topologySpreadConstraints`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-nodeselector',
    fields: [`${POD}.nodeSelector`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-tolerations',
    fields: [`${POD}.tolerations`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-runtimeclassname',
    fields: [`${POD}.runtimeClassName`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-hostaliases',
    fields: [`${POD}.hostAliases`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-priorityclassname',
    fields: [`${POD}.priorityClassName`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    isSet: nonZero,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-schedulername',
    fields: [`${POD}.schedulerName`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    isSet: nonZero,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-dnspolicy',
    fields: [`${POD}.dnsPolicy`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    isSet: nonZero,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-dnsconfig',
    fields: [`${POD}.dnsConfig`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-shareprocessnamespace',
    fields: [`${POD}.shareProcessNamespace`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-hostnetwork',
    fields: [`${POD}.hostNetwork`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    isSet: nonZero,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-hostipc',
    fields: [`${POD}.hostIPC`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    isSet: nonZero,
    source: 'fieldmask.go PodSpecMask',
  },
  {
    flag: 'kubernetes.podspec-hostpid',
    fields: [`${POD}.hostPID`],
    default: 'Disabled',
    accepts: MASK_ONLY,
    isSet: nonZero,
    source: 'fieldmask.go PodSpecMask',
  },
];

/** secure-pod-defaults' values (features.go asSecurePodDefaultsFlag: `Allowed` is not one of them). */
export type SecurePodDefaultsState = 'Disabled' | 'AllowRootBounded' | 'Enabled';

/**
 * `secure-pod-defaults`, as far as it touches what slipway emits. Default in 1.23: Disabled.
 *
 * - Disabled: nothing is defaulted; the webhook only *warns* (warnDefaultContainerSecurityContext)
 *   when a container leaves runAsNonRoot (pod and container), allowPrivilegeEscalation,
 *   seccompProfile(.type), capabilities or capabilities.drop unset, or spells drop "all".
 * - AllowRootBounded and Enabled (RevisionSpec.defaultSecurityContext), per container and init
 *   container, filling only what is unset: allowPrivilegeEscalation → false; seccompProfile.type →
 *   RuntimeDefault unless the pod sets one; capabilities (when absent altogether) → drop [ALL], plus
 *   add [NET_BIND_SERVICE] if a port is below 1024. Enabled also sets runAsNonRoot → true when
 *   neither pod nor container sets it (an explicit `runAsNonRoot: false` stays false).
 *   Validation is relaxed: capabilities.add of exactly [NET_BIND_SERVICE] passes without
 *   kubernetes.containerspec-addcapabilities (CapabilitiesMask), and a pod-level securityContext
 *   passes without kubernetes.podspec-securitycontext when it holds at most
 *   seccompProfile.type RuntimeDefault or Unconfined (PodSpecMask, PodSecurityContextMask).
 *
 * slipway sets every one of those container fields itself, so the defaulting changes nothing in
 * its Services; only the two validation relaxations matter.
 */
export const SECURE_POD_DEFAULTS = {
  flag: 'secure-pod-defaults',
  default: 'Disabled' as SecurePodDefaultsState,
  states: ['Disabled', 'AllowRootBounded', 'Enabled'] as readonly SecurePodDefaultsState[],
  /** The only capabilities.add it lets through, and only as the whole list. */
  allowedAddCapabilities: ['NET_BIND_SERVICE'] as readonly string[],
  /** The pod-level seccomp types it lets through without kubernetes.podspec-securitycontext. */
  allowedPodSeccompTypes: ['RuntimeDefault', 'Unconfined'] as readonly string[],
  source:
    'features.go asSecurePodDefaultsFlag; revision_defaults.go RevisionSpec.defaultSecurityContext; ' +
    'fieldmask.go CapabilitiesMask, PodSpecMask, PodSecurityContextMask; k8s_validation.go warnDefaultContainerSecurityContext',
} as const;

/** secure-pod-defaults' state from config-features data (case-insensitive; unknown values keep the default). */
export function securePodDefaultsState(features: KnativeFeatures = {}): SecurePodDefaultsState {
  const raw = features[SECURE_POD_DEFAULTS.flag];
  return SECURE_POD_DEFAULTS.states.find((s) => raw !== undefined && s.toLowerCase() === raw.toLowerCase()) ?? SECURE_POD_DEFAULTS.default;
}

function securePodDefaultsOn(features: KnativeFeatures): boolean {
  return securePodDefaultsState(features) !== 'Disabled';
}

/** A pod securityContext that holds nothing, or only `seccompProfile: {type: RuntimeDefault|Unconfined}`. */
function onlyPodSeccompType(value: unknown): boolean {
  if (!isRecord(value)) return false;
  return Object.entries(value).every(([key, v]) => {
    if (v === undefined || v === null) return true;
    if (key !== 'seccompProfile' || !isRecord(v)) return false;
    return (
      Object.entries(v).every(
        ([k, t]) => t === undefined || t === null || (k === 'type' && SECURE_POD_DEFAULTS.allowedPodSeccompTypes.includes(String(t))),
      ) && SECURE_POD_DEFAULTS.allowedPodSeccompTypes.includes(String(v.type))
    );
  });
}

/**
 * What secure-pod-defaults makes of one container's securityContext (RevisionSpec.defaultSecurityContext):
 * returns the securityContext the revision ends up with.
 */
export function applySecurePodDefaults(
  container: Record<string, unknown>,
  podSecurityContext: Record<string, unknown> | undefined,
  state: SecurePodDefaultsState,
): Record<string, unknown> | undefined {
  const current = isRecord(container.securityContext) ? container.securityContext : undefined;
  if (state === 'Disabled') return current;
  const psc = podSecurityContext ?? {};
  const sc: Record<string, unknown> = { ...current };
  if (sc.allowPrivilegeEscalation === undefined || sc.allowPrivilegeEscalation === null) sc.allowPrivilegeEscalation = false;
  const podSeccomp = isRecord(psc.seccompProfile) ? psc.seccompProfile : undefined;
  if (!podSeccomp?.type) {
    const seccomp = isRecord(sc.seccompProfile) ? { ...sc.seccompProfile } : {};
    if (!seccomp.type) seccomp.type = 'RuntimeDefault';
    sc.seccompProfile = seccomp;
  }
  if (sc.capabilities === undefined || sc.capabilities === null) {
    const ports = Array.isArray(container.ports) ? container.ports : [];
    const lowPort = ports.some((p) => isRecord(p) && typeof p.containerPort === 'number' && p.containerPort < 1024);
    sc.capabilities = { drop: ['ALL'], ...(lowPort ? { add: ['NET_BIND_SERVICE'] } : {}) };
  }
  if (
    state === 'Enabled' &&
    (psc.runAsNonRoot === undefined || psc.runAsNonRoot === null) &&
    (sc.runAsNonRoot === undefined || sc.runAsNonRoot === null)
  ) {
    sc.runAsNonRoot = true;
  }
  return sc;
}

/** A regular flag's state from config-features data (asFlag: Enabled/Allowed/Disabled, case-insensitive). */
export function knativeFlagState(flag: string, features: KnativeFeatures = {}): KnativeFlagState | undefined {
  const gate = KNATIVE_FIELD_GATES.find((g) => g.flag === flag);
  if (!gate) return undefined;
  const raw = features[flag];
  const states: KnativeFlagState[] = ['Enabled', 'Allowed', 'Disabled'];
  return states.find((s) => raw !== undefined && s.toLowerCase() === raw.toLowerCase()) ?? gate.default;
}

// ---------------------------------------------------------------------------------------------
// Walking paths

interface Found {
  /** Concrete path, with list indices: `spec.template.spec.containers[0].securityContext`. */
  readonly path: string;
  readonly value: unknown;
  readonly parent: Record<string, unknown>;
}

/** The values at a path pattern (`a.b[].c`: every item of list `b`); only present keys. */
function resolve(root: unknown, pattern: string): Found[] {
  let current: Array<{ path: string; value: unknown; parent: Record<string, unknown> }> = [{ path: '', value: root, parent: {} }];
  for (const segment of pattern.split('.')) {
    const list = segment.endsWith('[]');
    const key = list ? segment.slice(0, -2) : segment;
    const next: typeof current = [];
    for (const c of current) {
      if (!isRecord(c.value) || !(key in c.value) || c.value[key] === undefined) continue;
      const path = c.path ? `${c.path}.${key}` : key;
      const value = c.value[key];
      if (!list) {
        next.push({ path, value, parent: c.value });
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          next.push({ path: `${path}[${i}]`, value: item, parent: c.value as Record<string, unknown> });
        });
      }
    }
    current = next;
  }
  return current;
}

function podSpecOf(service: Record<string, unknown>): Record<string, unknown> {
  const [found] = resolve(service, POD);
  return isRecord(found?.value) ? found.value : {};
}

/**
 * The flags a Service needs beyond `features` (default: Knative 1.23's defaults), one entry per
 * gated field present: `{ flag, field }` with `field` the concrete path. In table order, then
 * document order; no duplicates.
 */
export function knativeFeaturesNeeded(
  service: Record<string, unknown>,
  features: KnativeFeatures = {},
): Array<{ flag: string; field: string }> {
  const podSpec = podSpecOf(service);
  const needed: Array<{ flag: string; field: string }> = [];
  const seen = new Set<string>();
  for (const gate of KNATIVE_FIELD_GATES) {
    const state = knativeFlagState(gate.flag, features)!;
    if (gate.accepts.includes(state)) continue;
    for (const pattern of gate.fields) {
      for (const { path, value, parent } of resolve(service, pattern)) {
        const isSet = gate.isSet ?? ((v: unknown) => v !== undefined && v !== null);
        if (!isSet(value, { parent, podSpec })) continue;
        if (gate.alsoAcceptedWhen?.(value, features)) continue;
        const key = `${gate.flag}\u0000${path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        needed.push({ flag: gate.flag, field: path });
      }
    }
  }
  return needed;
}

// ---------------------------------------------------------------------------------------------
// Fields Knative never accepts

/**
 * The masks are allow-lists ("Too many disallowed fields to list"): a key outside them is refused
 * whatever the flags. Gated keys are allowed here (knativeFeaturesNeeded reports them).
 * From fieldmask.go at knative-v1.23.0; RevisionSpec (revision_types.go) adds its own four fields
 * to the inlined PodSpec.
 */
const ALLOWED = {
  podSpec: [
    // PodSpecMask, always
    'serviceAccountName',
    'containers',
    'volumes',
    'imagePullSecrets',
    'enableServiceLinks',
    'automountServiceAccountToken',
    // PodSpecMask, gated
    'affinity',
    'topologySpreadConstraints',
    'hostAliases',
    'nodeSelector',
    'runtimeClassName',
    'tolerations',
    'securityContext',
    'shareProcessNamespace',
    'priorityClassName',
    'schedulerName',
    'initContainers',
    'dnsPolicy',
    'dnsConfig',
    'hostIPC',
    'hostPID',
    'hostNetwork',
    // RevisionSpec
    'containerConcurrency',
    'timeoutSeconds',
    'responseStartTimeoutSeconds',
    'idleTimeoutSeconds',
  ],
  // ContainerMask
  container: [
    'name',
    'args',
    'command',
    'env',
    'workingDir',
    'envFrom',
    'image',
    'imagePullPolicy',
    'livenessProbe',
    'ports',
    'readinessProbe',
    'resources',
    'securityContext',
    'startupProbe',
    'terminationMessagePath',
    'terminationMessagePolicy',
    'volumeMounts',
  ],
  // SecurityContextMask (privileged: false only)
  securityContext: [
    'capabilities',
    'readOnlyRootFilesystem',
    'runAsUser',
    'runAsGroup',
    'runAsNonRoot',
    'allowPrivilegeEscalation',
    'seccompProfile',
    'privileged',
  ],
  // CapabilitiesMask (add gated)
  capabilities: ['drop', 'add'],
  // PodSecurityContextMask, with kubernetes.podspec-securitycontext on
  podSecurityContext: ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'supplementalGroups', 'seccompProfile'],
  // ContainerPortMask
  port: ['containerPort', 'name', 'protocol'],
  // VolumeMountMask (mountPropagation gated)
  volumeMount: ['name', 'readOnly', 'mountPath', 'subPath', 'mountPropagation'],
  // VolumeMask + VolumeSourceMask (emptyDir, persistentVolumeClaim, hostPath, csi, ephemeral, image gated)
  volume: ['name', 'secret', 'configMap', 'projected', 'emptyDir', 'persistentVolumeClaim', 'hostPath', 'csi', 'ephemeral', 'image'],
  // EnvVarMask, EnvVarSourceMask (fieldRef, resourceFieldRef gated), EnvFromSourceMask
  env: ['name', 'value', 'valueFrom'],
  envValueFrom: ['configMapKeyRef', 'secretKeyRef', 'fieldRef', 'resourceFieldRef'],
  envFrom: ['prefix', 'configMapRef', 'secretRef'],
  // ResourceRequirementsMask
  resources: ['limits', 'requests'],
  // ProbeMask + HandlerMask, HTTPGetActionMask, TCPSocketActionMask, GRPCActionMask, ExecActionMask
  probe: [
    'exec',
    'httpGet',
    'tcpSocket',
    'grpc',
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
    'terminationGracePeriodSeconds',
  ],
  httpGet: ['host', 'path', 'scheme', 'httpHeaders', 'port'],
  tcpSocket: ['host', 'port'],
  grpc: ['port', 'service'],
  exec: ['command'],
} as const satisfies Record<string, readonly string[]>;

/** Which allow-list applies at which path pattern. */
const MASKED: ReadonlyArray<readonly [pattern: string, allowed: readonly string[]]> = [
  [POD, ALLOWED.podSpec],
  [`${POD}.securityContext`, ALLOWED.podSecurityContext],
  [`${POD}.volumes[]`, ALLOWED.volume],
  ...(['containers[]', 'initContainers[]'] as const).flatMap((c) => {
    const at = (p: string) => `${POD}.${c}${p}`;
    return [
      [at(''), ALLOWED.container],
      [at('.securityContext'), ALLOWED.securityContext],
      [at('.securityContext.capabilities'), ALLOWED.capabilities],
      [at('.ports[]'), ALLOWED.port],
      [at('.volumeMounts[]'), ALLOWED.volumeMount],
      [at('.env[]'), ALLOWED.env],
      [at('.env[].valueFrom'), ALLOWED.envValueFrom],
      [at('.envFrom[]'), ALLOWED.envFrom],
      [at('.resources'), ALLOWED.resources],
      ...['livenessProbe', 'readinessProbe', 'startupProbe'].flatMap(
        (p) =>
          [
            [at(`.${p}`), ALLOWED.probe],
            [at(`.${p}.httpGet`), ALLOWED.httpGet],
            [at(`.${p}.tcpSocket`), ALLOWED.tcpSocket],
            [at(`.${p}.grpc`), ALLOWED.grpc],
            [at(`.${p}.exec`), ALLOWED.exec],
          ] as const,
      ),
    ] as const;
  }),
];

/** Fields refused for their value, not their presence. */
const ONLY_FALSE: ReadonlyArray<{ pattern: string; reason: string }> = [
  { pattern: `${POD}.automountServiceAccountToken`, reason: 'only false is accepted (fieldmask.go PodSpecMask)' },
  ...inContainers('securityContext.privileged').map((pattern) => ({
    pattern,
    reason: 'only false is accepted (fieldmask.go SecurityContextMask)',
  })),
];

/** Probes and lifecycle on an init container (k8s_validation.go validateInitContainer). */
const INIT_CONTAINER_REFUSED = ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

/**
 * Fields of a pod template that Knative refuses whatever the flags, among those slipway's pod
 * template (or an app's `extend`) could plausibly produce. Documentation of what
 * `knativeForbiddenFields` finds (it checks the allow-lists, so it finds any other key too).
 */
export const KNATIVE_FORBIDDEN_FIELDS: ReadonlyArray<{ field: string; reason: string }> = [
  { field: `${POD}.automountServiceAccountToken`, reason: 'true is refused; only false (fieldmask.go PodSpecMask)' },
  ...[
    'terminationGracePeriodSeconds',
    'restartPolicy',
    'activeDeadlineSeconds',
    'nodeName',
    'hostname',
    'subdomain',
    'priority',
    'readinessGates',
    'preemptionPolicy',
    'os',
    'hostUsers',
    'setHostnameAsFQDN',
    'ephemeralContainers',
    'resourceClaims',
    'schedulingGates',
    'resources',
    'overhead',
    'serviceAccount',
  ].map((f) => ({
    field: `${POD}.${f}`,
    reason: 'not in fieldmask.go PodSpecMask',
  })),
  ...[
    'seLinuxOptions',
    'windowsOptions',
    'sysctls',
    'fsGroupChangePolicy',
    'appArmorProfile',
    'seLinuxChangePolicy',
    'supplementalGroupsPolicy',
  ].map((f) => ({
    field: `${POD}.securityContext.${f}`,
    reason: 'not in fieldmask.go PodSecurityContextMask, even with kubernetes.podspec-securitycontext',
  })),
  ...['lifecycle', 'stdin', 'stdinOnce', 'tty', 'volumeDevices', 'resizePolicy', 'restartPolicy'].map((f) => ({
    field: `${POD}.containers[].${f}`,
    reason: 'not in fieldmask.go ContainerMask',
  })),
  { field: `${POD}.containers[].securityContext.privileged`, reason: 'true is refused; only false (fieldmask.go SecurityContextMask)' },
  ...['seLinuxOptions', 'procMount', 'windowsOptions', 'appArmorProfile'].map((f) => ({
    field: `${POD}.containers[].securityContext.${f}`,
    reason: 'not in fieldmask.go SecurityContextMask',
  })),
  ...['hostPort', 'hostIP'].map((f) => ({ field: `${POD}.containers[].ports[].${f}`, reason: 'not in fieldmask.go ContainerPortMask' })),
  ...['recursiveReadOnly', 'subPathExpr'].map((f) => ({
    field: `${POD}.containers[].volumeMounts[].${f}`,
    reason: 'not in fieldmask.go VolumeMountMask',
  })),
  { field: `${POD}.containers[].resources.claims`, reason: 'not in fieldmask.go ResourceRequirementsMask' },
  ...['downwardAPI', 'nfs', 'gitRepo'].map((f) => ({
    field: `${POD}.volumes[].${f}`,
    reason: 'not in fieldmask.go VolumeSourceMask (a downwardAPI volume must be projected.sources[].downwardAPI)',
  })),
  ...INIT_CONTAINER_REFUSED.map((f) => ({
    field: `${POD}.initContainers[].${f}`,
    reason: 'refused on an init container (k8s_validation.go validateInitContainer)',
  })),
];

/**
 * Fields present in a Service's `spec.template.spec` that Knative refuses whatever the flags:
 * keys outside the field masks, `automountServiceAccountToken: true`, `privileged: true`, probes
 * or lifecycle on init containers. Concrete paths, in document order. Does not look inside
 * volume sources, affinity and other gated objects.
 */
export function knativeForbiddenFields(service: Record<string, unknown>): Array<{ field: string; reason: string }> {
  const found: Array<{ field: string; reason: string }> = [];
  const seen = new Set<string>();
  const add = (field: string, reason: string) => {
    if (seen.has(field)) return;
    seen.add(field);
    found.push({ field, reason });
  };
  for (const [pattern, allowed] of MASKED) {
    for (const { path, value } of resolve(service, pattern)) {
      if (!isRecord(value)) continue;
      for (const [key, v] of Object.entries(value)) {
        // JSON null decodes to Go's zero value: not a set field.
        if (v === undefined || v === null || (allowed as readonly string[]).includes(key)) continue;
        add(`${path}.${key}`, `not accepted by Knative ${KNATIVE_VERSION}'s field mask at ${pattern}`);
      }
    }
  }
  for (const { pattern, reason } of ONLY_FALSE) {
    for (const { path, value } of resolve(service, pattern)) if (value === true) add(path, reason);
  }
  for (const key of INIT_CONTAINER_REFUSED) {
    for (const { path, value } of resolve(service, `${POD}.initContainers[].${key}`)) {
      if (value !== undefined && value !== null) add(path, 'refused on an init container (k8s_validation.go validateInitContainer)');
    }
  }
  return found;
}
