/** A fleet environment: one ApplicationSet per app, fanned out by Argo CD to each cluster. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWithShared } from '../support/shared.js';
import { join } from 'node:path';
import type { K8sObject } from '../../generators/app-objects.js';
import { childApplication } from '../../generators/argocd.js';
import { envOnCluster, type EnvDefinition, type FleetCluster } from '../../generators/environment.js';
import { renderAppForEnv } from '../../generators/env-repo.js';
import { generatePlatform, type GeneratedPlatform, type PlatformModel } from '../../generators/platform.js';
import { CrdSchemas } from '../../src/validate/crd-schemas.js';
import { validateGenerated } from '../../src/validate/validate-output.js';
import { helmBinaries, runHelm } from '../support/helm.js';
import { byKindAndName, fleetModel, parseDocs, removeTemp, sampleModel, SHARED_CRDS, writeTemp } from '../support/generated.js';

let model: PlatformModel;
let output: GeneratedPlatform;
let fleetEnv: EnvDefinition;
let dir: string;

const FLEET: FleetCluster[] = [
  { name: 'eu-1', server: 'https://eu-1.k8s.example.com', apps: { 'go-demo-9': { replicas: 4 } } },
  { name: 'us-1', server: 'https://us-1.k8s.example.com', apps: { 'go-demo-9': { host: 'us.go-demo-9.example.com' } } },
  { name: 'ap-1', server: 'https://ap-1.k8s.example.com', apps: {} },
];

beforeAll(async () => {
  model = fleetModel(await sampleModel(), FLEET);
  fleetEnv = model.envs.find((e) => e.name === 'production')!;
  output = generatePlatform(model);
  dir = writeTemp(output.files);
});
afterAll(() => removeTemp(dir));

/** What Argo CD's list generator does with goTemplate: each element's values into the template. */
function expand(set: any): K8sObject[] {
  return set.spec.generators[0].list.elements.map((element: Record<string, string>) => {
    const text = JSON.stringify(set.spec.template).replace(/\{\{\.(\w+)\}\}/g, (_: string, key: string) => element[key]!);
    const template = JSON.parse(text);
    return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: template.metadata, spec: template.spec };
  });
}

