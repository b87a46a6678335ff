/**
 * `istio`: the mesh canary delivery splits traffic with, and Knative's networking: its CRDs and
 * validator (istio-base), istiod, and the ingress gateway the apps' Gateways and Knative select.
 */
import { ISTIO_GATEWAY } from '../rules/istio-gateway.js';
import { definePlatformComponent, WAVES } from './platform-component.js';

/**
 * istiod rewrites these fields of the webhooks of its revision after install (Istio 1.30.3):
 * the validating ones get its CA bundle and, once it serves, `failurePolicy: Fail`
 * (pkg/webhooks/validation/controller/controller.go, `updateValidatingWebhookConfiguration`);
 * the sidecar injector gets its CA bundle (pkg/webhooks/webhookpatch.go,
 * `patchMutatingWebhookConfig`). Without ignoring them Argo CD undoes istiod forever.
 */
const ISTIOD_PATCHED_WEBHOOK_FIELDS = ['.webhooks[]?.failurePolicy', '.webhooks[]?.clientConfig.caBundle'];

export const istio = definePlatformComponent({
  name: 'istio',
  charts: {
    'istio-base': { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'base', version: '1.30.3', rendered: true },
    istiod: { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'istiod', version: '1.30.3', rendered: true },
    'istio-ingressgateway': {
      repoURL: 'https://istio-release.storage.googleapis.com/charts',
      chart: 'gateway',
      version: '1.30.3',
      rendered: true,
    },
  },
  applications: (env) => [
    {
      name: 'istio-base',
      component: 'istio',
      namespace: ISTIO_GATEWAY.namespace,
      wave: WAVES.crds,
      source: { chart: 'istio-base', values: {} },
      // The default revision's validator (istiod-default-validator) is patched by istiod too.
      ignoreDifferences: [
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ISTIOD_PATCHED_WEBHOOK_FIELDS },
      ],
    },
    {
      name: 'istiod',
      component: 'istio',
      namespace: ISTIO_GATEWAY.namespace,
      wave: WAVES.controllers,
      // The chart asks for 2Gi by default, sized for large meshes; a few apps need far less.
      source: { chart: 'istiod', values: { pilot: { resources: { requests: { cpu: '250m', memory: '512Mi' } } } } },
      ignoreDifferences: [
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ISTIOD_PATCHED_WEBHOOK_FIELDS },
        {
          group: 'admissionregistration.k8s.io',
          kind: 'MutatingWebhookConfiguration',
          jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
        },
      ],
    },
    {
      // Release istio-ingressgateway in istio-system: the chart labels its pods
      // istio=ingressgateway, which the apps' Gateways and Knative's local gateway Service
      // (created by net-istio in istio-system) select.
      name: ISTIO_GATEWAY.release,
      component: 'istio',
      namespace: ISTIO_GATEWAY.namespace,
      wave: WAVES.config,
      // A LoadBalancer Service stays Progressing (and holds every later wave) where nothing provides one.
      ...(env.gatewayServiceType === 'LoadBalancer'
        ? {
            prerequisites: [
              'a load-balancer provider for the LoadBalancer Service istio-ingressgateway (or set gateway.serviceType: NodePort)',
            ],
          }
        : {}),
      source: {
        chart: 'istio-ingressgateway',
        values: env.gatewayServiceType === 'LoadBalancer' ? {} : { service: { type: env.gatewayServiceType } },
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
    { group: 'networking.istio.io', kind: 'VirtualService' },
    { group: 'networking.istio.io', kind: 'Gateway' },
  ],
});
