/**
 * Bad input, one mistake at a time: slipway must answer with one clear line naming the file and
 * the field (`envs/production.yaml: apps.devops-toolkit.tag: required`), and write nothing.
 *
 * Each case copies the sample platform repo to a temp dir, breaks one thing, puts a sentinel in
 * out/, runs `synth()` in-process and checks:
 *   - it throws a ConfigError whose `problems` hold exactly the expected lines (each asserted with
 *     `toContain` on the exact string, then the count, so no noise rides along);
 *   - out/ still holds only the sentinel, and no file of the project changed or appeared
 *     (no `.out.new/`, `.out.old/` left behind either).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { synth } from '../../src/synth.js';
import { makeProject, type Mutate, type Project } from '../support/project-fixture.js';
import { expectSynthRefused } from '../support/refused-synth.js';

interface BadInputCase {
  readonly name: string;
  readonly mutate: Mutate;
  /** Every line `problems` must hold, and nothing else. */
  readonly expected: readonly string[];
}

const PROD = 'envs/production.yaml';
const STAGING = 'envs/staging.yaml';
const TOOLKIT = 'charts-src/devops-toolkit.ts';
const GO_DEMO = 'charts-src/go-demo-9.ts';
const PARADOX = 'charts-src/devops-paradox.ts';
/** devops-paradox's delivery line in the sample, which Knative cases replace. */
const KNATIVE = 'delivery: Delivery.knative({ minScale: 0, maxScale: 3, containerConcurrency: 100 }),';
/** devops-toolkit's delivery line in the sample, which canary cases replace. */
const CANARY = 'delivery: Delivery.canary({ analysis: { successRate: 0.99, maxLatencyMs: 1000 } }),';

const TAG_RULE = 'is not a valid image tag (letters, digits, _ . -; at most 128; optionally @sha256:<64 hex>)';
const DURATION_RULE = 'is not a duration Argo Rollouts accepts (whole seconds, or a number with s, m or h: 30s, 2m, 1h)';

/** Head of a small, otherwise valid production env file, for the YAML syntax cases (line numbers stay put). */
const PROD_HEAD =
  [
    'name: production', // 1
    'namespace: production', // 2
    'domain: example.com', // 3
    'repo: my-org/production', // 4
    'pinnedTags: true', // 5
    'apps:', // 6
  ].join('\n') + '\n';

/** Adds `objects` (TypeScript expressions, `scope` in hand) to go-demo-9's escape hatch. */
function extendGoDemo(p: Project, ...objects: string[]): void {
  p.replace(
    GO_DEMO,
    "import { ConfigMap } from 'cdk8s-plus-33';",
    "import { ApiObject } from 'cdk8s';\nimport { ConfigMap } from 'cdk8s-plus-33';",
  );
  p.replace(GO_DEMO, '  extend: (scope) => {\n', `  extend: (scope) => {\n${objects.map((o) => `    ${o};\n`).join('')}`);
}

