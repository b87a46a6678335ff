/**
 * Issue 11, objects side: what apps generate (mostly through the `extend` escape hatch) cannot
 * write outside out/, reach other namespaces or Argo CD itself, hide objects in Lists, collide
 * with other generated files, smuggle template markers, or outgrow what the API server takes.
 *
 * The synth cases follow test/load/bad-input.test.ts: copy the sample, break one thing, run
 * `synth()`, expect exactly the listed one-line problems and nothing written. The rest checks
 * the generators and validators directly (inputs the loader would refuse first, and real Helm).
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { ConfigMap, Secret } from 'cdk8s-plus-33';
import { afterEach, describe, expect, it } from 'vitest';
import { defineApp } from '../../generators/app-definition.js';
import { buildAppObjects, directSerializer, type K8sObject } from '../../generators/app-objects.js';
import { generatePlatform, type PlatformModel } from '../../generators/platform.js';
import { renderChart } from '../../generators/helm-chart.js';
import { concreteSource, marker, symbolicSource } from '../../generators/value-source.js';
import { toYaml } from '../../generators/yaml-emitter.js';
import { defaultValues } from '../../generators/chart-values.js';
import { loadProject } from '../../src/load/load-project.js';
import { appObjectProblems, validateGenerated } from '../../src/validate/validate-output.js';
import { nameProblems } from '../../src/validate/object-names.js';
import { MAX_OBJECTS_PER_APP } from '../../src/validate/app-boundaries.js';
import { helmBinaries, runHelm } from '../support/helm.js';
import { makeProject, REPO_ROOT, type Mutate, type Project } from '../support/project-fixture.js';
import { parseDocs, removeTemp, writeTemp } from '../support/generated.js';
import { expectSynthRefused } from '../support/refused-synth.js';

interface BadObjectCase {
  readonly name: string;
  readonly mutate: Mutate;
  /** Every line `problems` must hold, and nothing else. */
  readonly expected: readonly string[];
}

const PROD = 'envs/production.yaml';
const GO_DEMO = 'charts-src/go-demo-9.ts';
const IN_PROD = `${GO_DEMO} (in production)`;
const IN_STAGING = `${GO_DEMO} (in staging)`;

/** Adds `objects` (TypeScript expressions, `scope` in hand) to go-demo-9's escape hatch. */
function extendGoDemo(p: Project, ...objects: string[]): void {
  p.replace(
    GO_DEMO,
    "import { ConfigMap } from 'cdk8s-plus-33';",
    "import { ApiObject } from 'cdk8s';\nimport { ConfigMap } from 'cdk8s-plus-33';",
  );
  p.replace(GO_DEMO, '  extend: (scope) => {\n', `  extend: (scope) => {\n${objects.map((o) => `    ${o};\n`).join('')}`);
}

/** Production renders plain manifests (`manifests/<app>/<kind>-<name>.yaml`). */
const manifestsInProduction: Mutate = (p) =>
  p.editYaml(PROD, (d) => {
    d.render = 'manifests';
  });

const cm = (name: string, extra = '') =>
  `new ApiObject(scope, ${JSON.stringify(`cm-${name}`)}, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ${JSON.stringify(name)}${extra} }, data: { a: 'b' } })`;

const SUBDOMAIN =
  "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters";
const TRAVERSAL = 'x/../../../../../../pwned';
const RESERVED = 'a character slipway reserves for its chart templates; remove it';

