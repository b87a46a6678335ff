/**
 * Platform components an environment declares (`platform:` in envs/<env>.yaml): the controllers
 * its apps need, installed by Argo CD from their upstream Helm chart repositories at pinned chart
 * versions, in sync waves so CRDs and controllers come before the apps that use them.
 *
 * Each component is a list of Argo CD Applications in the `<env>-platform` AppProject; Knative
 * Serving adds a `KnativeServing` resource the env repo holds (platform/knative-serving/).
 */
import type { K8sObject } from './app-objects.js';
import type { EnvDefinition } from './environment.js';

export const PLATFORM_COMPONENTS = ['argo-cd', 'argo-rollouts', 'istio', 'prometheus', 'knative-serving', 'loki', 'grafana'] as const;
export type PlatformComponent = (typeof PLATFORM_COMPONENTS)[number];

/** An environment's choice of a component, with an optional chart version of its own. */
export interface PlatformChoice {
  readonly component: PlatformComponent;
  /** @default - slipway's pinned version (CHARTS) */
  readonly version?: string;
}

/** Sync waves: CRDs and webhooks first, then controllers, then config that needs their CRDs, then apps (0). */
export const WAVES = { crds: -30, controllers: -20, config: -10, apps: 0 } as const;

interface ChartSource {
  readonly repoURL: string;
  readonly chart: string;
  /** Pinned: an exact version, never a range. */
  readonly version: string;
}

/** Upstream chart repositories and pinned versions. Bump them deliberately, one env at a time. */
export const CHARTS: Readonly<Record<string, ChartSource>> = {
  'argo-cd': { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.3' },
  'argo-rollouts': { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', version: '2.40.5' },
  'istio-base': { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'base', version: '1.30.3' },
  istiod: { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'istiod', version: '1.30.3' },
  'istio-ingressgateway': { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'gateway', version: '1.30.3' },
  prometheus: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus', version: '27.45.0' },
  'knative-operator': { repoURL: 'https://knative.github.io/operator', chart: 'knative-operator', version: 'v1.23.0' },
  loki: { repoURL: 'https://grafana.github.io/helm-charts', chart: 'loki', version: '6.46.0' },
  grafana: { repoURL: 'https://grafana.github.io/helm-charts', chart: 'grafana', version: '10.1.4' },
};

/** One Application a component needs. */
export interface PlatformApplication {
  readonly name: string;
  readonly component: PlatformComponent;
  readonly namespace: string;
  readonly wave: number;
  /** A chart from an upstream repo, or a folder of this env repo. */
  readonly source: { readonly chart: string; readonly values: Record<string, unknown> } | { readonly path: string };
  readonly ignoreDifferences?: ReadonlyArray<{ group: string; kind: string; name?: string; jsonPointers?: string[]; jqPathExpressions?: string[] }>;
}

/**
 * Lua health check that makes Argo CD wait on child Applications (sync waves then really wait):
 * Argo CD removed the built-in one in 1.8, see its docs "App of Apps, health assessment".
 */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/** The Applications of one component in one environment. */
export function componentApplications(env: EnvDefinition, component: PlatformComponent): PlatformApplication[] {
  const prometheusHost = new URL(env.prometheus).hostname;
  switch (component) {
    case 'argo-cd':
      return [{
        name: 'argo-cd', component, namespace: env.argocdNamespace, wave: WAVES.controllers,
        source: {
          chart: 'argo-cd',
          values: {
            configs: {
              cm: {
                // Without it the App-of-Apps does not wait on child Applications' health.
                'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
              },
            },
          },
        },
      }];
    case 'argo-rollouts':
      return [{ name: 'argo-rollouts', component, namespace: 'argo-rollouts', wave: WAVES.controllers, source: { chart: 'argo-rollouts', values: { installCRDs: true } } }];
    case 'istio':
      return [
        {
          name: 'istio-base', component, namespace: 'istio-system', wave: WAVES.crds,
          source: { chart: 'istio-base', values: { defaultRevision: 'default' } },
          // istiod patches the webhook's failurePolicy and caBundle after install.
          ignoreDifferences: [{ group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.failurePolicy', '.webhooks[]?.clientConfig.caBundle'] }],
        },
        {
          name: 'istiod', component, namespace: 'istio-system', wave: WAVES.controllers,
          source: { chart: 'istiod', values: { meshConfig: { enablePrometheusMerge: true } } },
          ignoreDifferences: [{ group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] }],
        },
        // Release name istio-ingressgateway: the chart labels its pods istio=ingressgateway, the selector the apps' Gateways use.
        { name: 'istio-ingressgateway', component, namespace: 'istio-ingress', wave: WAVES.config, source: { chart: 'istio-ingressgateway', values: {} } },
      ];
    case 'prometheus':
      return [{
        name: 'prometheus', component, namespace: prometheusHost.split('.')[1] ?? 'monitoring', wave: WAVES.controllers,
        source: {
          chart: 'prometheus',
          values: {
            // Release "prometheus" serves prometheus-server.<namespace>: the address canary analysis queries.
            server: { fullnameOverride: prometheusHost.split('.')[0] ?? 'prometheus-server' },
            alertmanager: { enabled: false },
            // Istio's sidecars expose merged metrics with prometheus.io annotations, which the
            // chart's kubernetes-pods job scrapes: istio_requests_total for the analysis.
            'prometheus-pushgateway': { enabled: false },
          },
        },
      }];
    case 'knative-serving':
      return [
        { name: 'knative-operator', component, namespace: 'knative-operator', wave: WAVES.controllers, source: { chart: 'knative-operator', values: {} } },
        { name: 'knative-serving', component, namespace: 'knative-serving', wave: WAVES.config, source: { path: 'platform/knative-serving' } },
      ];
    case 'loki':
      return [{
        name: 'loki', component, namespace: 'logging', wave: WAVES.controllers,
        source: { chart: 'loki', values: { deploymentMode: 'SingleBinary', loki: { auth_enabled: false, commonConfig: { replication_factor: 1 }, storage: { type: 'filesystem' } }, singleBinary: { replicas: 1 } } },
      }];
    case 'grafana':
      return [{
        name: 'grafana', component, namespace: 'logging', wave: WAVES.config,
        source: {
          chart: 'grafana',
          values: {
            datasources: {
              'datasources.yaml': {
                apiVersion: 1,
                datasources: [
                  { name: 'Prometheus', type: 'prometheus', url: env.prometheus, isDefault: true },
                  { name: 'Loki', type: 'loki', url: 'http://loki.logging:3100' },
                ],
              },
            },
          },
        },
      }];
  }
}

/**
 * The KnativeServing resource: Knative Serving with Istio networking, and DomainMappings allowed
 * by letting Knative create the ClusterDomainClaims they need.
 */
export function knativeServing(): K8sObject {
  return {
    apiVersion: 'operator.knative.dev/v1beta1',
    kind: 'KnativeServing',
    metadata: { name: 'knative-serving', namespace: 'knative-serving' },
    spec: {
      config: {
        network: { 'autocreate-cluster-domain-claims': 'true' },
      },
    },
  };
}

/** Components an env's apps need, by delivery kind. */
export const NEEDED_BY: Readonly<Record<string, readonly PlatformComponent[]>> = {
  canary: ['argo-rollouts', 'istio', 'prometheus'],
  knative: ['knative-serving'],
};
