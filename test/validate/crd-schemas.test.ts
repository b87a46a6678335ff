import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CrdSchemas } from '../../src/validate/crd-schemas.js';
import { describeWithShared, HAVE_SHARED, SHARED_CRDS } from '../support/shared.js';

/** Upstream CRDs, shared read-only data next to the repository (see its README.md). */
const CRD_DIR = SHARED_CRDS;

let crds: CrdSchemas;
beforeAll(() => {
  if (HAVE_SHARED) crds = CrdSchemas.fromDirectory(CRD_DIR);
});

function rollout(): Record<string, any> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 3,
      revisionHistoryLimit: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'ghcr.io/example/web:1.2.3',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '100m', memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            },
          ],
        },
      },
      strategy: {
        canary: {
          canaryService: 'web-canary',
          stableService: 'web-stable',
          maxSurge: '25%',
          maxUnavailable: 0,
          trafficRouting: {
            istio: {
              virtualService: { name: 'web', routes: ['primary'] },
              destinationRule: { name: 'web', canarySubsetName: 'canary', stableSubsetName: 'stable' },
            },
          },
          steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { pause: {} }],
        },
      },
    },
  };
}

describeWithShared('CrdSchemas.fromDirectory (upstream CRDs)', () => {
  it('loads every kind of the shared CRD files', () => {
    expect(crds.kinds).toEqual(
      expect.arrayContaining([
        'argoproj.io/Application',
        'argoproj.io/ApplicationSet',
        'argoproj.io/AppProject',
        'argoproj.io/Rollout',
        'argoproj.io/AnalysisTemplate',
        'argoproj.io/ClusterAnalysisTemplate',
        'argoproj.io/AnalysisRun',
        'serving.knative.dev/Service',
        'serving.knative.dev/DomainMapping',
        'operator.knative.dev/KnativeServing',
        'networking.istio.io/VirtualService',
        'networking.istio.io/DestinationRule',
        'networking.istio.io/Gateway',
      ]),
    );
  });

  it('has() is true for served versions', () => {
    expect(crds.has('argoproj.io/v1alpha1', 'Rollout')).toBe(true);
    expect(crds.has('networking.istio.io/v1', 'VirtualService')).toBe(true);
    expect(crds.has('networking.istio.io/v1beta1', 'VirtualService')).toBe(true);
  });

  it('has() is false for an unknown kind and for a version the CRD does not serve', () => {
    expect(crds.has('argoproj.io/v1alpha1', 'Rolout')).toBe(false);
    expect(crds.has('example.com/v1', 'Widget')).toBe(false);
    expect(crds.has('argoproj.io/v1beta1', 'Rollout')).toBe(false);
    expect(crds.has('apps/v1', 'Deployment')).toBe(false);
  });
});

