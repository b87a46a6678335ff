/** `loki`: log storage Grafana reads, as one process on its own filesystem. */
import { definePlatformComponent, WAVES } from './platform-component.js';

export const loki = definePlatformComponent({
  name: 'loki',
  charts: {
    // The chart for open-source Loki since 2026-03 (grafana.github.io's loki 7.x is the enterprise one).
    loki: { repoURL: 'https://grafana-community.github.io/helm-charts', chart: 'loki', version: '18.11.0', rendered: true },
  },
  applications: () => [
    {
      name: 'loki',
      component: 'loki',
      namespace: 'logging',
      wave: WAVES.controllers,
      prerequisites: ["a default StorageClass, for Loki's 10Gi PersistentVolumeClaim"],
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
              configs: [
                {
                  from: '2024-04-01',
                  store: 'tsdb',
                  object_store: 'filesystem',
                  schema: 'v13',
                  index: { prefix: 'loki_index_', period: '24h' },
                },
              ],
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
    },
  ],
  clusterKinds: [
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  ],
});
