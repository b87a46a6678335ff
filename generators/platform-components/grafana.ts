/** `grafana`: dashboards on Prometheus and Loki, its admin login from a Secret made outside Git. */
import { definePlatformComponent, WAVES } from './platform-component.js';

/**
 * The Secret Grafana reads its admin login from, created once per cluster outside Git (the
 * hand-over says how). The chart would otherwise generate a random password on every render,
 * which Argo CD would report as drift forever. Its keys are the chart's defaults for
 * `admin.userKey` and `admin.passwordKey` (grafana 12.11.1 values.yaml), so the values leave them
 * out; the hand-over names them from here (test/platform/platform-agreement.test.ts holds the
 * rendered Deployment to them).
 */
const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', namespace: 'logging', userKey: 'admin-user', passwordKey: 'admin-password' } as const;

export const grafana = definePlatformComponent({
  name: 'grafana',
  charts: {
    // Grafana's chart moved to grafana-community; grafana.github.io stops at 10.5.15.
    grafana: { repoURL: 'https://grafana-community.github.io/helm-charts', chart: 'grafana', version: '12.11.1', rendered: true },
  },
  applications: (env) => [
    {
      name: 'grafana',
      component: 'grafana',
      namespace: GRAFANA_ADMIN_SECRET.namespace,
      wave: WAVES.config,
      secrets: [
        {
          name: GRAFANA_ADMIN_SECRET.name,
          namespace: GRAFANA_ADMIN_SECRET.namespace,
          keys: [GRAFANA_ADMIN_SECRET.userKey, GRAFANA_ADMIN_SECRET.passwordKey],
        },
      ],
      source: {
        chart: 'grafana',
        values: {
          admin: { existingSecret: GRAFANA_ADMIN_SECRET.name },
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
    },
  ],
  clusterKinds: [
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  ],
});
