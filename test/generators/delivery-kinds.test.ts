/**
 * The delivery-kind and platform-component registries are the one source of what kinds and
 * components exist: the published env schema, the AppProjects and the inference of platform
 * components must agree with them. And a fourth kind (a plain Job, test/generators/fixtures/)
 * is one module plus one registry line, and shows up in all three.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defineApp, type AppDefinition } from '../../generators/app-definition.js';
import type { K8sObject } from '../../generators/app-objects.js';
import { groupOf, type GroupKind } from '../../generators/argocd.js';
import { Delivery } from '../../generators/delivery.js';
import {
  checkDeliveryDefinition,
  checkDeliveryOverrides,
  componentsNeededByKind,
  componentsNeededText,
  deliveryEnvSchemaDefinitions,
  deliveryKindNames,
  DELIVERY_KIND_REGISTRY,
  withDeliveryKinds,
  type DeliveryKindRegistry,
} from '../../generators/delivery-kinds/index.js';
import type { EnvDefinition } from '../../generators/environment.js';
import { renderChart } from '../../generators/helm-chart.js';
import { generatePlatform, type PlatformModel } from '../../generators/platform.js';
import { PLATFORM_COMPONENTS } from '../../generators/platform-components.js';
import { platformClusterKinds, platformComponentNames, PLATFORM_COMPONENT_REGISTRY } from '../../generators/platform-components/index.js';
import { missingComponents } from '../../generators/prerequisites.js';
import { sampleModel } from '../support/generated.js';
import { jobDelivery, jobKind } from './fixtures/job-kind.js';

const ENV_SCHEMA = JSON.parse(readFileSync(new URL('../../envs/env.schema.json', import.meta.url), 'utf8')) as Record<string, any>;
/** The registry with the fixture's kind: the one line a new kind adds. */
const WITH_JOB: DeliveryKindRegistry = [...DELIVERY_KIND_REGISTRY, jobKind];

const key = (gk: GroupKind) => `${gk.group}/${gk.kind}`;
const keys = (list: readonly GroupKind[]) => [...new Set(list.map(key))].sort();
const kindsOf = (objects: readonly K8sObject[]) => keys(objects.map((o) => ({ group: groupOf(o.apiVersion), kind: o.kind })));

/** An app with every optional object on (autoscaling, several pods, ingress with TLS). */
function demoApp(name: string, delivery: Delivery): AppDefinition {
  return defineApp({
    name,
    image: 'example/demo',
    port: 8080,
    replicas: 2,
    autoscaling: { minReplicas: 2 },
    ingress: { tls: { secretName: `${name}-tls` } },
    delivery,
  });
}

/** One app per delivery kind of the registry (the built-in ones through their public factories). */
function appsFor(registry: DeliveryKindRegistry): AppDefinition[] {
  const factories: Record<string, () => Delivery> = {
    deployment: () => Delivery.deployment(),
    canary: () => Delivery.canary(),
    knative: () => Delivery.knative({ minScale: 1, target: 50, metric: 'rps' }),
    job: () => jobDelivery(),
  };
  return registry.map((k) => demoApp(`demo-${k.name}`, factories[k.name]!()));
}

let sampleEnv: EnvDefinition;
beforeAll(async () => {
  sampleEnv = (await sampleModel()).envs.find((e) => e.name === 'staging')!;
});

/** The sample's staging env running exactly `apps`, with no platform components. */
function modelWith(apps: readonly AppDefinition[]): PlatformModel {
  const settings = Object.fromEntries(apps.map((a) => [a.name, { tag: '1.0.0', enabled: true }]));
  return { apps, envs: [{ ...sampleEnv, platform: [], apps: settings }] };
}

function envProjectOf(model: PlatformModel): { namespaceResourceWhitelist: GroupKind[] } {
  const env = generatePlatform(model).envs[0]!;
  return (env.argocd.find((o) => o.kind === 'AppProject' && o.metadata.name === env.env.name) as any).spec;
}