describe('fleet environment', () => {
  it('is consistent: staging runs on a fleet cluster, where production installs what its apps need, so synth refuses nothing', () => {
    expect(model.envs.find((e) => e.name === 'staging')!.cluster.server).toBe(FLEET[0]!.server);
    expect(output.refusals).toEqual([]);
    expect(output.missingPlatform).toEqual([]);
    // The same staging on a cluster of its own, without controllers: Knative's field gate refuses devops-paradox.
    const alone = generatePlatform({
      apps: model.apps,
      envs: model.envs.map((e) =>
        e.name === 'staging' ? { ...e, cluster: { name: 'in-cluster', server: 'https://kubernetes.default.svc' } } : e,
      ),
    });
    expect(alone.refusals.map((r) => `${r.env}/${r.app}`)).toEqual(['staging/devops-paradox']);
  });

  itWithShared('has one ApplicationSet per app instead of copies per cluster, valid against the Argo CD CRDs', () => {
    const sets = output.envs
      .find((e) => e.env.name === 'production')!
      .argocd.filter((o) => o.kind === 'ApplicationSet' && (o.metadata.labels as any)?.['slipway.dev/app']);
    expect(sets.map((s) => s.metadata.name).sort()).toEqual([
      'devops-paradox-production',
      'devops-toolkit-production',
      'go-demo-9-production',
    ]);
    expect(
      output.envs
        .find((e) => e.env.name === 'production')!
        .argocd.some((o) => o.kind === 'Application' && (o.metadata.labels as any)?.['slipway.dev/app']),
    ).toBe(false);
    expect(() =>
      validateGenerated(
        output,
        CrdSchemas.fromDirectory(SHARED_CRDS),
        (a) => a,
        (e) => e,
      ),
    ).not.toThrow();
  });

  it('each ApplicationSet, expanded, yields the Applications the single-cluster form would, per cluster', () => {
    for (const app of ['devops-toolkit', 'devops-paradox', 'go-demo-9']) {
      const set = output.envs
        .find((e) => e.env.name === 'production')!
        .argocd.find((o) => o.kind === 'ApplicationSet' && o.metadata.name === `${app}-production`)!;
      const expanded = expand(set);
      expect(expanded).toHaveLength(3);
      for (const [i, cluster] of FLEET.entries()) {
        const single = childApplication(envOnCluster(fleetEnv, cluster), app, model.apps.find((a) => a.name === app)!.delivery) as any;
        single.metadata.name = `${app}-production-${cluster.name}`;
        single.spec.source.helm.valueFiles.push(`../../values/${app}.${cluster.name}.yaml`);
        expect(expanded[i]).toEqual(single);
      }
    }
  });

  it('per-cluster overrides are layered values files; Helm renders each cluster as slipway does', async () => {
    expect(output.files.get('envs/production/values/go-demo-9.eu-1.yaml')).toContain('replicaCount: 4');
    expect(output.files.get('envs/production/values/go-demo-9.us-1.yaml')).toContain('host: us.go-demo-9.example.com');
    const helm = helmBinaries().find((h) => h.major === 4)!;
    for (const cluster of FLEET) {
      const envDir = join(dir, 'envs', 'production');
      const r = await runHelm(helm, [
        'template',
        'go-demo-9',
        join(envDir, 'charts/go-demo-9'),
        '--namespace',
        'production',
        '--values',
        join(envDir, 'values/go-demo-9.yaml'),
        '--values',
        join(envDir, `values/go-demo-9.${cluster.name}.yaml`),
      ]);
      expect(r.code, r.stderr).toBe(0);
      const direct = renderAppForEnv(model.apps.find((a) => a.name === 'go-demo-9')!, envOnCluster(fleetEnv, cluster));
      expect(byKindAndName(parseDocs(r.stdout))).toEqual(byKindAndName(JSON.parse(JSON.stringify(direct))));
    }
  });

  it('a promotion still changes one tag line, shared by every cluster', () => {
    const bumped = generatePlatform({
      apps: model.apps,
      envs: model.envs.map((e) =>
        e.name === 'production' ? { ...e, apps: { ...e.apps, 'go-demo-9': { ...e.apps['go-demo-9']!, tag: '0.0.9' } } } : e,
      ),
    });
    const changed = [...bumped.files].filter(([p, c]) => output.files.get(p) !== c).map(([p]) => p);
    expect(changed.sort()).toEqual(['envs/production/README.md', 'envs/production/values/go-demo-9.yaml']);
  });

  it("the AppProject reaches every cluster of the fleet; the root's project permits ApplicationSets", () => {
    const argocd = output.envs.find((e) => e.env.name === 'production')!.argocd;
    const project = argocd.find((o) => o.kind === 'AppProject' && o.metadata.name === 'production') as any;
    for (const c of FLEET) expect(project.spec.destinations).toContainEqual({ server: c.server, namespace: 'production' });
    const root = argocd.find((o) => o.kind === 'AppProject' && o.metadata.name === 'production-root') as any;
    expect(root.spec.namespaceResourceWhitelist).toContainEqual({ group: 'argoproj.io', kind: 'ApplicationSet' });
  });

  it('platform components reach every cluster (one ApplicationSet each), Argo CD stays where it runs', () => {
    const argocd = output.envs.find((e) => e.env.name === 'production')!.argocd;
    const platform = argocd.filter((o) => (o.metadata.labels as Record<string, string> | undefined)?.['slipway.dev/platform']);
    const argoCd = platform.find((o) => o.metadata.name === 'production-argo-cd') as any;
    expect(argoCd.kind).toBe('Application');
    expect(argoCd.spec.destination.server).toBe('https://kubernetes.default.svc');
    const sets = platform.filter((o) => o.kind === 'ApplicationSet');
    expect(sets.map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining([
        'production-argo-rollouts',
        'production-istiod',
        'production-knative-operator',
        'production-knative-serving',
      ]),
    );
    expect(sets.length).toBe(platform.length - 1);
    const project = argocd.find((o) => o.metadata.name === 'production-platform') as any;
    for (const set of sets) {
      const apps = expand(set);
      expect(apps.map((a: any) => a.spec.destination.server)).toEqual(FLEET.map((c) => c.server));
      for (const a of apps as any[]) expect(project.spec.destinations).toContainEqual(a.spec.destination);
      // The sync wave orders the ApplicationSets themselves, as it orders single Applications.
      expect((set.metadata.annotations as Record<string, string>)['argocd.argoproj.io/sync-wave']).toMatch(/^-\d+$/);
    }
  });

  it("the env README says the waves do not wait in a fleet, and what converges it; a single cluster's says they do", async () => {
    const readme = output.files.get('envs/production/README.md')!;
    const order = readme.slice(readme.indexOf('## What comes up, in order'), readme.indexOf('| wave |'));
    expect(order).toContain('in this fleet **the waves do not wait** for the controllers to\ncome up');
    expect(order).toContain('resource_customizations/argoproj.io/ApplicationSet/health.lua');
    expect(order).toContain('`syncPolicy.retry`: no limit, backoff from 5s up to 3m');
    expect(order).not.toMatch(/waits? for each wave/);
    const single = generatePlatform(await sampleModel()).files.get('envs/production/README.md')!;
    expect(single).toContain('the root waits for each wave to be healthy before it starts the next');
    expect(single).not.toContain('the waves do not wait');
  });

  it('infers what is missing per cluster: a cluster no env installs components on is reported', () => {
    const bare = generatePlatform({
      apps: model.apps,
      envs: model.envs.map((e) => (e.name === 'production' ? { ...e, platform: [] } : e)),
    });
    const clusters = new Set(bare.missingPlatform.filter((m) => m.env === 'production').map((m) => m.cluster));
    expect([...clusters].sort()).toEqual(FLEET.map((c) => c.name).sort());
  });
});
