/** `cert-manager`: TLS certificates for Ingresses that name a ClusterIssuer. */
import { definePlatformComponent, WAVES } from './platform-component.js';

export const certManager = definePlatformComponent({
  name: 'cert-manager',
  charts: {
    'cert-manager': { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1', rendered: false },
  },
  applications: () => [
    {
      name: 'cert-manager',
      component: 'cert-manager',
      namespace: 'cert-manager',
      wave: WAVES.crds,
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
    },
  ],
  clusterKinds: [
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
    { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
  ],
  provides: [
    { group: 'cert-manager.io', kind: 'Certificate' },
    { group: 'cert-manager.io', kind: 'ClusterIssuer' },
  ],
});
