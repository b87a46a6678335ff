/**
 * Where the Istio ingress gateway runs, and who selects its pods. Three parties must agree, and
 * none of them checks the others: the gateway chart (the Service and its pods), the apps' Istio
 * `Gateway`s, and Knative's net-istio (its `knative-local-gateway` Service and config-istio).
 */

/**
 * The gateway slipway installs (Istio 1.30.3 chart `gateway`). The chart labels its pods
 * `istio: <release name without "istio-">` (manifests/charts/gateway/templates/_helpers.tpl,
 * `gateway.selectorLabels`), so release `istio-ingressgateway` gives `istio: ingressgateway`, the
 * selector Istio's docs, the apps' Gateways and net-istio all use.
 *
 * Namespace `istio-system`: net-istio creates its `knative-local-gateway` Service there (below),
 * and a Service selects pods of its own namespace only; a gateway in any other namespace leaves
 * that Service without endpoints and every cluster-local Knative route answering 503.
 */
export const ISTIO_GATEWAY = {
  release: 'istio-ingressgateway',
  namespace: 'istio-system',
  service: 'istio-ingressgateway',
  podSelector: { istio: 'ingressgateway' },
} as const;

/**
 * net-istio's cluster-local gateway Service, as Knative Serving 1.23 installs it: name
 * `knative-local-gateway`, namespace `istio-system`, selector `istio: ingressgateway`
 * (knative-extensions/net-istio config/203-local-gateway.yaml, knative-v1.22.0; the same in
 * knative/operator knative-v1.23.0 cmd/operator/kodata/ingress/1.23/istio/net-istio.yaml). The
 * operator keeps it in istio-system unless `spec.config.istio` `local-gateways` names another
 * namespace (pkg/reconciler/knativeserving/ingress/ingress_service.go, `IngressServiceTransform`).
 */
export const NET_ISTIO_LOCAL_GATEWAY = {
  service: 'knative-local-gateway',
  namespace: 'istio-system',
  selector: { istio: 'ingressgateway' },
} as const;

/** Kinds of Service the gateway can have; LoadBalancer needs a load-balancer provider in the cluster. */
const GATEWAY_SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const;
export type GatewayServiceType = (typeof GATEWAY_SERVICE_TYPES)[number];
