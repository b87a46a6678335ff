/**
 * Platform components an environment declares (`platform:` in envs/<env>.yaml): the controllers
 * its apps need, installed by Argo CD from their upstream Helm charts at pinned chart versions, in
 * sync waves so CRDs and controllers come before the apps that use them.
 *
 * Each component is a list of Argo CD Applications in the `<env>-platform` AppProject; Knative
 * Serving adds a `KnativeServing` resource the env repo holds (platform/knative-serving/).
 *
 * The values here are only what slipway needs to differ from each chart's defaults: the tests
 * render every pinned chart with exactly these values (`test/platform/upstream-charts.test.ts`),
 * so a value that breaks a chart's own validation, renders random data or asks for a big node
 * fails there, not on a cluster.
 */
import type { K8sObject } from './app-objects.js';
import { componentsNeededByKind } from './delivery-kinds/index.js';
import type { EnvDefinition } from './environment.js';
import { prometheusService, scrapeTimeout } from './rules/prometheus.js';
import { ISTIO_GATEWAY, NET_ISTIO_LOCAL_GATEWAY } from './rules/istio-gateway.js';

export const PLATFORM_COMPONENTS = [
  'argo-cd', 'argo-rollouts', 'istio', 'prometheus', 'knative-serving', 'loki', 'grafana', 'metrics-server', 'cert-manager',
] as const;
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
  /**
   * Whether the test suite renders this pin from the shared upstream chart packages. Pins that
   * are not there are slipway's best knowledge, unverified here; the tests list them by name.
   */
  readonly rendered: boolean;
}

/**
 * Upstream chart repositories and pinned versions. Bump them deliberately, one env at a time; a
 * pin the tests render must match a chart package the tests have (they fail when the two drift).
 */
