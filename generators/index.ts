/** What `charts-src/*.ts` files import: the app definition API. */
export { defineApp, Security } from './app-definition.js';
export type {
  AppProps,
  AutoscalingProps,
  ExtendContext,
  IngressProps,
  ResourceProps,
  SecretKeyRef,
  SecurityProps,
} from './app-definition.js';
export { Delivery } from './delivery.js';
