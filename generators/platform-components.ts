/**
 * Platform components an environment declares (`platform:` in envs/<env>.yaml): the controllers
 * its apps need, installed by Argo CD from their upstream Helm charts at pinned chart versions, in
 * sync waves so CRDs and controllers come before the apps that use them. Each component is one
 * module under platform-components/; platform-components/index.ts is their registry.
 *
 * This file keeps the names code outside generators/ has always imported.
 */
import { chartPins, platformComponentNames, type ChartSource, type PlatformComponent } from './platform-components/index.js';

export {
  ARGOCD_CLUSTER,
  componentApplications,
  platformClusterKinds,
  type ChartSource,
  type PlatformApplication,
  type PlatformComponent,
  type PlatformContext,
  type SecretNeed,
} from './platform-components/index.js';
export { APPLICATION_HEALTH_LUA, ARGOCD_INSTALL_VALUES, ARGOCD_RELEASE } from './platform-components/argo-cd.js';

/** The registered components' names; env files and messages use these. */
export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = platformComponentNames() as PlatformComponent[];

/** An environment's choice of a component, with an optional chart version of its own. */
export interface PlatformChoice {
  readonly component: PlatformComponent;
  /** @default - slipway's pinned version (CHARTS) */
  readonly version?: string;
}

/**
 * Upstream chart repositories and pinned versions, of every component. Bump them deliberately,
 * one env at a time; a pin the tests render must match a chart package the tests have (they fail
 * when the two drift).
 */
export const CHARTS: Readonly<Record<string, ChartSource>> = chartPins();
