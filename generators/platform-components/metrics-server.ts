/** `metrics-server`: the resource metrics API HorizontalPodAutoscalers read CPU from. */
import { definePlatformComponent, WAVES } from './platform-component.js';

export const metricsServer = definePlatformComponent({
  name: 'metrics-server',
  charts: {
    // Not in the tests' chart set: rendered by hand from the upstream tags (3.13.1 fixes a null
    // APIService annotation that kept Argo CD OutOfSync in 3.13.0); re-check when bumping.
    'metrics-server': {
      repoURL: 'https://kubernetes-sigs.github.io/metrics-server/',
      chart: 'metrics-server',
      version: '3.13.1',
      rendered: false,
    },
  },
  // HorizontalPodAutoscalers read CPU from the metrics API this serves.
  applications: () => [
    {
      name: 'metrics-server',
      component: 'metrics-server',
      namespace: 'kube-system',
      wave: WAVES.controllers,
      source: { chart: 'metrics-server', values: {} },
    },
  ],
  clusterKinds: [
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    { group: 'apiregistration.k8s.io', kind: 'APIService' },
  ],
});