describe('the delivery-kind registry and what is derived from it', () => {
  it("envs/env.schema.json's delivery overrides are the registered kinds' fragments", () => {
    const expected = withDeliveryKinds(ENV_SCHEMA);
    for (const name of Object.keys(deliveryEnvSchemaDefinitions())) {
      expect(
        ENV_SCHEMA.definitions[name],
        `envs/env.schema.json definitions.${name} differs from the delivery kinds' (generators/delivery-kinds/); it should be:\n${JSON.stringify((expected.definitions as any)[name], null, 2)}`,
      ).toEqual((expected.definitions as any)[name]);
    }
    // Overridable kinds are exactly the registered ones that declare overrides.
    expect(Object.keys(ENV_SCHEMA.definitions.delivery.properties)).toEqual(
      DELIVERY_KIND_REGISTRY.filter((k) => k.envOverride).map((k) => k.name),
    );
  });

  it("envs/env.schema.json's platform components are the registered components", () => {
    expect(ENV_SCHEMA.definitions.platformComponent.enum).toEqual(platformComponentNames());
    expect(PLATFORM_COMPONENTS).toEqual(platformComponentNames());
  });

  it.each(DELIVERY_KIND_REGISTRY.map((k) => [k.name, k] as const))(
    '%s: the chart renders exactly the kinds its AppProject must permit',
    (_name, kind) => {
      const app = appsFor([kind])[0]!;
      // The chart's templates hold every object with every toggle on.
      const templates = [...renderChart(app)].filter(([path]) => path.startsWith('templates/') && path.endsWith('.yaml'));
      const rendered = templates.map(([, text]) => {
        const apiVersion = /^apiVersion: (.+)$/m.exec(text)![1]!;
        return { group: groupOf(apiVersion), kind: /^kind: (.+)$/m.exec(text)![1]! };
      });
      expect(keys(rendered)).toEqual(keys(kind.projectKinds));
    },
  );

  it("an env's AppProject permits exactly the registered kinds' projectKinds of its apps", () => {
    const apps = appsFor(DELIVERY_KIND_REGISTRY);
    expect(keys(envProjectOf(modelWith(apps)).namespaceResourceWhitelist)).toEqual(
      keys(DELIVERY_KIND_REGISTRY.flatMap((k) => k.projectKinds)),
    );
  });

  it('the inference table is what the kinds require, and each custom resource a kind renders comes from a component it requires', () => {
    const core = new Set(['', 'apps', 'autoscaling', 'policy', 'networking.k8s.io', 'batch']);
    for (const kind of DELIVERY_KIND_REGISTRY) {
      for (const c of kind.requires) expect(platformComponentNames(), `${kind.name} requires ${c}`).toContain(c);
      const provided = PLATFORM_COMPONENT_REGISTRY.filter((c) => kind.requires.includes(c.name))
        .flatMap((c) => c.provides ?? [])
        .map(key);
      for (const gk of kind.projectKinds.filter((g) => !core.has(g.group))) {
        expect(
          provided,
          `${kind.name} renders ${key(gk)}, which no component it requires (${kind.requires.join(', ')}) provides`,
        ).toContain(key(gk));
      }
    }
    // An env without platform components misses exactly what each kind requires.
    const apps = appsFor(DELIVERY_KIND_REGISTRY);
    const missing = missingComponents(apps, modelWith(apps).envs);
    for (const kind of DELIVERY_KIND_REGISTRY) {
      expect(missing.find((m) => m.app === `demo-${kind.name}`)?.missing ?? []).toEqual(kind.requires);
    }
  });

  it("the platform AppProject permits the registered components' cluster kinds", () => {
    const production = { ...sampleEnv, name: 'production', platform: [{ component: 'istio' as const }], apps: {} };
    const out = generatePlatform({ apps: [], envs: [production] });
    const project = out.envs[0]!.argocd.find((o) => o.metadata.name === 'production-platform') as any;
    expect(project.spec.clusterResourceWhitelist).toEqual(platformClusterKinds());
    for (const c of PLATFORM_COMPONENT_REGISTRY)
      for (const gk of c.clusterKinds) expect(keys(project.spec.clusterResourceWhitelist)).toContain(key(gk));
  });

  it('the registry checks definitions and overrides by their kind', () => {
    const canary = defineApp({
      name: 'demo',
      image: 'example/demo',
      delivery: Delivery.canary({ steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 30 }] }),
    });
    expect(checkDeliveryDefinition(canary)).toEqual([
      ['port', 'required for canary delivery (Istio routes the canary by Service port)'],
      ['delivery.steps[2].setWeight', '30 must be above the previous weight (50): weights only increase'],
    ]);
    const knative = defineApp({ name: 'demo', image: 'example/demo', delivery: Delivery.knative({ maxScale: 3 }) });
    expect(checkDeliveryOverrides(knative, { tag: '1', enabled: true, delivery: { knative: { minScale: 4 } } }, 'apps.demo')).toEqual([
      ['apps.demo.delivery.knative.minScale', '4 is above maxScale (3)'],
    ]);
    expect(checkDeliveryOverrides(knative, { tag: '1', enabled: true, delivery: { canary: {} } }, 'apps.demo')).toEqual([
      ['apps.demo.delivery.canary', "'demo' is delivered as knative, not canary"],
    ]);
    expect(checkDeliveryDefinition({ ...knative, delivery: { kind: 'blue-green' } as never })).toEqual([
      ['delivery', "unknown delivery 'blue-green' (known: deployment, canary, knative)"],
    ]);
  });
});

