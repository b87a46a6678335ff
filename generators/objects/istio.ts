/**
 * Istio networking objects (networking.istio.io/v1), typed for the fields slipway uses. The tests
 * validate them against Istio's CRDs, strictly.
 */
import type { K8sObject } from './k8s-object.js';

interface HttpRouteDestination {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
}

export interface VirtualServiceProps {
  readonly metadata: K8sObject['metadata'];
  /** Host names routed: the public host (through a Gateway) and the in-cluster name. */
  readonly hosts: readonly (string | undefined)[];
  /** Gateways the routes bind to; `mesh` is every sidecar in the cluster. */
  readonly gateways: readonly (string | undefined)[];
  readonly http: ReadonlyArray<{ readonly name: string; readonly route: readonly HttpRouteDestination[] }>;
}

export function virtualService(props: VirtualServiceProps): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: props.metadata,
    spec: {
      hosts: props.hosts,
      gateways: props.gateways,
      http: props.http.map((h) => ({
        name: h.name,
        route: h.route.map((r) => ({ destination: { host: r.host, port: { number: r.port } }, weight: r.weight })),
      })),
    },
  };
}

export interface GatewayServer {
  readonly port: { readonly number: number; readonly name: string; readonly protocol: 'HTTP' | 'HTTPS' };
  readonly hosts: readonly string[];
  readonly tls?: { readonly mode: 'SIMPLE'; readonly credentialName: string };
}

export function gateway(metadata: K8sObject['metadata'], servers: readonly (GatewayServer | undefined)[]): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    // The ingress gateway Istio's default profile installs.
    metadata,
    spec: { selector: { istio: 'ingressgateway' }, servers },
  };
}