describeWithShared('CrdSchemas.validate: valid custom resources', () => {
  it('accepts an Argo CD Application', () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web-prod', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: {
        project: 'shop',
        source: {
          repoURL: 'https://github.com/example/env-prod.git',
          targetRevision: 'main',
          path: 'charts/web',
          helm: { releaseName: 'web', valueFiles: ['values.yaml'], parameters: [{ name: 'replicas', value: '3' }] },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
          retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        },
        ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
      },
    };
    expect(crds.validate(app)).toEqual([]);
  });

  it('accepts an Argo CD AppProject', () => {
    const project = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'shop', namespace: 'argocd' },
      spec: {
        description: 'The shop team',
        sourceRepos: ['https://github.com/example/*'],
        destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'shop' }],
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
        namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
        roles: [{ name: 'deployer', policies: ['p, proj:shop:deployer, applications, sync, shop/*, allow'] }],
      },
    };
    expect(crds.validate(project)).toEqual([]);
  });

  it('accepts an Argo Rollouts Rollout with canary steps and Istio traffic routing', () => {
    expect(crds.validate(rollout())).toEqual([]);
  });

  it('accepts an AnalysisTemplate with a Prometheus metric', () => {
    const template = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'success-rate' },
      spec: {
        args: [{ name: 'service-name' }],
        metrics: [
          {
            name: 'success-rate',
            interval: '1m',
            count: 5,
            failureLimit: 1,
            successCondition: 'result[0] >= 0.95',
            provider: { prometheus: { address: 'http://prometheus.monitoring:9090', query: 'sum(rate(x[5m]))' } },
          },
        ],
      },
    };
    expect(crds.validate(template)).toEqual([]);
  });

  it('accepts a Knative Service', () => {
    const ksvc = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', namespace: 'shop' },
      spec: {
        template: {
          metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '1' } },
          spec: {
            containerConcurrency: 10,
            containers: [
              {
                image: 'ghcr.io/example/hello:1.0.0',
                ports: [{ containerPort: 8080 }],
                env: [{ name: 'TARGET', value: 'World' }],
                readinessProbe: { httpGet: { path: '/healthz' } },
              },
            ],
          },
        },
        traffic: [{ latestRevision: true, percent: 100 }],
      },
    };
    expect(crds.validate(ksvc)).toEqual([]);
  });

  it('accepts an Istio VirtualService', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web' },
      spec: {
        hosts: ['web.shop.svc.cluster.local'],
        gateways: ['mesh'],
        http: [
          {
            name: 'primary',
            match: [{ uri: { prefix: '/' } }],
            route: [
              { destination: { host: 'web-stable', port: { number: 80 } }, weight: 100 },
              { destination: { host: 'web-canary', port: { number: 80 } }, weight: 0 },
            ],
            retries: { attempts: 3, perTryTimeout: '2s' },
            timeout: '10s',
          },
        ],
      },
    };
    expect(crds.validate(vs)).toEqual([]);
  });
});

describeWithShared('CrdSchemas.validate: problems', () => {
  it('reports setWeigth in a Rollout step as an unknown field', () => {
    const r = rollout();
    r.spec.strategy.canary.steps[2] = { setWeigth: 50 };
    expect(crds.validate(r)).toEqual([{ path: 'spec.strategy.canary.steps[2].setWeigth', message: 'unknown field "setWeigth"' }]);
  });

  it('reports unknown fields inside the embedded pod template', () => {
    const r = rollout();
    r.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(crds.validate(r).map((i) => i.path)).toEqual(['spec.template.spec.containers[0].imagePullPolcy']);
  });

  it('reports a string where an integer is required', () => {
    const r = rollout();
    r.spec.strategy.canary.steps[0] = { setWeight: '10' };
    expect(crds.validate(r)).toEqual([
      { path: 'spec.strategy.canary.steps[0].setWeight', message: 'invalid type: expected integer, got string "10"' },
    ]);
  });

  it('accepts both forms of an int-or-string field and rejects anything else', () => {
    for (const value of [1, '1', '25%']) {
      const r = rollout();
      r.spec.strategy.canary.maxSurge = value;
      r.spec.strategy.canary.maxUnavailable = value;
      expect(crds.validate(r), JSON.stringify(value)).toEqual([]);
    }
    const r = rollout();
    r.spec.strategy.canary.maxSurge = 1.5;
    r.spec.strategy.canary.maxUnavailable = true;
    expect(crds.validate(r).map((i) => i.path)).toEqual(['spec.strategy.canary.maxSurge', 'spec.strategy.canary.maxUnavailable']);
  });

  it('reports a missing required field', () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web' },
      spec: { project: 'default', destination: { namespace: 'shop' }, source: { path: 'charts/web' } },
    };
    expect(crds.validate(app)).toEqual([{ path: 'spec.source.repoURL', message: 'missing required field "repoURL"' }]);
  });

  it('reports a value outside an enum', () => {
    const rule = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'web' },
      spec: {
        host: 'web',
        subsets: [
          { name: 'stable', labels: { 'app.kubernetes.io/name': 'web' } },
          { name: 'canary', labels: { 'app.kubernetes.io/name': 'web' } },
        ],
        trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: 'SOMETIMES' } } },
      },
    };
    const issues = crds.validate(rule);
    expect(issues.map((i) => i.path)).toEqual(['spec.trafficPolicy.connectionPool.http.h2UpgradePolicy']);
    expect(issues[0]?.message).toMatch(/"SOMETIMES".*"DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"/);
  });

  it('keeps free-form (x-kubernetes-preserve-unknown-fields) parts free', () => {
    const ksvc = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello' },
      spec: {
        template: {
          // metadata of the revision template preserves unknown fields.
          metadata: { annotations: { a: 'b' }, anything: { goes: true } },
          spec: { containers: [{ image: 'x' }], affinity: { whatever: [1, 2] } },
        },
      },
    };
    expect(crds.validate(ksvc)).toEqual([]);
  });

  it('checks metadata: an object with a string name', () => {
    const noName = rollout();
    delete noName.metadata.name;
    expect(crds.validate(noName)).toEqual([{ path: 'metadata.name', message: 'missing required field "name"' }]);

    const badName = rollout();
    badName.metadata.name = 42;
    expect(crds.validate(badName).map((i) => i.path)).toEqual(['metadata.name']);

    const noMetadata = rollout();
    delete noMetadata.metadata;
    expect(crds.validate(noMetadata)).toEqual([{ path: 'metadata', message: 'missing required field "metadata"' }]);
  });

  it('reports an unknown kind or unserved version as an issue naming what is loaded', () => {
    const issues = crds.validate({ apiVersion: 'argoproj.io/v1beta1', kind: 'Rollout', metadata: { name: 'x' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('apiVersion');
    expect(issues[0]?.message).toMatch(/no CRD loaded for argoproj.io\/v1beta1 Rollout.*argoproj.io\/Rollout/);
  });

  it('reports mutually exclusive Istio match fields set together', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web' },
      spec: { hosts: ['web'], http: [{ match: [{ uri: { prefix: '/', exact: '/x' } }], route: [{ destination: { host: 'web' } }] }] },
    };
    expect(crds.validate(vs)).toEqual([
      { path: 'spec.http[0].match[0].uri', message: 'fields "exact", "prefix" are mutually exclusive: set only one' },
    ]);
  });
});