export const CHARTS: Readonly<Record<string, ChartSource>> = {
  // argo-cd 10.1.1 ships Argo CD v3.4.4, the newest chart the tests can render.
  'argo-cd': { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '10.1.1', rendered: true },
  // argo-rollouts 2.41.0 ships Argo Rollouts v1.9.0.
  'argo-rollouts': { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', version: '2.41.0', rendered: true },
  'istio-base': { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'base', version: '1.30.3', rendered: true },
  istiod: { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'istiod', version: '1.30.3', rendered: true },
  'istio-ingressgateway': { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'gateway', version: '1.30.3', rendered: true },
  prometheus: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus', version: '29.27.0', rendered: true },
  'knative-operator': { repoURL: 'https://knative.github.io/operator', chart: 'knative-operator', version: 'v1.23.0', rendered: true },
  // The chart for open-source Loki since 2026-03 (grafana.github.io's loki 7.x is the enterprise one).
  loki: { repoURL: 'https://grafana-community.github.io/helm-charts', chart: 'loki', version: '18.11.0', rendered: true },
  // Grafana's chart moved to grafana-community; grafana.github.io stops at 10.5.15.
  grafana: { repoURL: 'https://grafana-community.github.io/helm-charts', chart: 'grafana', version: '12.11.1', rendered: true },
  // Not in the tests' chart set: rendered by hand from the upstream tags (3.13.1 fixes a null
  // APIService annotation that kept Argo CD OutOfSync in 3.13.0); re-check when bumping.
  'metrics-server': { repoURL: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1', rendered: false },
  'cert-manager': { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1', rendered: false },
};

/** Where Argo CD itself runs: the cluster Argo CD is installed in, as Argo CD names it. */
export const ARGOCD_CLUSTER = 'https://kubernetes.default.svc';

/**
 * The Secret Grafana reads its admin login from, created once per cluster outside Git (the
 * hand-over says how). The chart would otherwise generate a random password on every render,
 * which Argo CD would report as drift forever.
 */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', namespace: 'logging', userKey: 'admin-user', passwordKey: 'admin-password' } as const;

/** One Application a component needs. */
export interface PlatformApplication {
  readonly name: string;
  readonly component: PlatformComponent;
  readonly namespace: string;
  readonly wave: number;
  /** @default - the Application's name (`name`) */
  readonly releaseName?: string;
  /**
   * `argocd`: only the cluster Argo CD runs in (Argo CD itself); `every`: each cluster of the env.
   * @default 'every'
   */
  readonly clusters?: 'argocd' | 'every';
  /** A chart from an upstream repo, or a folder of this env repo. */
  readonly source: { readonly chart: string; readonly values: Record<string, unknown> } | { readonly path: string };
  readonly ignoreDifferences?: ReadonlyArray<{ group: string; kind: string; name?: string; jsonPointers?: string[]; jqPathExpressions?: string[] }>;
  /** What the cluster must provide for it, that slipway does not install. @default [] */
  readonly prerequisites?: readonly string[];
  /** Secrets it reads that must be created outside Git. @default [] */
  readonly secrets?: readonly SecretNeed[];
}

/** A Secret made by hand (or by a secrets operator), never committed: its values must not reach Git. */
export interface SecretNeed {
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
}

/** What components need to know beyond the env itself. */
export interface PlatformContext {
  /** Prometheus scrape interval: the shortest canary analysis interval on the cluster. @default - the chart's (1m) */
  readonly scrapeInterval?: string;
  /** Knative features the cluster's Knative apps need turned on (`config-features`). */
  readonly knativeFeatures: readonly string[];
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

/**
 * Values of the argo-cd chart: the same for the first `helm install` (the hand-over) and for the
 * Application that then manages Argo CD, so the health check is there from the very first sync.
 */
export function argoCdValues(): Record<string, unknown> {
  return {
    configs: {
      cm: {
        // Without it the App-of-Apps does not wait on child Applications' health.
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
      },
    },
  };
}

/**
 * Release name of the argo-cd chart: its fullname is the release name when that contains the
 * chart's `nameOverride` (`argocd`), so release `argocd` renders `argocd-server`,
 * `argocd-repo-server`, `argocd-cm`, the names a running Argo CD uses (argo-helm
 * charts/argo-cd/templates/_common.tpl, `argo-cd.fullname`, 10.1.1). Any other release name
 * renders a second control plane beside the first.
 */
export const ARGOCD_RELEASE = 'argocd';

/**
 * istiod rewrites these fields of the webhooks of its revision after install (Istio 1.30.3):
 * the validating ones get its CA bundle and, once it serves, `failurePolicy: Fail`
 * (pkg/webhooks/validation/controller/controller.go, `updateValidatingWebhookConfiguration`);
 * the sidecar injector gets its CA bundle (pkg/webhooks/webhookpatch.go,
 * `patchMutatingWebhookConfig`). Without ignoring them Argo CD undoes istiod forever.
 */
const ISTIOD_PATCHED_WEBHOOK_FIELDS = ['.webhooks[]?.failurePolicy', '.webhooks[]?.clientConfig.caBundle'];

/** The Applications of one component in one environment. */
export function componentApplications(env: EnvDefinition, component: PlatformComponent, context: PlatformContext): PlatformApplication[] {
  switch (component) {
    case 'argo-cd':
      return [{
        name: 'argo-cd', component, namespace: env.argocdNamespace, wave: WAVES.controllers, releaseName: ARGOCD_RELEASE, clusters: 'argocd',
        source: { chart: 'argo-cd', values: argoCdValues() },
      }];
    case 'argo-rollouts':
      // The chart installs its CRDs by default (installCRDs: true).
      return [{ name: 'argo-rollouts', component, namespace: 'argo-rollouts', wave: WAVES.controllers, source: { chart: 'argo-rollouts', values: {} } }];
    case 'istio':
      return [
        {
          name: 'istio-base', component, namespace: ISTIO_GATEWAY.namespace, wave: WAVES.crds,
          source: { chart: 'istio-base', values: {} },
          // The default revision's validator (istiod-default-validator) is patched by istiod too.
          ignoreDifferences: [{ group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ISTIOD_PATCHED_WEBHOOK_FIELDS }],
        },
        {
          name: 'istiod', component, namespace: ISTIO_GATEWAY.namespace, wave: WAVES.controllers,
          // The chart asks for 2Gi by default, sized for large meshes; a few apps need far less.
          source: { chart: 'istiod', values: { pilot: { resources: { requests: { cpu: '250m', memory: '512Mi' } } } } },
          ignoreDifferences: [
            { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ISTIOD_PATCHED_WEBHOOK_FIELDS },
            { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
          ],
        },
        {
          // Release istio-ingressgateway in istio-system: the chart labels its pods
          // istio=ingressgateway, which the apps' Gateways and Knative's local gateway Service
          // (created by net-istio in istio-system) select.
          name: ISTIO_GATEWAY.release, component, namespace: ISTIO_GATEWAY.namespace, wave: WAVES.config,
          // A LoadBalancer Service stays Progressing (and holds every later wave) where nothing provides one.
          ...(env.gatewayServiceType === 'LoadBalancer'
            ? { prerequisites: ['a load-balancer provider for the LoadBalancer Service istio-ingressgateway (or set gateway.serviceType: NodePort)'] }
            : {}),
          source: { chart: 'istio-ingressgateway', values: env.gatewayServiceType === 'LoadBalancer' ? {} : { service: { type: env.gatewayServiceType } } },
        },
      ];
    case 'prometheus': {
      const server = prometheusService(env.prometheus);
      return [{
        name: 'prometheus', component, namespace: server.namespace, wave: WAVES.controllers,
        prerequisites: ['a default StorageClass, for the Prometheus server\'s 8Gi PersistentVolumeClaim'],
        source: {
          chart: 'prometheus',
          values: {
            server: {
              // Release "prometheus" serves prometheus-server.<namespace>:80 by default.
              ...(server.name !== 'prometheus-server' ? { fullnameOverride: server.name } : {}),
              ...(server.port !== 80 ? { service: { servicePort: server.port } } : {}),
              // Canary analysis measures every interval: scrape as often, or it reads stale rates.
              ...(context.scrapeInterval
                ? { global: { scrape_interval: context.scrapeInterval, scrape_timeout: scrapeTimeout(context.scrapeInterval) } }
                : {}),
            },
            alertmanager: { enabled: false },
            // Istio's sidecars expose merged metrics with prometheus.io annotations, which the
            // chart's kubernetes-pods job scrapes: istio_requests_total for the analysis.
            'prometheus-pushgateway': { enabled: false },
          },
        },
      }];
    }
    case 'knative-serving':
      return [
        { name: 'knative-operator', component, namespace: 'knative-operator', wave: WAVES.controllers, source: { chart: 'knative-operator', values: {} } },
        { name: 'knative-serving', component, namespace: 'knative-serving', wave: WAVES.config, source: { path: 'platform/knative-serving' } },
      ];
    case 'loki':
      return [{
        name: 'loki', component, namespace: 'logging', wave: WAVES.controllers,
        prerequisites: ['a default StorageClass, for Loki\'s 10Gi PersistentVolumeClaim'],
        source: {
          chart: 'loki',
          values: {
            // One process (Monolithic, the chart's default mode) on its filesystem: the scalable
            // targets must be 0 or the chart's validate.yaml refuses to render.
            loki: {
              auth_enabled: false,
              commonConfig: { replication_factor: 1 },
              storage: { type: 'filesystem' },
              schemaConfig: {
                configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }],
              },
            },
            singleBinary: { replicas: 1, resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
            read: { replicas: 0 },
            write: { replicas: 0 },
            backend: { replicas: 0 },
            // The memcached caches ask for ~10 GiB by default; a single binary does without them.
            chunksCache: { enabled: false },
            resultsCache: { enabled: false },
            lokiCanary: { enabled: false },
            test: { enabled: false },
            // Grafana talks to loki:3100 directly.
            gateway: { enabled: false },
          },
        },
      }];
    case 'grafana':
      return [{
        name: 'grafana', component, namespace: GRAFANA_ADMIN_SECRET.namespace, wave: WAVES.config,
        secrets: [{ name: GRAFANA_ADMIN_SECRET.name, namespace: GRAFANA_ADMIN_SECRET.namespace, keys: [GRAFANA_ADMIN_SECRET.userKey, GRAFANA_ADMIN_SECRET.passwordKey] }],
        source: {
          chart: 'grafana',
          values: {
            admin: { existingSecret: GRAFANA_ADMIN_SECRET.name, userKey: GRAFANA_ADMIN_SECRET.userKey, passwordKey: GRAFANA_ADMIN_SECRET.passwordKey },
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
    case 'metrics-server':
      // HorizontalPodAutoscalers read CPU from the metrics API this serves.
      return [{ name: 'metrics-server', component, namespace: 'kube-system', wave: WAVES.controllers, source: { chart: 'metrics-server', values: {} } }];
    case 'cert-manager':
      return [{
        name: 'cert-manager', component, namespace: 'cert-manager', wave: WAVES.crds,
        source: {
          chart: 'cert-manager',
          values: {
            // Its CRDs are templates, off by default (installCRDs is the deprecated spelling).
            crds: { enabled: true },
            // Leader-election Roles go to kube-system by default: keep them in the release namespace.
            global: { leaderElection: { namespace: 'cert-manager' } },
            // A Helm post-install check Argo CD's health assessment already makes.
            startupapicheck: { enabled: false },
          },
        },
      }];
  }
}

/**
 * The KnativeServing resource: Knative Serving with Istio networking through the gateway slipway
 * installs, DomainMappings allowed (Knative creates the ClusterDomainClaims they need), and the
 * features the cluster's Knative apps need.
 */
export function knativeServing(features: readonly string[]): K8sObject {
  const gatewayHost = `${ISTIO_GATEWAY.service}.${ISTIO_GATEWAY.namespace}.svc.cluster.local`;
  const localHost = `${NET_ISTIO_LOCAL_GATEWAY.service}.${NET_ISTIO_LOCAL_GATEWAY.namespace}.svc.cluster.local`;
  return {
    apiVersion: 'operator.knative.dev/v1beta1',
    kind: 'KnativeServing',
    metadata: { name: 'knative-serving', namespace: 'knative-serving' },
    spec: {
      config: {
        network: { 'autocreate-cluster-domain-claims': 'true' },
        // Said explicitly (they are net-istio's defaults) so a test can hold them against the gateway chart.
        istio: {
          'external-gateways': `- name: knative-ingress-gateway\n  namespace: knative-serving\n  service: ${gatewayHost}\n`,
          'local-gateways': `- name: knative-local-gateway\n  namespace: knative-serving\n  service: ${localHost}\n`,
        },
        ...(features.length ? { features: Object.fromEntries(features.map((f) => [f, 'enabled'])) } : {}),
      },
      ingress: {
        istio: {
          enabled: true,
          'knative-ingress-gateway': { selector: { ...ISTIO_GATEWAY.podSelector } },
          'knative-local-gateway': { selector: { ...ISTIO_GATEWAY.podSelector } },
        },
      },
    },
  };
}

/** Components an env's apps need, by delivery kind: what the registered kinds declare. */
export const NEEDED_BY: Readonly<Record<string, readonly PlatformComponent[]>> = componentsNeededByKind();
