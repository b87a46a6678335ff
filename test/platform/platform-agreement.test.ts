/**
 * Parties that must agree and that no schema checks against each other, rendered from the real
 * pinned charts: the Istio gateway chart, Knative's networking config and the apps' Gateways;
 * istiod's own webhook patching and the ignoreDifferences of its Applications; Prometheus' scrape
 * interval and the canary analysis; Argo CD's first install and the Application that then
 * manages it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared } from '../support/shared.js';
import type { K8sObject } from '../../generators/app-objects.js';
import type { EnvDefinition } from '../../generators/environment.js';
import { generatePlatform, type GeneratedPlatform, type PlatformModel } from '../../generators/platform.js';
import { NET_ISTIO_LOCAL_GATEWAY } from '../../generators/rules/istio-gateway.js';
import { durationSeconds } from '../../generators/rules/prometheus.js';
import { generateSample, parseDocs, sampleModel } from '../support/generated.js';
import { helmBinaries } from '../support/helm.js';
import {
  chartInstalls,
  ignoredPaths,
  indexEntryFor,
  pathCovered,
  readChartIndex,
  renderedIstioGateway,
  renderInstall,
  renderOk,
  renderFailure,
  type ChartInstall,
} from '../support/upstream-charts.js';

// The sample comes through synth's generate, which throws on any refusal.
let sample: GeneratedPlatform;
let model: PlatformModel;
beforeAll(async () => {
  sample = (await generateSample()).output;
  model = await sampleModel();
});

const argocdOf = (output: GeneratedPlatform, env = 'production') => output.envs.find((e) => e.env.name === env)!.argocd;
/** A model synth would refuse proves nothing about a cluster: every variant rendered here must have no refusal. */
function generated(m: PlatformModel): GeneratedPlatform {
  const output = generatePlatform(m);
  expect(output.refusals).toEqual([]);
  return output;
}
const withProduction = (change: (e: EnvDefinition) => EnvDefinition): GeneratedPlatform =>
  generated({ apps: model.apps, envs: model.envs.map((e) => (e.name === 'production' ? change(e) : e)) });
const subset = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

async function render(install: ChartInstall, major: 3 | 4) {
  const helm = helmBinaries().find((h) => h.major === major)!;
  const match = indexEntryFor(readChartIndex(), install)!;
  const result = await renderInstall(helm, install, match.entry);
  if (!renderOk(result)) throw new Error(`${install.owner}: ${renderFailure(result)}`);
  return result.objects as K8sObject[];
}

describeWithShared('the Istio gateway, Knative and the apps agree on where the gateway runs', () => {
  it.each([3, 4] as const)(
    "Helm %i: the gateway Service, its pods, KnativeServing's gateways and selectors, the apps' Gateways",
    async (major) => {
      const helm = helmBinaries().find((h) => h.major === major)!;
      const gateway = await renderedIstioGateway(argocdOf(sample), helm);
      expect(subset(gateway.service.selector, gateway.deployment.podLabels)).toBe(true);
      expect(gateway.service.type).toBe('LoadBalancer'); // production's default
      const serving = argocdOf(sample).find((o) => o.kind === 'KnativeServing') as any;
      // Knative's external gateway is the Service the chart renders, by its in-cluster name.
      expect(serving.spec.config.istio['external-gateways']).toContain(
        `service: ${gateway.service.name}.${gateway.service.namespace}.svc.cluster.local`,
      );
      // net-istio's knative-local-gateway Service sits in istio-system and selects istio=ingressgateway:
      // the gateway pods must be there, with that label, or it has no endpoints (503).
      expect(gateway.deployment.namespace).toBe(NET_ISTIO_LOCAL_GATEWAY.namespace);
      expect(subset(NET_ISTIO_LOCAL_GATEWAY.selector, gateway.deployment.podLabels)).toBe(true);
      expect(serving.spec.config.istio['local-gateways']).toContain(
        `service: ${NET_ISTIO_LOCAL_GATEWAY.service}.${NET_ISTIO_LOCAL_GATEWAY.namespace}.svc.cluster.local`,
      );
      for (const gw of ['knative-ingress-gateway', 'knative-local-gateway'])
        expect(subset(serving.spec.ingress.istio[gw].selector, gateway.deployment.podLabels), gw).toBe(true);
      // Every app's Istio Gateway selects the same pods.
      const appGateways = sample.envs.flatMap((e) => e.apps.flatMap((a) => a.objects)).filter((o) => o.kind === 'Gateway') as any[];
      expect(appGateways.length).toBeGreaterThan(0);
      for (const g of appGateways) expect(subset(g.spec.selector, gateway.deployment.podLabels), g.metadata.name).toBe(true);
    },
  );

  it("the Service type is the env's setting (NodePort for clusters without a load balancer), and the warning follows it", async () => {
    const nodePort = withProduction((e) => ({ ...e, gatewayServiceType: 'NodePort' }));
    const gateway = await renderedIstioGateway(argocdOf(nodePort), helmBinaries()[0]!);
    expect(gateway.service.type).toBe('NodePort');
    expect(nodePort.prerequisites.some((p) => p.need.includes('load-balancer'))).toBe(false);
    expect(sample.prerequisites.some((p) => p.need.includes('load-balancer') && p.cluster === 'in-cluster')).toBe(true);
  });
});

