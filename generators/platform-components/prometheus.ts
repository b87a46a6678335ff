/**
 * `prometheus`: the metrics canary analysis reads (Istio's, scraped from the sidecars), served at
 * the env's `prometheus:` address, scraping as often as the shortest analysis interval on the
 * cluster.
 */
import { prometheusService, scrapeGlobal } from '../rules/prometheus.js';
import { definePlatformComponent, WAVES } from './platform-component.js';

export const prometheus = definePlatformComponent({
  name: 'prometheus',
  charts: {
    prometheus: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus', version: '29.27.0', rendered: true },
  },
  applications: (env, context) => {
    const server = prometheusService(env.prometheus);
    const global = context.scrapeInterval ? scrapeGlobal(context.scrapeInterval) : {};
    return [
      {
        name: 'prometheus',
        component: 'prometheus',
        namespace: server.namespace,
        wave: WAVES.controllers,
        prerequisites: ["a default StorageClass, for the Prometheus server's 8Gi PersistentVolumeClaim"],
        source: {
          chart: 'prometheus',
          values: {
            server: {
              // Release "prometheus" serves prometheus-server.<namespace>:80 by default.
              ...(server.name !== 'prometheus-server' ? { fullnameOverride: server.name } : {}),
              ...(server.port !== 80 ? { service: { servicePort: server.port } } : {}),
              // Canary analysis measures every interval: scrape as often, or it reads stale rates
              // (the chart's 1m and 10s timeout where they already fit).
              ...(Object.keys(global).length ? { global } : {}),
            },
            alertmanager: { enabled: false },
            // Istio's sidecars expose merged metrics with prometheus.io annotations, which the
            // chart's kubernetes-pods job scrapes: istio_requests_total for the analysis.
            'prometheus-pushgateway': { enabled: false },
          },
        },
      },
    ];
  },
  clusterKinds: [
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  ],
});
