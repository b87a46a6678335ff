/** Environments bring the controllers their apps need, installed by Argo CD in order. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../generators/app-objects.js';
import { generatePlatform, type GeneratedPlatform, type PlatformModel } from '../../generators/platform.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPLICATION_HEALTH_LUA, componentApplications, PLATFORM_COMPONENTS } from '../../generators/platform-components.js';
import { WAVES } from '../../generators/platform-components/index.js';
import { generateSample, REPO_ROOT, sampleModel } from '../support/generated.js';

let output: GeneratedPlatform;
let model: PlatformModel;
beforeAll(async () => {
  output = (await generateSample()).output; // validated strictly against ../shared/crds, KnativeServing included
  model = await sampleModel();
});

const production = () => output.envs.find((e) => e.env.name === 'production')!;
const platformApps = () =>
  production().argocd.filter(
    (o) => o.kind === 'Application' && (o.metadata.labels as Record<string, string>)['slipway.dev/platform'],
  ) as any[];
const byName = (name: string) => platformApps().find((a) => a.metadata.name === `production-${name}`);
const wave = (a: K8sObject) => Number((a.metadata.annotations as Record<string, string>)['argocd.argoproj.io/sync-wave']);

describe('platform components', () => {
  it('become Applications from upstream chart repositories at pinned chart versions', () => {
    expect(
      platformApps()
        .map((a) => a.metadata.name)
        .sort(),
    ).toEqual([
      'production-argo-cd',
      'production-argo-rollouts',
      'production-grafana',
      'production-istio-base',
      'production-istio-ingressgateway',
      'production-istiod',
      'production-knative-operator',
      'production-knative-serving',
      'production-loki',
      'production-prometheus',
    ]);
    for (const app of platformApps().filter((a) => a.spec.source.chart)) {
      expect(app.spec.source.repoURL).toMatch(/^https:\/\//);
      expect(app.spec.source.targetRevision, app.metadata.name).toMatch(/^v?\d+\.\d+\.\d+$/); // no ranges, no HEAD
      expect(app.spec.project).toBe('production-platform');
      expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'SkipDryRunOnMissingResource=true']));
    }
  });

  it('order in sync waves: CRDs, then controllers, then config that needs them, then the apps', () => {
    expect(wave(byName('istio-base'))).toBeLessThan(wave(byName('istiod')));
    expect(wave(byName('istiod'))).toBeLessThan(wave(byName('istio-ingressgateway')));
    expect(wave(byName('knative-operator'))).toBeLessThan(wave(byName('knative-serving')));
    const apps = production().argocd.filter((o) => (o.metadata.labels as Record<string, string> | undefined)?.['slipway.dev/app']);
    expect(apps.length).toBe(3);
    const latestPlatform = Math.max(...platformApps().map(wave));
    for (const app of apps) expect(wave(app)).toBeGreaterThan(latestPlatform);
  });

  it("README's wave table lists every registered component's Applications in their waves", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const head = readme.indexOf('| wave | what | Applications (component) |');
    expect(head).toBeGreaterThan(0);
    const rows = readme
      .slice(head)
      .split('\n')
      .slice(2)
      .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')));
    const documented = new Map(
      rows.map((row) => {
        const [wave, , applications] = row
          .split('|')
          .slice(1, 4)
          .map((c) => c.trim());
        return [Number(wave), [...applications!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort()];
      }),
    );
    // Every component of the registry, in an env that declares them all.
    const env = { ...model.envs.find((e) => e.name === 'production')!, platform: PLATFORM_COMPONENTS.map((component) => ({ component })) };
    const actual = new Map<number, string[]>([[WAVES.apps, []]]);
    for (const component of PLATFORM_COMPONENTS)
      for (const pa of componentApplications(env, component, { knativeFeatures: [] }))
        actual.set(pa.wave, [...(actual.get(pa.wave) ?? []), pa.name]);
    expect(documented).toEqual(new Map([...actual].map(([w, names]) => [w, names.sort()])));
    expect([...documented.keys()].sort((a, b) => a - b)).toEqual(Object.values(WAVES).sort((a, b) => a - b));
  });

  it('argo-cd manages itself and waits on child Applications (the Application health check)', () => {
    const argocd = byName('argo-cd');
    expect(argocd.spec.destination.namespace).toBe('argocd');
    expect(argocd.spec.source.helm.valuesObject.configs.cm['resource.customizations.health.argoproj.io_Application']).toBe(
      APPLICATION_HEALTH_LUA,
    );
  });

  it('Prometheus serves the address canary analysis queries; Grafana reads Prometheus and Loki', () => {
    const prometheus = byName('prometheus');
    expect(prometheus.spec.destination.namespace).toBe('monitoring');
    // Release "prometheus" serves prometheus-server:80 already: no override repeats the chart's default.
    expect(prometheus.spec.source.helm.releaseName).toBe('prometheus');
    expect(prometheus.spec.source.helm.valuesObject.server.fullnameOverride).toBeUndefined();
    const analysis = output.envs
      .find((e) => e.env.name === 'production')!
      .apps.find((a) => a.app === 'devops-toolkit')!
      .objects.find((o) => o.kind === 'AnalysisTemplate') as any;
    expect(analysis.spec.metrics[0].provider.prometheus.address).toBe('http://prometheus-server.monitoring');
    const sources = byName('grafana').spec.source.helm.valuesObject.datasources['datasources.yaml'].datasources;
    expect(sources.map((d: { type: string }) => d.type)).toEqual(['prometheus', 'loki']);
  });

  it('Knative Serving allows DomainMappings (autocreate-cluster-domain-claims), from the env repo', () => {
    const serving = production().argocd.find((o) => o.kind === 'KnativeServing') as any;
    expect(serving.spec.config.network['autocreate-cluster-domain-claims']).toBe('true');
    expect(byName('knative-serving').spec.source.path).toBe('platform/knative-serving');
    expect(output.files.get('envs/production/platform/knative-serving/knative-serving.yaml')).toContain('kind: KnativeServing');
  });

  it('a separate AppProject permits exactly the platform Applications, the apps project stays least privilege', () => {
    const project = production().argocd.find((o) => o.metadata.name === 'production-platform') as any;
    for (const app of platformApps()) {
      expect(project.spec.sourceRepos).toContain(app.spec.source.repoURL);
      expect(project.spec.destinations).toContainEqual(app.spec.destination);
    }
    expect(new Set(project.spec.sourceRepos)).toEqual(new Set(platformApps().map((a) => a.spec.source.repoURL)));
    expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' });
    expect(project.spec.destinations).toContainEqual({ server: 'https://kubernetes.default.svc', namespace: 'knative-serving' });
    const apps = production().argocd.find((o) => o.metadata.name === 'production' && o.kind === 'AppProject') as any;
    expect(apps.spec.sourceRepos).toEqual([production().env.repo.url]);
    expect(apps.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(output.files.get('envs/production/README.md')).toContain('### What the platform AppProject `production-platform` permits');
  });

  it("staging declares none: it shares production's cluster, so nothing is missing", () => {
    expect(output.envs.find((e) => e.env.name === 'staging')!.argocd.some((o) => o.metadata.name === 'staging-platform')).toBe(false);
    expect(output.missingPlatform).toEqual([]);
  });

  it('infers what is missing: canaries need argo-rollouts, istio, prometheus; Knative apps knative-serving', () => {
    const bare = generatePlatform({ apps: model.apps, envs: model.envs.map((e) => ({ ...e, platform: [] })) });
    expect(bare.missingPlatform).toEqual(
      expect.arrayContaining([
        { env: 'production', cluster: 'in-cluster', app: 'devops-toolkit', missing: ['argo-rollouts', 'istio', 'prometheus'] },
        { env: 'production', cluster: 'in-cluster', app: 'devops-paradox', missing: ['knative-serving', 'istio'] },
        { env: 'staging', cluster: 'in-cluster', app: 'devops-toolkit', missing: ['argo-rollouts', 'istio', 'prometheus'] },
      ]),
    );
    expect(bare.missingPlatform.some((m) => m.app === 'go-demo-9')).toBe(false);
  });
});
