/**
 * `knative-serving`: the Knative operator, and the KnativeServing resource the env repo holds
 * (platform/knative-serving/), which turns on the features the cluster's Knative apps need.
 */
import type { K8sObject } from '../objects/k8s-object.js';
import { ISTIO_GATEWAY, NET_ISTIO_LOCAL_GATEWAY } from '../rules/istio-gateway.js';
import { definePlatformComponent, WAVES } from './platform-component.js';

/**
 * The KnativeServing resource: Knative Serving with Istio networking through the gateway slipway
 * installs, DomainMappings allowed (Knative creates the ClusterDomainClaims they need), and the
 * features the cluster's Knative apps need.
 */
function knativeServingResource(features: readonly string[]): K8sObject {
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

export const knativeServing = definePlatformComponent({
  name: 'knative-serving',
  charts: {
    'knative-operator': { repoURL: 'https://knative.github.io/operator', chart: 'knative-operator', version: 'v1.23.0', rendered: true },
  },
  applications: () => [
    {
      name: 'knative-operator',
      component: 'knative-serving',
      namespace: 'knative-operator',
      wave: WAVES.controllers,
      source: { chart: 'knative-operator', values: {} },
    },
    {
      name: 'knative-serving',
      component: 'knative-serving',
      namespace: 'knative-serving',
      wave: WAVES.config,
      source: { path: 'platform/knative-serving' },
    },
  ],
  clusterKinds: [
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  ],
  provides: [
    { group: 'serving.knative.dev', kind: 'Service' },
    { group: 'serving.knative.dev', kind: 'DomainMapping' },
    { group: 'operator.knative.dev', kind: 'KnativeServing' },
  ],
  envRepoFiles: (_env, context) => [
    {
      path: 'platform/knative-serving/knative-serving.yaml',
      what: "platform component knative-serving's KnativeServing",
      object: knativeServingResource(context.knativeFeatures),
    },
  ],
});
