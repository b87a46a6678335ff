/**
 * What an env file means when it leaves a field out, by the field's path as written in the file.
 * The one place these values are written: the loader reads them, the model's JSDoc points here,
 * and a test holds `envs/env.schema.json`'s `default`s (what editors show) to exactly this list.
 */
export const ENV_DEFAULTS = {
  hostPattern: '{app}.{domain}',
  /** The cluster Argo CD runs in, under the name Argo CD gives it. */
  'cluster.name': 'in-cluster',
  'cluster.server': 'https://kubernetes.default.svc',
  'argocd.namespace': 'argocd',
  branch: 'main',
  'github.apiUrl': 'https://api.github.com',
  'github.visibility': 'private',
  'github.branchProtection': false,
  promotion: 'direct',
  pinnedTags: false,
  requireDigests: false,
  /** Where the `prometheus` component's server answers (chart prometheus, release in monitoring). */
  prometheus: 'http://prometheus-server.monitoring',
  'gateway.serviceType': 'LoadBalancer',
  render: 'helm',
  'apps.*.enabled': true,
  /** A tracking policy orders what allowTags lets through as versions, pins no digest, commits nothing on its own. */
  'apps.*.track.order': 'semver',
  'apps.*.track.digest': false,
  'apps.*.track.auto': false,
} as const;