const cases: readonly BadObjectCase[] = [
  // --- (4) names become file names: Kubernetes' rules, before anything is written -------------
  {
    name: 'a ConfigMap named like a path (manifests mode would write it outside out/)',
    mutate: (p) => {
      manifestsInProduction(p);
      extendGoDemo(p, cm(TRAVERSAL));
    },
    expected: [
      `${IN_PROD}: ConfigMap/${TRAVERSAL}: metadata.name: '${TRAVERSAL}' is not a valid ConfigMap name: it must be ${SUBDOMAIN}`,
      `${IN_STAGING}: ConfigMap/${TRAVERSAL}: metadata.name: '${TRAVERSAL}' is not a valid ConfigMap name: it must be ${SUBDOMAIN}`,
    ],
  },
  {
    name: 'a Service name that is a subdomain but not a DNS-1035 label',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: '9-lives' }, spec: { ports: [{ port: 80 }] } })",
      ),
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): Service/9-lives: metadata.name: '9-lives' is not a valid Service name: it must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters`,
    ),
  },

  // --- (5) an app's objects stay in its environment's namespace, away from Argo CD ------------
  {
    name: "a ConfigMap in Argo CD's namespace granting everyone admin",
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'rbac', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-rbac-cm', namespace: 'argocd' }, data: { 'policy.default': 'role:admin' } })",
      ),
    expected: [
      `${IN_PROD}: ConfigMap/argocd-rbac-cm: metadata.namespace: 'argocd' is not production, the environment's namespace; an app's objects live there (leave namespace unset)`,
      `${IN_STAGING}: ConfigMap/argocd-rbac-cm: metadata.namespace: 'argocd' is not staging, the environment's namespace; an app's objects live there (leave namespace unset)`,
    ],
  },
  {
    name: 'a RoleBinding in kube-system',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'rb', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'grab', namespace: 'kube-system' }, " +
          "roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'production' }] })",
      ),
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): RoleBinding/grab: metadata.namespace: 'kube-system' is not ${env}, the environment's namespace; an app's objects live there (leave namespace unset)`,
    ),
  },
  {
    name: 'an Argo CD Application from an app',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'app', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'sneaky' }, " +
          "spec: { project: 'default', source: { repoURL: 'https://example.com/x.git', path: '.' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'kube-system' } } })",
      ),
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): Application/sneaky: is an Argo CD Application; an app may not create Applications, ApplicationSets or AppProjects (they would deploy outside the environment's AppProject): add apps to envs/*.yaml instead`,
    ),
  },

  // --- (6) Lists: Argo CD unpacks them, so slipway refuses them ----------------------------------
  {
    name: 'a List holding a Secret with data (would bypass the no-secret-values rule)',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'list', { apiVersion: 'v1', kind: 'List', metadata: { name: 'bundle' }, " +
          "items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { password: 'c2VjcmV0' } }] })",
      ),
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): List/bundle: is a list (a top-level 'items' array), which Argo CD unpacks into objects slipway never checks; create each item as an object of its own`,
    ),
  },
  {
    name: 'any kind with a top-level items array is a list to Argo CD',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'list', { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { name: 'bundle' }, " +
          "items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system' } }] })",
      ),
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): ConfigMapList/bundle: is a list (a top-level 'items' array), which Argo CD unpacks into objects slipway never checks; create each item as an object of its own`,
    ),
  },
  {
    name: "a CronJob's job template runs ':latest' in production",
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'cron', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'go-demo-9-cleanup' }, " +
          "spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:latest' }] } } } } } })",
      ),
    expected: [`${IN_PROD}: CronJob/go-demo-9-cleanup: image 'busybox:latest' floats (tag 'latest') in an environment that pins tags`],
  },

  // --- (7) two generated files at one path --------------------------------------------------
  {
    name: 'two objects of one kind and name in two API groups (one manifest file)',
    mutate: (p) => {
      manifestsInProduction(p);
      extendGoDemo(
        p,
        "new ApiObject(scope, 'ksvc', { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'go-demo-9' } })",
      );
    },
    expected: [
      `${PROD}: apps.go-demo-9: manifests/go-demo-9/service-go-demo-9.yaml would be generated twice, by app go-demo-9's v1 Service/go-demo-9 and by app go-demo-9's serving.knative.dev/v1 Service/go-demo-9; give one of the two objects another name`,
    ],
  },
  {
    name: 'one object generated twice by one app',
    mutate: (p) => extendGoDemo(p, cm('go-demo-9-twice'), cm('go-demo-9-twice').replace('"cm-', '"cm2-')),
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): ConfigMap/go-demo-9-twice: generated twice (Argo CD would apply one and report the other as a duplicate); give one of them another name`,
    ),
  },

  {
    name: "an object another app already generates (devops-toolkit's Service)",
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'devops-toolkit' }, spec: { ports: [{ port: 80 }] } })",
      ),
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): Service/devops-toolkit: app devops-toolkit generates it too; two apps must not share an object (Argo CD would flip it between them)`,
    ),
  },

  // --- (9) slipway's template markers in user data ----------------------------------------------
  {
    name: 'an extend string holding template markers around a Helm expression',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'tmpl', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'go-demo-9-tmpl' }, data: { t: '\\u0001{{ .Values.x }}\\u0002' } })",
      ),
    expected: ['production', 'staging'].map(
      (env) => `${GO_DEMO} (in ${env}): ConfigMap/go-demo-9-tmpl: data.t: value holds U+0001, ${RESERVED}`,
    ),
  },
  {
    name: 'an extend key forging the object marker',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'go-demo-9-w' }, " +
          "spec: { '\\u0000slipway': { op: 'lines', lines: ['{{ fail \"evaluated\" }}'] } } })",
      ),
    expected: ['production', 'staging'].map(
      (env) => `${GO_DEMO} (in ${env}): Widget/go-demo-9-w: spec["\\u0000slipway"]: key holds U+0000, ${RESERVED}`,
    ),
  },

  // --- (11) sanity maxima ------------------------------------------------------------------------
  {
    name: 'a ConfigMap over 1 MiB',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ConfigMap(scope, 'big', { metadata: { name: 'go-demo-9-big' }, data: { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) } })",
      ),
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): ConfigMap/go-demo-9-big: data holds 1228800 bytes (1.17 MiB); the API server refuses a ConfigMap over 1 MiB (1048576 bytes): split it, or ship the content another way (an image, a volume)`,
    ),
  },
  {
    name: `more than ${MAX_OBJECTS_PER_APP} objects in one app`,
    mutate: (p) =>
      extendGoDemo(
        p,
        `for (let i = 0; i < ${MAX_OBJECTS_PER_APP}; i++) new ApiObject(scope, 'cm' + i, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'go-demo-9-' + i } })`,
      ),
    // go-demo-9's own five objects (Deployment, Service, Ingress, PodDisruptionBudget, ConfigMap) on top.
    expected: ['production', 'staging'].map(
      (env) =>
        `${GO_DEMO} (in ${env}): generates ${MAX_OBJECTS_PER_APP + 5} objects; at most ${MAX_OBJECTS_PER_APP} per app (its Argo CD Application lists each one in its status, which must fit in one etcd object): split it into several apps`,
    ),
  },
];

let project: Project | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

describe('objects from apps: one line each, nothing written', () => {
  for (const { name, mutate, expected } of cases) {
    it(name, async () => {
      project = makeProject(mutate);
      await expectSynthRefused(project, expected);
    }, 60_000);
  }
});

describe('object names, as the API server checks them', () => {
  const obj = (apiVersion: string, kind: string, name: unknown, namespace?: string): K8sObject =>
    ({ apiVersion, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) } }) as K8sObject;

  it.each([
    ['v1', 'ConfigMap', 'a.b-c', true],
    ['v1', 'ConfigMap', 'A', false],
    ['v1', 'ConfigMap', 'a/b', false],
    ['v1', 'ConfigMap', 'a'.repeat(253), true],
    ['v1', 'ConfigMap', 'a'.repeat(254), false],
    ['v1', 'Service', 'web', true],
    ['v1', 'Service', '9web', false],
    ['v1', 'Service', 'a.b', false],
    ['apps/v1', 'StatefulSet', 'db', true],
    ['apps/v1', 'StatefulSet', 'db.main', false],
    ['apps/v1', 'Deployment', 'web.v2', true],
    ['batch/v1', 'CronJob', 'c'.repeat(52), true],
    ['batch/v1', 'CronJob', 'c'.repeat(53), false],
    ['rbac.authorization.k8s.io/v1', 'Role', 'system:reader', true],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', '..', false],
    ['rbac.authorization.k8s.io/v1', 'Role', 'a%2F', false],
    ['policy/v1', 'PodDisruptionBudget', 'Web_1', true],
    ['serving.knative.dev/v1', 'Service', '1st', false],
    ['example.com/v1', 'Widget', 'w.x', true],
    ['example.com/v1', 'Widget', '-w', false],
  ] as const)('%s %s %j: valid %s', (apiVersion, kind, name, valid) => {
    expect(nameProblems(obj(apiVersion, kind, name))).toHaveLength(valid ? 0 : 1);
  });

  it('says which rule a name breaks', () => {
    expect(nameProblems(obj('batch/v1', 'CronJob', 'c'.repeat(53)))).toEqual([
      `metadata.name: '${'c'.repeat(53)}' is not a valid CronJob name: at most 52 characters (the Jobs it creates append an 11-character -<timestamp>)`,
    ]);
    expect(nameProblems(obj('v1', 'ConfigMap', 'x', 'Kube System'))).toEqual([
      "metadata.namespace: 'Kube System' is not a namespace name: it must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    ]);
    expect(nameProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: {} })).toEqual([
      'metadata.name: missing required field "name"',
    ]);
  });

  it('accepts the sample, and checks the Argo CD objects too', async () => {
    const { model } = await loadProject(REPO_ROOT);
    const output = generatePlatform(model);
    expect(() =>
      validateGenerated(
        output,
        undefined,
        (a) => a,
        (e) => e,
      ),
    ).not.toThrow();
    const root = output.envs[0]!.argocd.find((o) => o.kind === 'Application')!;
    root.metadata.name = 'Root App';
    expect(() =>
      validateGenerated(
        output,
        undefined,
        (a) => a,
        (e) => `envs/${e}.yaml`,
      ),
    ).toThrow("envs/production.yaml: Application/Root App: metadata.name: 'Root App' is not a valid Application name");
  });

  it('cuts very long names in messages', () => {
    const long = `${'a'.repeat(300)}/x`;
    const problems = appObjectProblems(obj('v1', 'ConfigMap', long), { namespace: 'production', pinnedTags: false });
    expect(problems).toEqual([
      `metadata.name: '${'a'.repeat(100)}… (302 characters)' is not a valid ConfigMap name: it must be ${SUBDOMAIN}`,
    ]);
  });
});

describe('generation never writes outside its folders, nor loses a file', () => {
  it('makes object names file-safe in manifests and chart templates', async () => {
    const { model } = await loadProject(REPO_ROOT);
    const goDemo = model.apps.find((a) => a.name === 'go-demo-9')!;
    const app = {
      ...goDemo,
      extend: (scope: Construct) => {
        new ApiObject(scope, 'pwned', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: TRAVERSAL } });
      },
    };
    const output = generatePlatform({
      apps: model.apps.map((a) => (a.name === 'go-demo-9' ? app : a)),
      envs: model.envs.map((e) => (e.name === 'production' ? { ...e, render: 'manifests' as const } : e)),
    });
    const paths = [...output.files.keys()];
    expect(paths.filter((p) => p.split('/').includes('..'))).toEqual([]);
    expect(paths).toContain('envs/production/manifests/go-demo-9/configmap-x_.._.._.._.._.._.._pwned.yaml');
    expect(paths).toContain('charts/go-demo-9/templates/configmap-x_.._.._.._.._.._.._pwned.yaml');
    // Validation still names the object itself, and the path check stays quiet: the names are safe.
    expect(() =>
      validateGenerated(
        output,
        undefined,
        (a) => `charts-src/${a}.ts`,
        (e) => e,
      ),
    ).toThrow(`charts-src/go-demo-9.ts (in production): ConfigMap/${TRAVERSAL}: metadata.name:`);
  });

  it("refuses an app whose Application file is a platform component's (both named)", async () => {
    const { model } = await loadProject(REPO_ROOT);
    // The loader reserves the platform- prefix; the generator catches the collision regardless.
    const goDemo = model.apps.find((a) => a.name === 'go-demo-9')!;
    const clash = { ...goDemo, name: 'platform-prometheus' };
    const prod = model.envs.find((e) => e.name === 'production')!;
    const platformModel: PlatformModel = {
      apps: [...model.apps, clash],
      envs: model.envs.map((e) => (e === prod ? { ...e, apps: { ...e.apps, 'platform-prometheus': e.apps['go-demo-9']! } } : e)),
    };
    const output = generatePlatform(platformModel);
    expect(output.refusals).toEqual([
      {
        env: 'production',
        app: 'platform-prometheus',
        message:
          "apps/platform-prometheus.yaml would be generated twice, by app platform-prometheus's Application and by platform component prometheus's Application; rename app platform-prometheus",
      },
    ]);
    // The first file stays: the app's Application was not silently replaced, nor the reverse.
    expect(output.files.get('envs/production/apps/platform-prometheus.yaml')).toContain('slipway.dev/app');
  });

  it('gives chart templates of one kind and name in two API groups their own files', () => {
    const app = defineApp({
      name: 'web',
      image: 'example/web',
      extend: (scope) => {
        new ApiObject(scope, 'a', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'web' }, spec: {} });
        new ApiObject(scope, 'b', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'web' }, spec: {} });
      },
    });
    const files = [...renderChart(app).keys()].filter((f) => f.startsWith('templates/gateway'));
    expect(files).toEqual(['templates/gateway-web.yaml', 'templates/gateway-web-2.yaml']);
  });
});

describe('template markers cannot come from user data', () => {
  const withExtend = (data: Record<string, unknown>) =>
    defineApp({
      name: 'web',
      image: 'example/web',
      appVersion: '1.0.0',
      extend: (scope) => {
        new ApiObject(scope, 'tmpl', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-tmpl' }, data });
      },
    });

  it('plain YAML writes marker characters literally (no crash in values files or manifests)', () => {
    const text = toYaml({
      env: { LOG_LEVEL: '\u0001image.tag\u0002' },
      forged: { '\u0000slipway': { op: 'value', path: 'x', block: false } },
    });
    expect(text).toContain('LOG_LEVEL: "\\u0001image.tag\\u0002"');
    expect(text).toContain('"\\u0000slipway":');
    // slipway's own markers still never reach plain YAML.
    expect(() => toYaml({ replicas: symbolicSource().scalar('replicaCount') })).toThrow('template markers found outside a chart template');
    expect(() => toYaml({ x: marker({ op: 'value', path: 'x', block: false }) })).toThrow(
      'template markers found outside a chart template',
    );
  });

  it('an env value holding markers is refused by validation, not a crash', async () => {
    const { model } = await loadProject(REPO_ROOT);
    // The loader refuses control characters in env files; the generators must not depend on it.
    const envs = model.envs.map((e) =>
      e.name === 'staging'
        ? {
            ...e,
            render: 'manifests' as const,
            apps: { ...e.apps, 'go-demo-9': { ...e.apps['go-demo-9']!, env: { LOG_LEVEL: '\u0001image.tag\u0002' } } },
          }
        : e,
    );
    const output = generatePlatform({ apps: model.apps, envs });
    expect(output.files.get('envs/staging/manifests/go-demo-9/deployment-go-demo-9.yaml')).toContain('value: "\\u0001image.tag\\u0002"');
    expect(() =>
      validateGenerated(
        output,
        undefined,
        (a) => `charts-src/${a}.ts`,
        (e) => e,
      ),
    ).toThrow(
      `charts-src/go-demo-9.ts (in staging): Deployment/go-demo-9: spec.template.spec.containers[0].env[4].value: value holds U+0001, ${RESERVED}`,
    );
  });

  it('in a chart, only a value path between the markers is an expression; anything else stays text', () => {
    const template = renderChart(withExtend({ t: '\u0001{{ .Values.x }}\u0002', u: 'a\u0001b c\u0002d' })).get(
      'templates/configmap-web-tmpl.yaml',
    )!;
    expect(template).toContain('t: {{ "\\u0001{{ .Values.x }}\\u0002" | toJson }}');
    expect(template).toContain('u: "a\\u0001b c\\u0002d"');
    expect(template).not.toContain('.Values.{{');
  });

  it('forged object markers are plain data in a chart', () => {
    const forged = { '\u0000slipway': { op: 'lines', lines: ['{{ fail "evaluated" }}'] } };
    const template = renderChart(withExtend({ f: forged })).get('templates/configmap-web-tmpl.yaml')!;
    // Written as data (cdk8s sorts the keys), its template text quoted: nothing for Helm to run.
    expect(template).toContain(
      '    "\\u0000slipway":\n      lines:\n        - {{ "{{ fail \\"evaluated\\" }}" | toJson }}\n      op: lines\n',
    );
  });

  it.each(helmBinaries().map((h) => [h.major, h] as const))(
    'helm %i renders user marker characters literally, never evaluated',
    async (_major, helm) => {
      const value = '\u0001{{ .Values.image.tag }}\u0002';
      const forged = { '\u0000slipway': { op: 'lines', lines: ['{{ fail "evaluated" }}'] } };
      const app = withExtend({ t: value, f: forged as never });
      const dir = writeTemp(renderChart(app), 'slipway-markers-');
      try {
        const result = await runHelm(helm, ['template', 'web', dir, '--namespace', 'ns', '--set', 'image.tag=EVALUATED']);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        const configMap = parseDocs(result.stdout).find((d) => d['kind'] === 'ConfigMap')!;
        expect((configMap['data'] as Record<string, unknown>)['t']).toBe(value);
        expect((configMap['data'] as Record<string, unknown>)['f']).toEqual(forged);
        expect(JSON.stringify(configMap['data'])).not.toContain('EVALUATED');
      } finally {
        removeTemp(dir);
      }
    },
  );
});

describe('large ConfigMaps and Secrets', () => {
  /** What the generated L1 converter writes, against slipway's direct serializer. */
  const both = (make: (scope: Chart) => void): [unknown, unknown][] => {
    const chart = new Chart(new App({ outdir: '/dev/null' }), 'c');
    make(chart);
    return chart.node
      .findAll()
      .filter((n): n is ApiObject => n instanceof ApiObject)
      .map((node) => {
        const direct = directSerializer(node);
        expect(direct, `${node.kind} has a direct serializer`).toBeDefined();
        return [JSON.stringify(node.toJson()), JSON.stringify(direct!())];
      });
  };

  it("skip cdk8s-plus's quadratic converter, writing what it writes, byte for byte", () => {
    const pairs = both((scope) => {
      const map = new ConfigMap(scope, 'cm', {
        metadata: { name: 'cm', labels: { z: '1', a: '2' }, annotations: { note: 'x' } },
        data: { b: '2', a: '1' },
        binaryData: { bin: 'AAE=' },
        immutable: true,
      });
      map.addData('c', '3');
      new Secret(scope, 's', {
        metadata: { name: 's', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u' }] },
        stringData: { k: 'v' },
        type: 'Opaque',
      });
    });
    expect(pairs).toHaveLength(2);
    for (const [slow, fast] of pairs) expect(fast).toBe(slow);
  });

  it('leave every other kind, and hand-written toJson, to cdk8s', () => {
    const chart = new Chart(new App({ outdir: '/dev/null' }), 'c');
    const plain = new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' } });
    class Custom extends ApiObject {
      override toJson() {
        return { ...super.toJson(), custom: true };
      }
    }
    const custom = new Custom(chart, 'custom', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    expect(directSerializer(plain)).toBeUndefined();
    expect(directSerializer(custom)).toBeUndefined();
  });

  it('a 5,000-key ConfigMap builds in well under the seconds it took (no timing asserted: see the report)', () => {
    const data = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, `v${i}`]));
    const app = defineApp({
      name: 'big',
      image: 'x/big',
      appVersion: '1.0.0',
      extend: (scope) => {
        new ConfigMap(scope, 'cm', { data });
      },
    });
    const objects = buildAppObjects(app, concreteSource({ name: 'big', version: '0.1.0', namespace: 'ns' }, defaultValues(app) as never));
    const configMap = objects.find((o) => o.kind === 'ConfigMap')!;
    expect(Object.keys(configMap['data'] as object)).toHaveLength(5000);
    expect(appObjectProblems(configMap, { namespace: 'ns', pinnedTags: true })).toEqual([]);
  });

  it('counts Secret data decoded and stringData as text, as the API server does', () => {
    const secret = (data: Record<string, string>, stringData: Record<string, string> = {}) =>
      appObjectProblems({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data, stringData } as K8sObject, {
        namespace: 'ns',
        pinnedTags: false,
      }).filter((p) => p.includes('MiB'));
    const mib = 1024 * 1024;
    // 1 MiB decoded is ~1.33 MiB of base64: still within the limit.
    expect(secret({ a: Buffer.alloc(mib).toString('base64') })).toEqual([]);
    expect(secret({ a: Buffer.alloc(mib + 1).toString('base64') })).toHaveLength(1);
    expect(secret({}, { a: 'x'.repeat(mib + 1) })).toHaveLength(1);
    // stringData replaces the data key of the same name.
    expect(secret({ a: Buffer.alloc(mib).toString('base64') }, { a: 'small' })).toEqual([]);
  });
});
