/** Name rules of Kubernetes, as the API server applies them. */

/** RFC 1035 label: Service names and so app names (a Service is named after its app). */
export const DNS_1035_LABEL = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** What a name that fails DNS_1035_LABEL is told. */
export const DNS_1035_RULE = 'is not a DNS-1035 label (lower-case letters, digits and -, starting with a letter, at most 63)';
/** RFC 1123 subdomain: most object names, e.g. Secrets. */
export const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Environment variable names Kubernetes accepts without complaint (C identifiers). */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Keys of a Secret's data. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** Kubernetes resource quantities (`100m`, `1.5`, `128Mi`). */
export const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/;
/** SemVer 2. */
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-.]+)?(\+[0-9A-Za-z-.]+)?$/;
/**
 * Image repository without tag: registry host (with optional port), then lower-case path
 * components; no tag, no digest.
 */
export const IMAGE_REPOSITORY = /^([a-zA-Z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
/** Tags that move: refused where an environment pins tags. */
export const FLOATING_TAGS = new Set(['latest', '']);
export { MAX_REPLICAS, REPLICAS_CEILING } from '../../generators/limits.js';
/**
 * App names slipway keeps for itself: an env repo's `apps/platform-<component>.yaml` holds a
 * platform component's Application, so an app `platform-x` would lose its `apps/platform-x.yaml`
 * to one (or take it from one).
 */
export const RESERVED_APP_PREFIX = 'platform-';
