/**
 * The registry of platform components an env may list under `platform:`: a new component is a
 * module (see platform-component.ts) and a line in PLATFORM_COMPONENT_REGISTRY. The names env
 * files accept (and messages list), the chart pins, the platform AppProject's cluster-scoped
 * kinds and each env's Applications are read from here. Functions take the registry as a
 * parameter, defaulting to this one, so a test can add a component without global state.
 */
import type { GroupKind } from '../argocd.js';
import type { EnvDefinition } from '../environment.js';
import { argoCd } from './argo-cd.js';
import { argoRollouts } from './argo-rollouts.js';
import { certManager } from './cert-manager.js';
import { grafana } from './grafana.js';
import { istio } from './istio.js';
import { knativeServing } from './knative-serving.js';
import { loki } from './loki.js';
import { metricsServer } from './metrics-server.js';
import type { ChartSource, PlatformApplication, PlatformComponentModule, PlatformContext } from './platform-component.js';
import { prometheus } from './prometheus.js';

export * from './platform-component.js';

/** The order env files' error messages and the schema's enum list them in. */
export const PLATFORM_COMPONENT_REGISTRY = [
  argoCd,
  argoRollouts,
  istio,
  prometheus,
  knativeServing,
  loki,
  grafana,
  metricsServer,
  certManager,
] as const;

/** A list of components. */
export type PlatformComponentRegistry = readonly PlatformComponentModule[];

/** The name of a registered component. */
export type PlatformComponent = (typeof PLATFORM_COMPONENT_REGISTRY)[number]['name'];

/** The registered components' names, in registry order. */
export function platformComponentNames(registry: PlatformComponentRegistry = PLATFORM_COMPONENT_REGISTRY): string[] {
  return registry.map((c) => c.name);
}

/** A component's module, by name. */
export function platformComponent(
  name: string,
  registry: PlatformComponentRegistry = PLATFORM_COMPONENT_REGISTRY,
): PlatformComponentModule {
  const found = registry.find((c) => c.name === name);
  if (!found) throw new Error(`unknown platform component '${name}' (known: ${platformComponentNames(registry).join(', ')})`);
  return found;
}

/** Every chart pin of every component, by chart key; keys are unique across components. */
export function chartPins(registry: PlatformComponentRegistry = PLATFORM_COMPONENT_REGISTRY): Record<string, ChartSource> {
  const pins: Record<string, ChartSource> = {};
  for (const c of registry) {
    for (const [key, pin] of Object.entries(c.charts)) {
      if (pins[key]) throw new Error(`platform component ${c.name}: chart key '${key}' is another component's too`);
      pins[key] = pin;
    }
  }
  return pins;
}

/** The Applications of one component in one environment. */
export function componentApplications(
  env: EnvDefinition,
  component: string,
  context: PlatformContext,
  registry: PlatformComponentRegistry = PLATFORM_COMPONENT_REGISTRY,
): PlatformApplication[] {
  return platformComponent(component, registry).applications(env, context);
}

/**
 * Cluster-scoped kinds the `<env>-platform` AppProject permits: the same for every env (a
 * component added to an env needs no new project), in registry order after Namespace, which
 * CreateNamespace=true creates for every component. PriorityClass closes the list: no pinned
 * chart installs one today, several offer one behind a value; it was permitted before components
 * were modules, and dropping it would change every platform AppProject.
 */
export function platformClusterKinds(registry: PlatformComponentRegistry = PLATFORM_COMPONENT_REGISTRY): GroupKind[] {
  const kinds = new Map<string, GroupKind>();
  const add = (gk: GroupKind) => kinds.set(`${gk.group}/${gk.kind}`, gk);
  add({ group: '', kind: 'Namespace' });
  for (const c of registry) c.clusterKinds.forEach(add);
  add({ group: 'scheduling.k8s.io', kind: 'PriorityClass' });
  return [...kinds.values()];
}
