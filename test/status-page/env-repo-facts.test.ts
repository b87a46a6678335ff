/**
 * What the status page reads out of env-repo files, checked on the files slipway's generators
 * write: the sample, with staging rendered as plain manifests and production as a three-cluster
 * fleet (ApplicationSets), so both render modes and both Application shapes are read.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnvDefinition } from '../../generators/environment.js';
import { generatePlatform } from '../../generators/platform.js';
import { deliveryFromManifests, deliveryFromValues, platformPinFrom } from '../../src/status-page/env-repo-facts.js';
import { sampleModel } from '../support/generated.js';

let files: ReadonlyMap<string, string>;
const inEnv = (env: string, prefix: string) => [...files].filter(([p]) => p.startsWith(`envs/${env}/${prefix}`)).map(([, text]) => text);

beforeAll(async () => {
  const model = await sampleModel();
  const fleet = [
    { name: 'eu-1', server: 'https://eu-1.k8s.example.com', apps: {} },
    { name: 'us-1', server: 'https://us-1.k8s.example.com', apps: {} },
  ];
  files = generatePlatform({
    apps: model.apps,
    envs: model.envs.map(
      (e): EnvDefinition =>
        e.name === 'staging' ? { ...e, render: 'manifests' } : { ...e, cluster: { name: 'eu-1', server: fleet[0]!.server }, fleet },
    ),
  }).files;
}, 120_000);

describe('delivery, as committed', () => {
  it('helm mode (values/<app>.yaml): canary steps and analysis, Knative scale, Deployment autoscaling', () => {
    expect(deliveryFromValues(inEnv('production', 'values/devops-toolkit.yaml')[0]!)).toEqual({
      kind: 'canary',
      steps: [{ setWeight: 10 }, { pause: '2m' }, { setWeight: 30 }, { pause: '30s' }, { setWeight: 50 }, { pause: '30s' }],
      analysis: { startingStep: 2 },
      autoscaling: { min: 3, max: 6 },
    });
    expect(deliveryFromValues(inEnv('production', 'values/devops-paradox.yaml')[0]!)).toEqual({
      kind: 'knative',
      minScale: 1,
      maxScale: 5,
    });
    expect(deliveryFromValues(inEnv('production', 'values/go-demo-9.yaml')[0]!)).toEqual({ kind: 'deployment', replicas: 2 });
  });

  it('manifests mode (manifests/<app>/): the Rollout, the Knative Service, the Deployment', () => {
    expect(deliveryFromManifests(inEnv('staging', 'manifests/devops-toolkit/'))).toEqual({
      kind: 'canary',
      steps: [{ setWeight: 20 }, { pause: '10s' }, { setWeight: 60 }, { pause: '10s' }],
      analysis: undefined,
    });
    expect(deliveryFromManifests(inEnv('staging', 'manifests/devops-paradox/'))).toEqual({ kind: 'knative', minScale: 0, maxScale: 3 });
    expect(deliveryFromManifests(inEnv('staging', 'manifests/go-demo-9/'))).toEqual({ kind: 'deployment', replicas: 2 });
  });

  it('a pause without a duration waits for a person; files that are not YAML tell nothing', () => {
    expect(deliveryFromValues('canary:\n  steps: [{ setWeight: 20 }, { pause: {} }]\n  analysis: { enabled: false }\n')).toEqual({
      kind: 'canary',
      steps: [{ setWeight: 20 }, { pause: undefined }],
      analysis: undefined,
    });
    expect(deliveryFromValues('a: [')).toBeUndefined();
    expect(deliveryFromManifests(['kind: [', 'kind: ConfigMap\n'])).toBeUndefined();
  });
});

describe('platform pins, as committed', () => {
  it('an Application per component (single cluster) and an ApplicationSet per component (fleet) read the same', () => {
    const fleet = inEnv('production', 'apps/platform-')
      .map(platformPinFrom)
      .filter((p) => p !== undefined);
    expect(fleet.find((p) => p.name.includes('istiod'))).toEqual({
      component: 'istio',
      name: 'production-istiod',
      chart: 'istiod',
      version: '1.30.3',
      source: 'https://istio-release.storage.googleapis.com/charts',
    });
    // The KnativeServing lives in the env repo itself: a path, no chart.
    expect(fleet.find((p) => p.component === 'knative-serving' && !p.chart)).toMatchObject({ source: 'platform/knative-serving' });
    expect(new Set(fleet.map((p) => p.component))).toEqual(
      new Set(['argo-cd', 'argo-rollouts', 'istio', 'prometheus', 'knative-serving', 'loki', 'grafana']),
    );
    // The app Applications are not platform pins.
    expect(inEnv('production', 'apps/go-demo-9').map(platformPinFrom)).toEqual([undefined]);
  });
});
