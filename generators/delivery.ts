/**
 * How an app reaches its pods. A factory per kind (`Delivery.deployment()`), in the cdk8s-plus
 * manner, rather than a string plus side fields that only some kinds read.
 */

/** The delivery kinds slipway knows; environment files and error messages use these names. */
export const DELIVERY_KINDS = ['deployment'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export class Delivery {
  /** A plain Deployment with a Service (and an HPA when autoscaling is on). */
  static deployment(): Delivery {
    return new Delivery('deployment');
  }

  private constructor(readonly kind: DeliveryKind) {}
}