/** A hand-written, minimal CRD (not upstream data) to exercise the loader's formats. */
function widgetCrd(versions: { name: string; served: boolean }[]): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: versions.map((v) => ({
        ...v,
        storage: v.served,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1 },
                  port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                  note: { type: 'string', nullable: true },
                  template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  tags: { type: 'object', additionalProperties: { type: 'string' } },
                  empty: { type: 'object' },
                },
              },
            },
          },
        },
      })),
    },
  };
}

describe('CrdSchemas.fromDirectory: file formats and errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-crds-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function freshDir(name: string): string {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  }

  it('reads a kind: List, recursively, and knows served from unserved versions', () => {
    const d = freshDir('list');
    mkdirSync(join(d, 'nested'));
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        widgetCrd([
          { name: 'v1', served: true },
          { name: 'v1alpha1', served: false },
        ]),
      ],
    };
    // YAML written by hand with the schema as a block, like `kubectl get crd -o yaml`.
    writeFileSync(join(d, 'nested', 'crds.yaml'), `# dump\n${toBlockYaml(list)}`);
    const loaded = CrdSchemas.fromDirectory(d);
    expect(loaded.kinds).toEqual(['example.com/Widget']);
    expect(loaded.has('example.com/v1', 'Widget')).toBe(true);
    expect(loaded.has('example.com/v1alpha1', 'Widget')).toBe(false);
    expect(loaded.validate({ apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: { name: 'w' } })[0]?.message).toMatch(
      /does not serve version v1alpha1/,
    );
  });

  it('reads JSON files and multi-document YAML, ignoring other documents', () => {
    const d = freshDir('mixed');
    writeFileSync(join(d, 'widget.json'), JSON.stringify(widgetCrd([{ name: 'v1', served: true }])));
    const gadget = widgetCrd([{ name: 'v2', served: true }]) as any;
    gadget.spec.names.kind = 'Gadget';
    writeFileSync(
      join(d, 'more.yml'),
      `---\n${toBlockYaml({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } })}---\n${toBlockYaml(gadget)}`,
    );
    writeFileSync(join(d, 'README.md'), 'not yaml: [');
    const loaded = CrdSchemas.fromDirectory(d);
    expect(loaded.kinds).toEqual(['example.com/Gadget', 'example.com/Widget']);
    expect(loaded.has('example.com/v2', 'Gadget')).toBe(true);
  });

  it('lets a later file redefine a CRD, versions and all', () => {
    const d = freshDir('redefined');
    writeFileSync(join(d, 'a.yaml'), toBlockYaml(widgetCrd([{ name: 'v1alpha1', served: true }])));
    writeFileSync(join(d, 'b.yaml'), toBlockYaml(widgetCrd([{ name: 'v1', served: true }])));
    const loaded = CrdSchemas.fromDirectory(d);
    expect(loaded.kinds).toEqual(['example.com/Widget']);
    expect(loaded.has('example.com/v1', 'Widget')).toBe(true);
    expect(loaded.has('example.com/v1alpha1', 'Widget')).toBe(false);
  });

  it('handles int-or-string, nullable, embedded resources, preserved and bare objects', () => {
    const d = freshDir('keywords');
    writeFileSync(join(d, 'widget.yaml'), toBlockYaml(widgetCrd([{ name: 'v1', served: true }])));
    const loaded = CrdSchemas.fromDirectory(d);
    const widget = (spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });

    expect(
      loaded.validate(
        widget({
          size: 2,
          port: 'http',
          note: null,
          template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } },
          extra: { free: { form: [1] } },
          tags: { team: 'shop' },
          empty: {},
        }),
      ),
    ).toEqual([]);
    expect(loaded.validate(widget({ size: 2, port: 8080 }))).toEqual([]);

    const issues = loaded.validate(
      widget({ size: 0, port: false, note: 3, template: { data: {} }, tags: { team: 1 }, empty: { x: 1 }, colour: 'red' }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'spec.colour',
      'spec.empty.x',
      'spec.note',
      'spec.port',
      'spec.size',
      'spec.tags.team',
      'spec.template.apiVersion',
      'spec.template.kind',
    ]);
  });

  it('throws, naming the directory, when it does not exist', () => {
    const missing = join(dir, 'does-not-exist');
    expect(() => CrdSchemas.fromDirectory(missing)).toThrow(missing);
  });

  it('throws, naming the file, when a YAML file does not parse', () => {
    const d = freshDir('bad-yaml');
    writeFileSync(join(d, 'good.yaml'), toBlockYaml(widgetCrd([{ name: 'v1', served: true }])));
    writeFileSync(join(d, 'broken.yaml'), 'apiVersion: v1\nkind: [List\n  items: {\n');
    expect(() => CrdSchemas.fromDirectory(d)).toThrow(/broken\.yaml/);
  });

  it('throws, naming the file, when a JSON file does not parse', () => {
    const d = freshDir('bad-json');
    writeFileSync(join(d, 'broken.json'), '{"kind": ');
    expect(() => CrdSchemas.fromDirectory(d)).toThrow(/broken\.json/);
  });

  it('with eager, throws at load time for a broken schema block; lazily, at first validate', () => {
    const d = freshDir('bad-schema');
    const text = toBlockYaml(widgetCrd([{ name: 'v1', served: true }])).replace(
      /(\n( +)openAPIV3Schema:\n)/,
      '$1$2  properties: {\n$2  broken: [\n',
    );
    writeFileSync(join(d, 'widget.yaml'), text);
    expect(() => CrdSchemas.fromDirectory(d, { eager: true })).toThrow(/widget\.yaml/);
    const lazy = CrdSchemas.fromDirectory(d);
    expect(lazy.has('example.com/v1', 'Widget')).toBe(true);
    expect(() => lazy.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toThrow(/widget\.yaml/);
  });
});

/** Block-style YAML without a YAML library: the loader's fast path expects block style. */
function toBlockYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    return value
      .map((item) => {
        const body = toBlockYaml(item, `${indent}  `);
        return isScalar(item) ? `${indent}- ${body}` : `${indent}- ${body.slice(indent.length + 2)}`;
      })
      .join('');
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}\n';
    return entries
      .map(([k, v]) => {
        const key = /^[A-Za-z][\w.-]*$/.test(k) ? k : JSON.stringify(k);
        if (isScalar(v) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0)) {
          return `${indent}${key}: ${toBlockYaml(v)}`;
        }
        return `${indent}${key}:\n${toBlockYaml(v, `${indent}  `)}`;
      })
      .join('');
  }
  return `${JSON.stringify(value)}\n`;
}

function isScalar(value: unknown): boolean {
  return typeof value !== 'object' || value === null;
}
