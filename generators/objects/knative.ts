/**
 * Moved to delivery-kinds/knative/objects.ts with the rest of the Knative kind; re-exported here
 * for src/validate, which reads the HPA class from this path.
 */
export { HPA_CLASS } from '../delivery-kinds/knative/objects.js';