describeWithShared('istiod patches its own webhooks after install: its Applications ignore exactly that', () => {
  const patched = { ValidatingWebhookConfiguration: ['failurePolicy', 'caBundle'], MutatingWebhookConfiguration: ['caBundle'] } as const;

  it.each([3, 4] as const)(
    'Helm %i: every webhook field istiod rewrites is ignored, and nothing would be without the rule',
    async (major) => {
      const installs = chartInstalls(argocdOf(sample)).filter((i) => i.chart === 'istiod' || i.chart === 'base');
      expect(installs.map((i) => i.chart).sort()).toEqual(['base', 'istiod']);
      let webhooks = 0;
      for (const install of installs) {
        for (const obj of (await render(install, major)).filter((o) => o.kind in patched)) {
          // What istiod writes, path by path, on the live object (independent of the jq the rule uses).
          const live = {
            ...obj,
            webhooks: (obj as any).webhooks.map((w: any) => ({
              ...w,
              failurePolicy: 'Fail',
              clientConfig: { ...w.clientConfig, caBundle: 'Y2E=' },
            })),
          };
          const paths = (live.webhooks as unknown[]).flatMap((_, i) =>
            patched[obj.kind as keyof typeof patched].map((f) =>
              f === 'caBundle' ? ['webhooks', i, 'clientConfig', 'caBundle'] : ['webhooks', i, 'failurePolicy'],
            ),
          );
          expect(paths.length).toBeGreaterThan(0);
          const ignored = ignoredPaths(install.ignoreDifferences, live as never, install.namespace);
          for (const path of paths)
            expect(pathCovered(ignored, path), `${install.owner} ${obj.kind}/${obj.metadata.name} ${path.join('.')}`).toBe(true);
          // The rule, the other way: without the Application's ignoreDifferences the same paths are drift.
          for (const path of paths) expect(pathCovered(ignoredPaths([], live as never, install.namespace), path)).toBe(false);
          webhooks++;
        }
      }
      expect(webhooks).toBeGreaterThanOrEqual(3); // istiod-default-validator, istio-validator-istio-system, istio-sidecar-injector
    },
  );
});

