/** `argo-rollouts`: the Rollout controller canary delivery needs. */
import { definePlatformComponent, WAVES } from './platform-component.js';

export const argoRollouts = definePlatformComponent({
  name: 'argo-rollouts',
  charts: {
    // argo-rollouts 2.41.0 ships Argo Rollouts v1.9.0.
    'argo-rollouts': { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', version: '2.41.0', rendered: true },
  },
  // The chart installs its CRDs by default (installCRDs: true).
  applications: () => [
    {
      name: 'argo-rollouts',
      component: 'argo-rollouts',
      namespace: 'argo-rollouts',
      wave: WAVES.controllers,
      source: { chart: 'argo-rollouts', values: {} },
    },
  ],
  clusterKinds: [
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  ],
  provides: [
    { group: 'argoproj.io', kind: 'Rollout' },
    { group: 'argoproj.io', kind: 'AnalysisTemplate' },
  ],
});
