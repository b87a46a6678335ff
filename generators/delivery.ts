/**
 * How an app reaches its pods. A factory per kind (`Delivery.deployment()`,
 * `Delivery.canary({...})`), in the cdk8s-plus manner, rather than a string plus side fields
 * that only some kinds read. What each kind is lives in its module under delivery-kinds/; the
 * registry (delivery-kinds/index.ts) lists them.
 */
import { canaryKind } from './delivery-kinds/canary/index.js';
import { resolveCanary, type CanaryProps } from './delivery-kinds/canary/props.js';
import type { DeliveryKindModule } from './delivery-kinds/delivery-kind.js';
import { deploymentKind } from './delivery-kinds/deployment/index.js';
import { knativeKind } from './delivery-kinds/knative/index.js';
import { resolveKnative, type KnativeProps } from './delivery-kinds/knative/props.js';

/** A delivery kind's name (a registered kind's, delivery-kinds/index.ts, for a definition the loader accepted). */
export type DeliveryKind = string;

export class Delivery {
  /** A plain Deployment with a Service (and an HPA when autoscaling is on). */
  static deployment(): Delivery {
    return Delivery.of(deploymentKind, undefined);
  }

  /**
   * An Argo Rollouts canary: a Rollout in place of the Deployment, stable and canary Services,
   * an Istio VirtualService splitting traffic between them (and a Gateway when exposed), and
   * optionally an AnalysisTemplate on Istio's metrics in Prometheus.
   */
  static canary(props: CanaryProps = {}): Delivery {
    return Delivery.of(canaryKind, resolveCanary(props));
  }

  /**
   * A Knative Service (serving.knative.dev/v1) that scales to zero, and a DomainMapping per
   * environment host; Knative creates the Deployment, Service and autoscaler itself.
   */
  static knative(props: KnativeProps = {}): Delivery {
    return Delivery.of(knativeKind, resolveKnative(props));
  }

  /**
   * A delivery of any kind, by its module, with the kind's resolved settings: what the factories
   * above call, and how a kind without a factory here is used. Only kinds of the registry pass
   * the loader's checks.
   */
  static of<S>(kind: DeliveryKindModule<S>, settings: S): Delivery {
    return new Delivery(kind, settings);
  }

  /** The kind's name (`deployment`, `canary`, `knative`). */
  readonly kind: DeliveryKind;
  /**
   * The kind's module. Not enumerable: the loader walks a definition's enumerable fields for
   * control characters, and the module is code, not the app's settings.
   */
  declare readonly module: DeliveryKindModule;

  private constructor(module: DeliveryKindModule, settings: unknown) {
    this.kind = module.name;
    Object.defineProperty(this, 'module', { value: module, enumerable: false });
    // Under the kind's name, as env files write their overrides (`delivery.canary`); each module
    // declares the typed field on Delivery (declaration merging).
    if (settings !== undefined) Object.defineProperty(this, module.name, { value: settings, enumerable: true });
  }
}