describeWithShared('Prometheus scrapes as often as canary analysis measures', () => {
  const analysisIntervals = (output: GeneratedPlatform) =>
    output.envs
      .flatMap((e) => e.apps.flatMap((a) => a.objects))
      .filter((o) => o.kind === 'AnalysisTemplate')
      .flatMap((o) => (o.spec as any).metrics.map((m: { interval: string }) => m.interval));

  it('the rendered prometheus.yml scrapes at the shortest analysis interval, with a timeout no longer than it', async () => {
    const intervals = analysisIntervals(sample);
    expect(intervals.length).toBeGreaterThan(0);
    const shortest = Math.min(...intervals.map(durationSeconds));
    const install = chartInstalls(argocdOf(sample)).find((i) => i.chart === 'prometheus')!;
    const config = (await render(install, 4)).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-server') as any;
    const global = parseDocs(config.data['prometheus.yml'])[0]!.global as { scrape_interval: string; scrape_timeout: string };
    expect(durationSeconds(global.scrape_interval)).toBe(shortest);
    expect(durationSeconds(global.scrape_timeout)).toBeLessThanOrEqual(durationSeconds(global.scrape_interval));
  });

  const withAnalysisEvery = (interval: string) =>
    withProduction((e) => ({
      ...e,
      apps: { ...e.apps, 'devops-toolkit': { ...e.apps['devops-toolkit']!, delivery: { canary: { analysis: { interval } } } } },
    }));
  const globalOf = (output: GeneratedPlatform) =>
    (argocdOf(output).find((o) => o.metadata.name === 'production-prometheus') as any).spec.source.helm.valuesObject.server.global;

  it('a 5s analysis brings the scrape timeout down with it (Prometheus refuses a timeout above the interval)', () => {
    expect(globalOf(withAnalysisEvery('5s'))).toEqual({ scrape_interval: '5s', scrape_timeout: '5s' });
  });

  it("what equals the chart's server.global (1m, timeout 10s) is left to the chart", () => {
    expect(globalOf(withAnalysisEvery('10s'))).toEqual({ scrape_interval: '10s' });
    expect(globalOf(withAnalysisEvery('60s'))).toBeUndefined();
    expect(globalOf(withAnalysisEvery('2m'))).toEqual({ scrape_interval: '2m' });
  });

  it('a Prometheus address with its own Service name, namespace and port is what the chart serves', async () => {
    const custom = withProduction((e) => ({ ...e, prometheus: 'http://metrics.observability:9090' }));
    const install = chartInstalls(argocdOf(custom)).find((i) => i.chart === 'prometheus')!;
    expect(install.namespace).toBe('observability');
    const service = (await render(install, 4)).find((o) => o.kind === 'Service' && o.metadata.name === 'metrics') as any;
    expect(service, 'Service metrics').toBeDefined();
    expect(service.spec.ports.map((p: { port: number }) => p.port)).toContain(9090);
    const analysis = custom.envs
      .find((e) => e.env.name === 'production')!
      .apps.flatMap((a) => a.objects)
      .find((o) => o.kind === 'AnalysisTemplate') as any;
    expect(analysis.spec.metrics[0].provider.prometheus.address).toBe('http://metrics.observability:9090');
  });
});

describeWithShared('Grafana reads its admin login from the Secret the hand-over creates', () => {
  it.each([3, 4] as const)(
    'Helm %i: the secretKeyRefs of the rendered Deployment are the Secret and keys the env README names',
    async (major) => {
      const install = chartInstalls(argocdOf(sample)).find((i) => i.chart === 'grafana')!;
      const deployment = (await render(install, major)).find((o) => o.kind === 'Deployment' && o.metadata.name === 'grafana') as any;
      const env = deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === 'grafana').env as Array<{
        name: string;
        valueFrom?: { secretKeyRef?: { name: string; key: string } };
      }>;
      const refs = Object.fromEntries(
        env.filter((e) => e.name.startsWith('GF_SECURITY_ADMIN_')).map((e) => [e.name, e.valueFrom?.secretKeyRef]),
      );
      const need = sample.prerequisites.find((p) => p.for === 'grafana' && p.secret)!.secret!;
      expect(need.namespace).toBe(install.namespace);
      expect(refs).toEqual({
        GF_SECURITY_ADMIN_USER: { name: need.name, key: need.keys[0] },
        GF_SECURITY_ADMIN_PASSWORD: { name: need.name, key: need.keys[1] },
      });
      expect(sample.files.get('envs/production/README.md')).toContain(
        `kubectl create secret generic ${need.name} --namespace ${need.namespace} --from-literal=${need.keys[0]}=... --from-literal=${need.keys[1]}=...\n`,
      );
    },
  );
});

describe('Argo CD: one control plane, installed once by hand and then from Git', () => {
  it("the first install's values file and the argo-cd Application's valuesObject are the same, and so is the release", () => {
    const app = argocdOf(sample).find((o) => o.metadata.name === 'production-argo-cd') as any;
    const installValues = parseDocs(sample.files.get('envs/production/platform/argo-cd/install-values.yaml')!)[0];
    expect(installValues).toEqual(app.spec.source.helm.valuesObject);
    const readme = sample.files.get('envs/production/README.md')!;
    expect(readme).toContain(`helm install ${app.spec.source.helm.releaseName} argo/argo-cd --version ${app.spec.source.targetRevision}`);
    expect(readme).toContain('--values platform/argo-cd/install-values.yaml');
    expect(readme).toContain('install.yaml');
  });
});