describe('a fourth delivery kind: one module, one registry line', () => {
  const job = () => demoApp('demo-job', jobDelivery({ backoffLimit: 2 }));

  it('is known to the registry that lists it, and only to that one', () => {
    expect(deliveryKindNames(WITH_JOB)).toEqual(['deployment', 'canary', 'knative', 'job']);
    expect(checkDeliveryDefinition(job(), WITH_JOB)).toEqual([]);
    expect(checkDeliveryDefinition(job())).toEqual([['delivery', "unknown delivery 'job' (known: deployment, canary, knative)"]]);
    expect(checkDeliveryDefinition(demoApp('demo-job', jobDelivery({ backoffLimit: -1 })), WITH_JOB)).toEqual([
      ['delivery.backoffLimit', '-1 must be a whole number >= 0'],
    ]);
  });

  it('appears in the env schema: env files may override it, and only it', () => {
    const schema = withDeliveryKinds(ENV_SCHEMA, WITH_JOB) as any;
    expect(schema.definitions.delivery.properties.job).toEqual({ $ref: '#/definitions/job' });
    expect(schema.definitions.job).toEqual(jobKind.envOverride!.definitions.job);
    const validate = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(schema);
    const env = (delivery: unknown) => ({
      name: 'staging',
      namespace: 'staging',
      domain: 'example.com',
      repo: 'org/env-staging',
      apps: { 'demo-job': { tag: '1.0.0', delivery } },
    });
    expect(validate(env({ job: { backoffLimit: 2 } })), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(env({ job: { backoffLimit: -1 } }))).toBe(false);
    expect(validate(env({ job: { retries: 2 } }))).toBe(false);
    // The published schema (the built-in kinds) refuses it.
    expect(new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(ENV_SCHEMA)(env({ job: { backoffLimit: 2 } }))).toBe(
      false,
    );
  });

  it("appears in the env's AppProject, renders from the env's values, and has its chart", () => {
    const base = modelWith([job()]);
    const model = {
      ...base,
      envs: [{ ...base.envs[0]!, apps: { 'demo-job': { tag: '1.0.0', enabled: true, delivery: { job: { backoffLimit: 5 } } } } }],
    };
    expect(keys(envProjectOf(model).namespaceResourceWhitelist)).toEqual(['batch/Job']);
    const objects = generatePlatform(model).envs[0]!.apps[0]!.objects;
    expect(kindsOf(objects)).toEqual(['batch/Job']);
    expect((objects[0]!.spec as any).backoffLimit).toBe(5);
    const chart = renderChart(job());
    expect(chart.get('templates/job.yaml')).toContain('backoffLimit: {{ .Values.job.backoffLimit | toJson }}');
    expect(chart.get('values.yaml')).toContain('backoffLimit: 2');
    // Its Application ignores what its kind says the controller changes (from the app's own kind, not a registry lookup).
    const files = generatePlatform(model).files;
    const child = parse(files.get(`envs/${model.envs[0]!.name}/apps/demo-job.yaml`)!) as any;
    expect(child.kind).toBe('Application');
    expect(child.spec.ignoreDifferences).toEqual([{ group: 'batch', kind: 'Job', jsonPointers: ['/spec/selector'] }]);
  });

  it('appears in inference: an env without what it requires is told so', () => {
    expect(componentsNeededByKind(WITH_JOB)).toEqual({ ...componentsNeededByKind(), job: ['prometheus'] });
    expect(componentsNeededText(WITH_JOB)).toBe(
      'argo-rollouts, istio, prometheus for canary; knative-serving, istio for knative; prometheus for job',
    );
    const model = modelWith([job()]);
    expect(missingComponents(model.apps, model.envs)).toEqual([
      { env: 'staging', cluster: sampleEnv.cluster.name, app: 'demo-job', missing: ['prometheus'] },
    ]);
    const covered = { ...model, envs: [{ ...model.envs[0]!, platform: [{ component: 'prometheus' as const }] }] };
    expect(missingComponents(covered.apps, covered.envs)).toEqual([]);
  });
});