const cases: readonly BadInputCase[] = [
  // --- YAML syntax ------------------------------------------------------------------------
  {
    name: 'malformed YAML: names the file, line and column',
    mutate: (p) => p.write(PROD, `${PROD_HEAD}  devops-toolkit:\n    tag: "2.9.9\n  devops-paradox:\n    tag: "1.71"\n`),
    expected: [`${PROD}:8:16: malformed YAML: Missing closing "quote`],
  },
  {
    name: 'duplicate app key in one env file',
    mutate: (p) => p.write(PROD, `${PROD_HEAD}  devops-toolkit:\n    tag: "2.9.9"\n  devops-toolkit:\n    tag: "2.9.10"\n`),
    expected: [`${PROD}:9:3: malformed YAML: Map keys must be unique`],
  },

  // --- unknown keys and wrong types ------------------------------------------------------
  {
    name: 'unknown top-level key, with a did-you-mean',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.promotesFom = d.promotesFrom;
        delete d.promotesFrom;
      }),
    expected: [`${PROD}: promotesFom: unknown key (did you mean 'promotesFrom'?)`],
  },
  {
    name: 'unknown key under an app, with a did-you-mean',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-paradox'].replica = 2;
        delete d.apps['devops-paradox'].replicas;
      }),
    expected: [`${PROD}: apps.devops-paradox.replica: unknown key (did you mean 'replicas'?)`],
  },
  {
    name: 'wrong type: replicas "two"',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-paradox'].replicas = 'two';
      }),
    expected: [`${PROD}: apps.devops-paradox.replicas: must be an integer, not string "two"`],
  },
  {
    name: 'required top-level key missing',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        delete d.namespace;
      }),
    expected: [`${STAGING}: namespace: required`],
  },

  // --- tags ------------------------------------------------------------------------------
  {
    name: 'tag missing',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        delete d.apps['devops-toolkit'].tag;
      }),
    expected: [`${PROD}: apps.devops-toolkit.tag: required`],
  },
  {
    name: 'tag 1.10 unquoted: suggests the quoted "1.10"',
    mutate: (p) => p.replace(PROD, 'tag: "1.71"', 'tag: 1.10'),
    expected: [`${PROD}: apps.devops-paradox.tag: must be a string; quote it: "1.10", not number 1.1`],
  },
  {
    name: "tag 'bad tag!'",
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['devops-toolkit'].tag = 'bad tag!';
      }),
    expected: [`${STAGING}: apps.devops-toolkit.tag: 'bad tag!' ${TAG_RULE}`],
  },
  {
    name: 'a 129-character tag',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['devops-toolkit'].tag = 'v'.repeat(129);
      }),
    expected: [`${STAGING}: apps.devops-toolkit.tag: '${'v'.repeat(129)}' ${TAG_RULE}`],
  },
  {
    name: "'latest' in production (pinnedTags)",
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-paradox'].tag = 'latest';
      }),
    expected: [`${PROD}: apps.devops-paradox.tag: 'latest' floats; production pins tags (pinnedTags: true): use a version tag`],
  },
  {
    name: 'empty tag in production',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-paradox'].tag = '';
      }),
    expected: [`${PROD}: apps.devops-paradox.tag: '' ${TAG_RULE}`],
  },

  // --- app names and references -------------------------------------------------------------
  {
    name: "app name '../x' as a key under apps",
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['../x'] = { tag: '1.0.0' };
      }),
    expected: [`${PROD}: apps: '../x' is not a DNS-1035 label (lower-case letters, digits and -, starting with a letter)`],
  },
  {
    name: 'app in an env but not defined in charts-src',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['hello-world'] = { tag: '1.0.0' };
      }),
    expected: [`${STAGING}: apps.hello-world: no charts-src/hello-world.ts defines app 'hello-world'`],
  },
  {
    name: 'env variable name that Kubernetes refuses',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['go-demo-9'].env = { 'LOG-LEVEL': 'debug' };
      }),
    expected: [`${STAGING}: apps.go-demo-9.env: 'LOG-LEVEL' is not a valid environment variable name`],
  },

  // --- delivery overrides -----------------------------------------------------------------
  {
    name: 'unknown delivery override key',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].delivery = { rolling: {} };
      }),
    expected: [`${PROD}: apps.devops-toolkit.delivery.rolling: unknown key`],
  },
  {
    name: 'a canary override on a deployment app',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['go-demo-9'].delivery = { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } };
      }),
    expected: [`${PROD}: apps.go-demo-9.delivery.canary: 'go-demo-9' is delivered as deployment, not canary`],
  },
  {
    name: "step typo 'setWeigth' in a canary override",
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].delivery = { canary: { steps: [{ setWeight: 20 }, { setWeigth: 40 }] } };
      }),
    expected: [`${PROD}: apps.devops-toolkit.delivery.canary.steps[1].setWeigth: unknown key (did you mean 'setWeight'?)`],
  },
  {
    name: 'setWeight 120',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].delivery = { canary: { steps: [{ setWeight: 120 }] } };
      }),
    expected: [`${PROD}: apps.devops-toolkit.delivery.canary.steps[0].setWeight: must be <= 100`],
  },
  {
    name: "pause duration '10x'",
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].delivery = { canary: { steps: [{ setWeight: 20 }, { pause: { duration: '10x' } }] } };
      }),
    expected: [`${PROD}: apps.devops-toolkit.delivery.canary.steps[1].pause.duration: '10x' ${DURATION_RULE}`],
  },
  {
    name: 'a canary step with both setWeight and pause',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].delivery = { canary: { steps: [{ setWeight: 20, pause: {} }] } };
      }),
    expected: [`${PROD}: apps.devops-toolkit.delivery.canary.steps[0]: a step is exactly one of setWeight or pause`],
  },

  // --- environment settings -----------------------------------------------------------------
  {
    name: 'env name differs from the file name',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.name = 'prod';
      }),
    expected: [`${PROD}: name: 'prod' must equal the file name ('production')`],
  },
  {
    name: 'promotesFrom itself',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.promotesFrom = 'production';
      }),
    expected: [`${PROD}: promotesFrom: 'production' cannot promote from itself`],
  },
  {
    name: 'promotesFrom an unknown env',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.promotesFrom = 'qa';
      }),
    expected: [`${PROD}: promotesFrom: no envs/qa.yaml`],
  },
  {
    name: 'promotesFrom cycle',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.promotesFrom = 'production';
      }),
    expected: [
      `${PROD}: promotesFrom: 'staging' leads back to 'production' (a cycle)`,
      `${STAGING}: promotesFrom: 'production' leads back to 'staging' (a cycle)`,
    ],
  },
  {
    name: "promotion: 'yolo'",
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.promotion = 'yolo';
      }),
    expected: [`${PROD}: promotion: 'yolo' must be one of: direct, pr`],
  },
  {
    name: "render: 'kustomize'",
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.render = 'kustomize';
      }),
    expected: [`${STAGING}: render: 'kustomize' must be one of: helm, manifests`],
  },
  {
    name: 'repo a local path without repoURL',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        delete d.repoURL;
      }),
    expected: [
      `${STAGING}: repoURL: required when repo is a local path ('./.slipway/remotes/staging.git'): Argo CD cannot read a path on this machine; give the URL it pulls from`,
    ],
  },
  {
    name: 'repo neither GitHub, URL nor path',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.repo = 'not a repo';
      }),
    expected: [
      `${STAGING}: repo: 'not a repo' is neither a GitHub owner/name, a git URL (https://, ssh://, git@) nor a local path (./, ../, /)`,
    ],
  },
  {
    name: "env resources.limits.cpu 'lots'",
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-paradox'].resources.limits.cpu = 'lots';
      }),
    expected: [`${PROD}: apps.devops-paradox.resources.limits.cpu: 'lots' is not a Kubernetes quantity (e.g. 100m, 0.5, 128Mi)`],
  },
  {
    name: 'env autoscaling minReplicas above maxReplicas',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].autoscaling = { minReplicas: 7, maxReplicas: 4 };
      }),
    expected: [`${PROD}: apps.devops-toolkit.autoscaling: minReplicas (7) is above maxReplicas (4)`],
  },
  {
    name: "env autoscaling minReplicas above the app's maxReplicas",
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].autoscaling = { minReplicas: 7 };
      }),
    expected: [`${PROD}: apps.devops-toolkit.autoscaling: minReplicas (7) is above maxReplicas (6)`],
  },
  {
    name: 'env autoscaling: true',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['devops-toolkit'].autoscaling = true;
      }),
    expected: [`${STAGING}: apps.devops-toolkit.autoscaling: must be false or an object with minReplicas, maxReplicas, cpuUtilization`],
  },
  {
    name: 'host with upper-case and underscore',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].host = 'My_Site.example.com';
      }),
    expected: [`${PROD}: apps.devops-toolkit.host: 'My_Site.example.com' is not a valid host name`],
  },
  {
    name: 'no env file at all',
    mutate: (p) => {
      p.remove(PROD);
      p.remove(STAGING);
    },
    expected: ['envs/: no environment file (envs/<env>.yaml)'],
  },

  // --- charts-src ---------------------------------------------------------------------------
  {
    name: "charts-src name '../x'",
    mutate: (p) => p.replace(TOOLKIT, "name: 'devops-toolkit',", "name: '../x',"),
    expected: [`${TOOLKIT}: name: '../x' is not a DNS-1035 label (lower-case letters, digits and -, starting with a letter, at most 63)`],
  },
  {
    name: 'charts-src name differs from its file name',
    mutate: (p) => p.replace(TOOLKIT, "name: 'devops-toolkit',", "name: 'toolkit',"),
    expected: [`${TOOLKIT}: name: 'toolkit' must equal the file name ('devops-toolkit')`],
  },
  {
    name: 'charts-src unknown delivery kind',
    mutate: (p) => p.replace(TOOLKIT, CANARY, "delivery: { kind: 'blue-green' } as never,"),
    expected: [`${TOOLKIT}: delivery: unknown delivery 'blue-green' (known: deployment, canary, knative)`],
  },
  {
    name: 'canary weights that do not increase (env override)',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].delivery = { canary: { steps: [{ setWeight: 40 }, { pause: {} }, { setWeight: 20 }] } };
      }),
    expected: [
      `${PROD}: apps.devops-toolkit.delivery.canary.steps[2].setWeight: 20 must be above the previous weight (40): weights only increase`,
    ],
  },
  {
    name: 'canary weights that do not increase (app definition)',
    mutate: (p) =>
      p.replace(TOOLKIT, CANARY, 'delivery: Delivery.canary({ steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 30 }] }),'),
    expected: [`${TOOLKIT}: delivery.steps[2].setWeight: 30 must be above the previous weight (50): weights only increase`],
  },
  {
    name: 'canary pause duration Argo Rollouts would reject (app definition)',
    mutate: (p) =>
      p.replace(
        TOOLKIT,
        CANARY,
        "delivery: Delivery.canary({ steps: [{ setWeight: 50 }, { pause: { duration: '1d' } }, { setWeight: 80 }] }),",
      ),
    expected: [`${TOOLKIT}: delivery.steps[1].pause.duration: '1d' ${DURATION_RULE}`],
  },
  {
    name: 'success threshold outside 0-1 (app definition)',
    mutate: (p) => p.replace(TOOLKIT, CANARY, 'delivery: Delivery.canary({ analysis: { successRate: 1.5 } }),'),
    expected: [
      `${TOOLKIT}: delivery.analysis.successRate: 1.5 must be between 0 and 1, at most 4 decimals (0.99 = 99% of responses not 5xx)`,
    ],
  },
  {
    name: 'success threshold outside 0-1 (env override)',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].delivery = { canary: { analysis: { successRate: 80 } } };
      }),
    expected: [`${PROD}: apps.devops-toolkit.delivery.canary.analysis.successRate: must be <= 1`],
  },
  {
    name: 'analysis on with no Prometheus address',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.prometheus = '';
      }),
    expected: [`${PROD}: prometheus: '' is not a Prometheus address (http:// or https://); canary analysis queries it`],
  },
  {
    name: 'knative min-scale above max-scale (env)',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-paradox'].delivery.knative.minScale = 6;
      }),
    expected: [`${PROD}: apps.devops-paradox.delivery.knative.minScale: 6 is above maxScale (5)`],
  },
  {
    name: 'knative negative max-scale (env)',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-paradox'].delivery.knative.maxScale = -1;
      }),
    expected: [`${PROD}: apps.devops-paradox.delivery.knative.maxScale: must be >= 0`],
  },
  {
    name: 'knative non-integer min-scale (env)',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-paradox'].delivery.knative.minScale = 1.5;
      }),
    expected: [`${PROD}: apps.devops-paradox.delivery.knative.minScale: must be an integer, not number 1.5`],
  },
  {
    name: 'knative negative concurrency (env)',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['devops-paradox'].delivery = { knative: { containerConcurrency: -1 } };
      }),
    expected: [`${STAGING}: apps.devops-paradox.delivery.knative.containerConcurrency: must be >= 0`],
  },
  {
    name: 'knative cpu metric with scale to zero (env over the app minScale 0)',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['devops-paradox'].delivery = { knative: { metric: 'cpu' } };
      }),
    expected: [
      `${STAGING}: apps.devops-paradox.delivery.knative.metric: 'cpu' needs Knative's HPA autoscaler class, which cannot scale to zero: set minScale to 1 or more, or use concurrency or rps`,
    ],
  },
  {
    name: 'knative unknown metric (env)',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['devops-paradox'].delivery = { knative: { metric: 'latency' } };
      }),
    expected: [`${STAGING}: apps.devops-paradox.delivery.knative.metric: 'latency' must be one of: concurrency, rps, cpu, memory`],
  },
  {
    name: 'knative min-scale above max-scale (app definition)',
    mutate: (p) => p.replace(PARADOX, KNATIVE, 'delivery: Delivery.knative({ minScale: 4, maxScale: 3 }),'),
    expected: [`${PARADOX}: delivery.minScale: 4 is above maxScale (3)`],
  },
  {
    name: 'knative negative and non-integer scale, negative concurrency (app definition)',
    mutate: (p) => p.replace(PARADOX, KNATIVE, 'delivery: Delivery.knative({ minScale: -1, maxScale: 2.5, containerConcurrency: -10 }),'),
    expected: [
      `${PARADOX}: delivery.minScale: -1 must be a whole number >= 0`,
      `${PARADOX}: delivery.maxScale: 2.5 must be a whole number >= 0`,
      `${PARADOX}: delivery.containerConcurrency: -10 must be a whole number >= 0`,
    ],
  },
  {
    name: 'knative cpu metric with scale to zero (app definition)',
    mutate: (p) => p.replace(PARADOX, KNATIVE, "delivery: Delivery.knative({ metric: 'cpu' }),"),
    expected: [
      `${PARADOX}: delivery.metric: 'cpu' needs Knative's HPA autoscaler class, which cannot scale to zero: set minScale to 1 or more, or use concurrency or rps`,
    ],
  },
  {
    name: 'knative unknown metric (app definition)',
    mutate: (p) => p.replace(PARADOX, KNATIVE, "delivery: Delivery.knative({ metric: 'latency' as never }),"),
    expected: [`${PARADOX}: delivery.metric: unknown metric 'latency' (known: concurrency, rps, cpu, memory)`],
  },
  {
    name: 'an unknown platform component',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.platform = ['argo-rollouts', 'flux'];
      }),
    expected: [
      `${PROD}: platform[1]: 'flux' is not a platform component (argo-cd, argo-rollouts, istio, prometheus, knative-serving, loki, grafana, metrics-server, cert-manager), nor {component, version}`,
    ],
  },
  {
    name: 'a Prometheus address with a path, where the env installs Prometheus',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.prometheus = 'http://prometheus-server.monitoring/prom';
      }),
    expected: [
      `${PROD}: prometheus: 'http://prometheus-server.monitoring/prom' is not what the prometheus component serves: http://<service>.<namespace>[.svc[.cluster.local]][:port], no path`,
    ],
  },
  {
    name: 'a Prometheus address without a namespace, where the env installs Prometheus',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.prometheus = 'http://prometheus:9090';
      }),
    expected: [
      `${PROD}: prometheus: 'http://prometheus:9090' is not what the prometheus component serves: http://<service>.<namespace>[.svc[.cluster.local]][:port], no path`,
    ],
  },
  {
    name: 'an unknown gateway service type',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.gateway = { serviceType: 'ExternalName' };
      }),
    expected: [`${PROD}: gateway.serviceType: 'ExternalName' must be one of: LoadBalancer, NodePort, ClusterIP`],
  },
  {
    name: "an env in Argo CD's namespace",
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.namespace = 'argocd';
      }),
    expected: [
      `${STAGING}:2: namespace: 'argocd' is Argo CD's namespace; the env's AppProject would let its apps write beside Argo CD's Secrets, ConfigMaps and Applications: give the env a namespace of its own`,
    ],
  },
  {
    name: 'an env in the Argo CD namespace another env on its cluster names (argocd.namespace)',
    mutate: (p) => {
      p.editYaml(PROD, (d) => {
        d.argocd = { namespace: 'gitops' };
      });
      p.editYaml(STAGING, (d) => {
        d.namespace = 'gitops';
      });
    },
    expected: [
      `${STAGING}:2: namespace: 'gitops' is Argo CD's namespace (env 'production' runs Argo CD there); the env's AppProject would let its apps write beside Argo CD's Secrets, ConfigMaps and Applications: give the env a namespace of its own`,
    ],
  },
  {
    name: 'an env in a namespace where a platform component of another env on its cluster installs',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.namespace = 'istio-system';
      }),
    expected: [
      `${STAGING}:2: namespace: 'istio-system' is where platform component istio of env 'production' installs istio-base; the env's AppProject would let its apps replace that controller's objects: give the env a namespace of its own`,
    ],
  },
  {
    name: 'an env in the namespace its own Prometheus is served from',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.namespace = 'monitoring';
      }),
    expected: [
      `${PROD}:2: namespace: 'monitoring' is where platform component prometheus installs prometheus; the env's AppProject would let its apps replace that controller's objects: give the env a namespace of its own`,
    ],
  },
  {
    name: 'a Knative app that adds capabilities, on a cluster where no env installs knative-serving',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.platform = (d.platform as string[]).filter((c) => c !== 'knative-serving');
      }),
    expected: [
      `${PROD}: apps.devops-paradox: uses spec.template.spec.containers[0].securityContext.capabilities.add, which Knative refuses unless feature 'kubernetes.containerspec-addcapabilities' is enabled; add knative-serving to platform: of an env on its cluster, so slipway's KnativeServing enables it`,
      `envs/staging.yaml: apps.devops-paradox: uses spec.template.spec.containers[0].securityContext.capabilities.add, which Knative refuses unless feature 'kubernetes.containerspec-addcapabilities' is enabled; add knative-serving to platform: of an env on its cluster, so slipway's KnativeServing enables it`,
    ],
  },
  {
    name: 'a platform component version that is a range',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.platform = [{ component: 'istio', version: '^1.30' }];
      }),
    expected: [`${PROD}: platform[0].version: '^1.30' does not match ^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$`],
  },
  {
    name: 'two clusters with the same name',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        delete d.cluster;
        d.clusters = [
          { name: 'eu', server: 'https://eu.example.com' },
          { name: 'eu', server: 'https://eu2.example.com' },
        ];
      }),
    expected: [`${PROD}: clusters[1].name: 'eu' names two clusters; cluster names must be unique`],
  },
  {
    name: 'a fleet env with no clusters',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        delete d.cluster;
        d.clusters = [];
      }),
    expected: [`${PROD}: clusters: a fleet needs at least one cluster`],
  },
  {
    name: 'a canary app with no port',
    mutate: (p) => p.replace(TOOLKIT, '  port: 80,\n', ''),
    expected: [`${TOOLKIT}: port: required for canary delivery (Istio routes the canary by Service port)`],
  },
  {
    name: 'charts-src file without a default export of defineApp',
    mutate: (p) => p.replace(TOOLKIT, 'export default defineApp(', 'export const app = defineApp('),
    expected: [`${TOOLKIT}: must \`export default defineApp({...})\``],
  },
  {
    name: "charts-src resources.limits.cpu 'lots'",
    mutate: (p) => p.replace(TOOLKIT, "limits: { cpu: '100m'", "limits: { cpu: 'lots'"),
    expected: [`${TOOLKIT}: resources.limits.cpu: 'lots' is not a Kubernetes quantity (e.g. 100m, 128Mi)`],
  },
  {
    name: 'charts-src autoscaling minReplicas above maxReplicas',
    mutate: (p) => p.replace(TOOLKIT, 'autoscaling: { minReplicas: 2, maxReplicas: 6,', 'autoscaling: { minReplicas: 3, maxReplicas: 1,'),
    expected: [`${TOOLKIT}: autoscaling.maxReplicas: 1 must be a whole number >= minReplicas (3)`],
  },

  // --- policy, on objects from the escape hatch ---------------------------------------------
  {
    name: 'escape-hatch Secret with data (no secret values in env repos)',
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'creds', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'go-demo-9-creds' }, data: { password: 'c2VjcmV0' } })",
      ),
    expected: [
      `${GO_DEMO} (in production): Secret/go-demo-9-creds: a Secret with data would put secret values in Git; reference an existing Secret (env: {secret, key}) instead`,
      `${GO_DEMO} (in staging): Secret/go-demo-9-creds: a Secret with data would put secret values in Git; reference an existing Secret (env: {secret, key}) instead`,
    ],
  },
  {
    name: "escape-hatch container ':latest' in production (pinnedTags)",
    mutate: (p) =>
      extendGoDemo(
        p,
        "new ApiObject(scope, 'migrate', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'go-demo-9-migrate' }, " +
          "spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox:latest' }] } } } })",
      ),
    // Staging does not pin tags: only production complains.
    expected: [
      `${GO_DEMO} (in production): Job/go-demo-9-migrate: image 'busybox:latest' floats (tag 'latest') in an environment that pins tags`,
    ],
  },
];

let project: Project | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

describe('bad input: one line naming file and field, out/ untouched', () => {
  it('the unmodified sample synthesizes (so every failure below is the mutation)', async () => {
    project = makeProject();
    const outDir = path.join(project.root, 'out');
    const result = await synth({ root: project.root, outDir });
    expect(result.output.files.size).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(outDir, 'envs', 'production'))).toBe(true);
  });

  for (const { name, mutate, expected } of cases) {
    it(name, async () => {
      project = makeProject(mutate);
      await expectSynthRefused(project, expected);
    });
  }

  it('covers at least 24 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(24);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });
});
