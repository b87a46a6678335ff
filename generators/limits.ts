/**
 * Ceiling on replica counts and autoscaling and Knative scale bounds, in env files and app
 * definitions. Kubernetes itself only bounds them by int32; its documented large-cluster limits
 * (kubernetes.io/docs/setup/best-practices/cluster-large: at most 110 pods per node and 150,000
 * pods per cluster) leave room for more, but a thousand pods of one app is beyond what this kit
 * targets, and a larger number is a typo (`replicas: 1e10` was accepted and generated).
 */
export const MAX_REPLICAS = 1000;
/** Why counts stop at `MAX_REPLICAS`: env files and app definitions say the same. */
export const REPLICAS_CEILING = 'the most pods slipway lets one app ask for (a guard against typos such as 1e10)';
