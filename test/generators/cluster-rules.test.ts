/**
 * Rules of controllers and images that no schema shows and that cannot run here, each tested
 * both ways: the sample obeys them, and a definition that breaks them is caught.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../generators/app-objects.js';
import { retriesFailedSync } from '../../generators/argocd.js';
import type { EnvDefinition } from '../../generators/environment.js';
import { Security } from '../../generators/index.js';
import { generatePlatform, type GeneratedPlatform, type PlatformModel } from '../../generators/platform.js';
import { knativeFeaturesNeeded } from '../../generators/rules/knative-field-gates.js';
import { missingNginxCapabilities, STOCK_NGINX_CAPABILITIES } from '../../generators/rules/nginx.js';
import { platformPeers } from '../../generators/prerequisites.js';
import { handOver } from '../../src/publish/bootstrap.js';
import { ownedBySlipway } from '../../src/plan/plan.js';
import { generateSample, sampleModel } from '../support/generated.js';

let sample: GeneratedPlatform;
let model: PlatformModel;
beforeAll(async () => {
  sample = (await generateSample()).output;
  model = await sampleModel();
});

const objectsOf = (output: GeneratedPlatform, env: string, app: string) =>
  output.envs.find((e) => e.env.name === env)!.apps.find((a) => a.app === app)!.objects;
const containersOf = (obj: K8sObject): any[] => {
  const spec = obj.spec as any;
  return spec?.template?.spec?.containers ?? [];
};

describe('stock nginx: root master, so CHOWN, SETGID, SETUID and NET_BIND_SERVICE', () => {
  it.each(['devops-toolkit', 'devops-paradox'])('%s runs with exactly the capabilities nginx needs, in every env', (app) => {
    for (const env of ['staging', 'production']) {
      const workloads = objectsOf(sample, env, app).filter(
        (o) => ['Rollout', 'Deployment', 'Service'].includes(o.kind) && containersOf(o).length,
      );
      expect(workloads.length).toBe(1);
      const container = containersOf(workloads[0]!)[0];
      expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'], add: [...STOCK_NGINX_CAPABILITIES] });
      expect(container.securityContext.runAsNonRoot).toBe(false);
      expect(missingNginxCapabilities(container)).toEqual([]);
    }
  });

  it('the rule catches what the sample had before: NET_BIND_SERVICE alone leaves the workers unable to switch user', () => {
    const before = { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } };
    expect(missingNginxCapabilities(before)).toEqual(['CHOWN', 'SETGID', 'SETUID']);
    expect(missingNginxCapabilities({ securityContext: { capabilities: { drop: ['ALL'] } } })).toEqual([...STOCK_NGINX_CAPABILITIES]);
    // Nothing dropped: the runtime's default set has all four.
    expect(missingNginxCapabilities({ securityContext: {} })).toEqual([]);
    expect(Security.stockNginx().addCapabilities).toEqual(STOCK_NGINX_CAPABILITIES);
  });
});

describe('Knative: the features the apps use are turned on where slipway manages Knative', () => {
  it('devops-paradox adds capabilities, so the KnativeServing enables kubernetes.containerspec-addcapabilities', () => {
    const service = objectsOf(sample, 'production', 'devops-paradox').find(
      (o) => o.kind === 'Service' && o.apiVersion === 'serving.knative.dev/v1',
    )!;
    expect(knativeFeaturesNeeded(service).map((f) => f.flag)).toEqual(['kubernetes.containerspec-addcapabilities']);
    const serving = sample.envs.find((e) => e.env.name === 'production')!.argocd.find((o) => o.kind === 'KnativeServing') as any;
    expect(serving.spec.config.features).toEqual({ 'kubernetes.containerspec-addcapabilities': 'enabled' });
    // Enabled for what runs with the cluster's features on: nothing is still needed.
    expect(knativeFeaturesNeeded(service, serving.spec.config.features)).toEqual([]);
    expect(sample.refusals).toEqual([]);
  });

  it('no feature is enabled that no app needs; without knative-serving on the cluster, synth refuses the app', () => {
    const restricted = model.apps.map((a) =>
      a.name === 'devops-paradox' ? { ...a, security: { ...a.security, addCapabilities: [] } } : a,
    );
    const quiet = generatePlatform({ apps: restricted, envs: model.envs });
    const serving = quiet.envs.find((e) => e.env.name === 'production')!.argocd.find((o) => o.kind === 'KnativeServing') as any;
    expect(serving.spec.config.features).toBeUndefined();
    const unmanaged = generatePlatform({
      apps: model.apps,
      envs: model.envs.map((e) => ({ ...e, platform: e.platform.filter((p) => p.component !== 'knative-serving') })),
    });
    expect(unmanaged.refusals.map((r) => `${r.env}/${r.app}`).sort()).toEqual(['production/devops-paradox', 'staging/devops-paradox']);
    expect(unmanaged.refusals[0]!.message).toContain("'kubernetes.containerspec-addcapabilities'");
  });
});

describe('Argo CD retries failed syncs of the same commit only when told to', () => {
  it('the rule: retry with a limit other than 0, and every generated Application has one', () => {
    expect(retriesFailedSync({ retry: { limit: -1 } })).toBe(true);
    expect(retriesFailedSync({ retry: { limit: 3 } })).toBe(true);
    expect(retriesFailedSync({ retry: { limit: 0 } })).toBe(false);
    expect(retriesFailedSync({})).toBe(false);
    const apps = sample.envs.flatMap((e) => e.argocd).filter((o) => o.kind === 'Application');
    expect(apps.length).toBeGreaterThan(10);
    for (const app of apps) expect(retriesFailedSync((app.spec as any).syncPolicy), String(app.metadata.name)).toBe(true);
  });
});

describe('prerequisites slipway can see and cannot provide, per cluster', () => {
  const needs = (output: GeneratedPlatform) => output.prerequisites.map((p) => `${p.cluster} ${p.for} (${p.env}): ${p.need}`);

  it('the sample: HPA metrics, the ingress controller, cert-manager and its issuer, Secrets, a load balancer, storage', () => {
    const lines = needs(sample);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^in-cluster devops-toolkit \(production\): the resource metrics API/),
        "in-cluster go-demo-9 (staging): an ingress controller for IngressClass 'nginx'",
        'in-cluster go-demo-9 (production): cert-manager for its TLS certificate (add cert-manager to platform:)',
        "in-cluster go-demo-9 (production): the cert-manager ClusterIssuer 'letsencrypt'",
        "in-cluster go-demo-9 (production): Secret 'go-demo-9-db' in namespace 'production' (keys password), created outside Git",
        expect.stringMatching(/^in-cluster istio-ingressgateway \(production\): a load-balancer provider/),
        expect.stringMatching(/^in-cluster prometheus \(production\): a default StorageClass/),
        expect.stringMatching(/^in-cluster loki \(production\): a default StorageClass/),
        "in-cluster grafana (production): Secret 'grafana-admin' in namespace 'logging' (keys admin-user, admin-password), created outside Git",
      ]),
    );
    // Staging runs one replica without autoscaling: no HPA there.
    expect(lines.some((l) => l.includes('(staging): the resource metrics API'))).toBe(false);
  });

  it('declaring metrics-server and cert-manager on the cluster answers those; the issuer and the Secrets remain', () => {
    const withComponents = generatePlatform({
      apps: model.apps,
      envs: model.envs.map(
        (e): EnvDefinition =>
          e.name === 'production' ? { ...e, platform: [...e.platform, { component: 'metrics-server' }, { component: 'cert-manager' }] } : e,
      ),
    });
    const lines = needs(withComponents);
    expect(lines.some((l) => l.includes('metrics API'))).toBe(false);
    expect(lines.some((l) => l.includes('add cert-manager'))).toBe(false);
    expect(lines).toContain("in-cluster go-demo-9 (staging): the cert-manager ClusterIssuer 'letsencrypt'");
    expect(lines).toContain(
      "in-cluster go-demo-9 (staging): Secret 'go-demo-9-db' in namespace 'staging' (keys password), created outside Git",
    );
    const names = withComponents.envs.find((e) => e.env.name === 'production')!.argocd.map((o) => o.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['production-metrics-server', 'production-cert-manager']));
  });

  it('the env README lists them, with the commands that create the Secrets and the order things come up', () => {
    const readme = sample.files.get('envs/production/README.md')!;
    expect(readme).toContain('## What the cluster must provide');
    expect(readme).toContain("- on `in-cluster`, for go-demo-9: an ingress controller for IngressClass 'nginx'");
    expect(readme).toContain('kubectl create namespace logging --dry-run=client --output yaml | kubectl apply --filename -\n');
    expect(readme).toContain(
      'kubectl create secret generic grafana-admin --namespace logging --from-literal=admin-user=... --from-literal=admin-password=...\n',
    );
    expect(readme).toContain('## What comes up, in order');
    const order = ['production-istio-base', 'production-argo-cd', 'production-istiod', 'production-grafana'].map((n) =>
      readme.indexOf(`\`${n}\``),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order[0]).toBeLessThan(order[2]!);
    expect(order[2]).toBeLessThan(order[3]!);
    expect(readme).toContain("Lock down Argo CD's `default` AppProject");
  });
});

describe('an env without platform: names the env its controllers come from', () => {
  const provide = (output: GeneratedPlatform, env: string) => {
    const readme = output.files.get(`envs/${env}/README.md`)!;
    return readme.slice(readme.indexOf('## What the cluster must provide'), readme.indexOf('These it can see are needed'));
  };

  it('staging names production, which installs Argo CD and the controllers on its cluster, and says to hand it over first', () => {
    const text = provide(sample, 'staging');
    expect(text).toContain(
      'env `production` installs argo-cd, argo-rollouts, istio, prometheus, knative-serving, loki, grafana on `in-cluster`.',
    );
    expect(text).toContain('**Hand `production` over first**: Argo CD and every controller this env');
    expect(text).not.toContain('may install');
    expect(provide(sample, 'production')).toContain('slipway installs what `platform:` lists.');
  });

  it('a provider without argo-cd is named for the controllers only; no provider on the cluster is said plainly', () => {
    const noArgo = generatePlatform({
      apps: model.apps,
      envs: model.envs.map((e) => (e.name === 'production' ? { ...e, platform: e.platform.filter((p) => p.component !== 'argo-cd') } : e)),
    });
    expect(provide(noArgo, 'staging')).toContain('**Hand `production` over first**: every controller this env');
    const apart = generatePlatform({
      apps: model.apps,
      envs: model.envs.map((e) =>
        e.name === 'production' ? { ...e, cluster: { name: 'other', server: 'https://other.example.com' } } : e,
      ),
    });
    expect(provide(apart, 'staging')).toContain('no other env installs controllers on its cluster');
    expect(provide(apart, 'staging')).not.toContain('production');
  });
});

describe("bootstrap's hand-over", () => {
  const env = (name: string) => model.envs.find((e) => e.name === name)!;
  const context = (name: string) => ({
    prerequisites: sample.prerequisites.filter((p) => p.env === name),
    platformPeers: platformPeers(env(name), model.envs),
  });

  it("installs Argo CD with the argo-cd component's chart, release and values where the env manages Argo CD, and only there", () => {
    const production = handOver(env('production'), undefined, context('production')).join('\n');
    expect(production).toContain(
      'helm install argocd argo-cd --repo https://argoproj.github.io/argo-helm --version 10.1.1 --namespace argocd --create-namespace --values out/envs/production/platform/argo-cd/install-values.yaml',
    );
    expect(production).toContain('kubectl apply --namespace argocd -f out/envs/production/bootstrap/');
    expect(production.indexOf('helm install')).toBeLessThan(production.indexOf('kubectl apply'));
    expect(handOver(env('staging'), undefined, context('staging')).join('\n')).not.toContain('helm install');
    // Every Application the root syncs, the platform components' included.
    expect(production).toMatch(
      /syncs apps\/ from .*: production-argo-cd, .*production-istiod, .*devops-toolkit-production, go-demo-9-production\.$/m,
    );
  });

  it("says an Argo CD from install.yaml will not do, creates the env README's Secrets, and sends staging to production first", () => {
    const production = handOver(env('production'), undefined, context('production'));
    const text = production.join('\n');
    expect(text).toContain(
      "  # Not over an Argo CD installed from its install.yaml: that one's Deployments have other label selectors, which cannot change,",
    );
    expect(text.indexOf('install.yaml')).toBeGreaterThan(text.indexOf('helm install'));
    // Exactly the env README's Secret commands, before the bootstrap objects (Argo CD would sync Grafana without its Secret).
    const readme = sample.files.get('envs/production/README.md')!.split('\n');
    const readmeSecrets = readme.filter((l) => /^kubectl create (namespace|secret) /.test(l));
    expect(readmeSecrets).toEqual([
      'kubectl create namespace logging --dry-run=client --output yaml | kubectl apply --filename -',
      'kubectl create namespace production --dry-run=client --output yaml | kubectl apply --filename -',
      'kubectl create secret generic go-demo-9-db --namespace production --from-literal=password=...',
      'kubectl create secret generic grafana-admin --namespace logging --from-literal=admin-user=... --from-literal=admin-password=...',
    ]);
    const printed = production.filter((l) => /^ {2}kubectl create (namespace|secret) /.test(l)).map((l) => l.trim());
    expect(printed).toEqual(readmeSecrets);
    expect(production.findIndex((l) => l.includes('kubectl create secret'))).toBeLessThan(
      production.findIndex((l) => l.includes('bootstrap/')),
    );

    const staging = handOver(env('staging'), undefined, context('staging'));
    expect(staging[1]).toBe(
      "  # First hand over production: Argo CD and every controller staging's apps run on come from its repo (staging has no platform:).",
    );
    expect(staging.join('\n')).not.toContain('install.yaml');
    expect(staging).toContain('  kubectl create secret generic go-demo-9-db --namespace staging --from-literal=password=...');
  });
});

describe('what slipway owns in an env repo', () => {
  it('every file synth generates lies where slipway owns it, so a file it stops generating is deleted', () => {
    const envFiles = [...sample.files.keys()].filter((p) => p.startsWith('envs/')).map((p) => p.split('/').slice(2).join('/'));
    expect(envFiles).toContain('platform/argo-cd/install-values.yaml');
    for (const path of envFiles) expect(ownedBySlipway(path), path).toBe(true);
  });
});
