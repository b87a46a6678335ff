/**
 * The registry of delivery kinds: a new kind is a module (see delivery-kind.ts) and a line in
 * DELIVERY_KIND_REGISTRY. Everything that lists kinds (the names env files and messages use, the
 * env-file schema's `delivery` overrides, the inference table of platform components, the checks
 * of definitions and overrides) reads it from here; functions take the registry as a parameter,
 * defaulting to this one, so a test can add a kind without global state.
 *
 * Generation itself needs no lookup: an app's `Delivery` carries its kind's module.
 */
import type { AppDefinition } from '../app-definition.js';
import type { EnvAppSettings } from '../environment.js';
import type { PlatformComponent } from '../platform-components.js';
import { canaryKind } from './canary/index.js';
import type { DeliveryKindModule, Problem } from './delivery-kind.js';
import { deploymentKind } from './deployment/index.js';
import { knativeKind } from './knative/index.js';

export type { Problem } from './delivery-kind.js';
export { defineDeliveryKind } from './delivery-kind.js';

/** A list of delivery kinds, in the order messages and the env schema list them. */
export type DeliveryKindRegistry = readonly DeliveryKindModule[];

export const DELIVERY_KIND_REGISTRY: DeliveryKindRegistry = [deploymentKind, canaryKind, knativeKind];

/** The kinds' names, in registry order. */
export function deliveryKindNames(registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY): string[] {
  return registry.map((k) => k.name);
}

/** The module of a kind, by name; undefined when the registry has none. */
function deliveryKind(name: string, registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY): DeliveryKindModule | undefined {
  return registry.find((k) => k.name === name);
}

/** Inference table: the platform components each kind needs, for kinds that need any. */
export function componentsNeededByKind(
  registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY,
): Record<string, readonly PlatformComponent[]> {
  return Object.fromEntries(registry.filter((k) => k.requires.length > 0).map((k) => [k.name, k.requires]));
}

/**
 * The inference table in words, for usage and help texts that name it (`argo-rollouts, istio,
 * prometheus for canary; knative-serving, istio for knative`), so no text lists components by hand.
 */
export function componentsNeededText(registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY): string {
  return Object.entries(componentsNeededByKind(registry))
    .map(([kind, components]) => `${components.join(', ')} for ${kind}`)
    .join('; ');
}

/**
 * The `envs/env.schema.json` definitions the kinds own: `delivery` (one optional key per kind that
 * takes overrides, at most one given) and each kind's own definitions.
 */
export function deliveryEnvSchemaDefinitions(
  registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY,
): Record<string, Record<string, unknown>> {
  const withOverrides = registry.filter((k) => k.envOverride);
  const definitions: Record<string, Record<string, unknown>> = {
    delivery: {
      description: "Overrides of the app's delivery settings; the key names the app's delivery kind.",
      type: 'object',
      additionalProperties: false,
      maxProperties: 1,
      properties: Object.fromEntries(withOverrides.map((k) => [k.name, { $ref: `#/definitions/${k.name}` }])),
    },
  };
  for (const kind of withOverrides) {
    const own = kind.envOverride!.definitions;
    if (!own[kind.name]) throw new Error(`delivery kind ${kind.name}: its env override schema has no definition named '${kind.name}'`);
    for (const [key, schema] of Object.entries(own)) {
      if (definitions[key]) throw new Error(`delivery kind ${kind.name}: env schema definition '${key}' is defined twice`);
      definitions[key] = structuredClone(schema);
    }
  }
  return definitions;
}

/**
 * An env-file schema with its delivery parts taken from the registry: the kinds' definitions
 * replace the ones of the same name (or are added), in place, so the rest of the file keeps its
 * order. What `envs/env.schema.json` must equal (test/generators/delivery-kinds.test.ts).
 */
export function withDeliveryKinds(
  schema: Record<string, unknown>,
  registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY,
): Record<string, unknown> {
  const own = deliveryEnvSchemaDefinitions(registry);
  const definitions = { ...(schema.definitions as Record<string, unknown>) };
  for (const [key, value] of Object.entries(own)) definitions[key] = value;
  return { ...schema, definitions };
}

/** The loader's words for schema errors inside the kinds' override definitions. */
export function deliveryEnvMessages(registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY): Array<[RegExp, string]> {
  return registry.flatMap((k) => (k.envOverride?.messages ?? []).map(([re, message]) => [re, message] as [RegExp, string]));
}

/**
 * Checks of a definition's delivery: a registered kind, then that kind's own rules. Fields as
 * `defineApp` takes them (`delivery`, `delivery.steps[2].setWeight`, `port`).
 */
export function checkDeliveryDefinition(app: AppDefinition, registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY): Problem[] {
  const kind = deliveryKind(String(app.delivery?.kind), registry);
  if (!kind) return [['delivery', `unknown delivery '${String(app.delivery?.kind)}' (known: ${deliveryKindNames(registry).join(', ')})`]];
  return kind.checkDefinition?.(app) ?? [];
}

/**
 * Checks of an env's delivery overrides of one app: only the app's own kind may be overridden,
 * and by that kind's rules. `field` names the app in the env file (`apps.<app>`).
 */
export function checkDeliveryOverrides(
  app: AppDefinition,
  settings: EnvAppSettings,
  field: string,
  registry: DeliveryKindRegistry = DELIVERY_KIND_REGISTRY,
): Problem[] {
  const problems: Problem[] = [];
  const overrides = (settings.delivery ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(overrides)) {
    if (key !== app.delivery.kind)
      problems.push([`${field}.delivery.${key}`, `'${app.name}' is delivered as ${app.delivery.kind}, not ${key}`]);
  }
  const kind = deliveryKind(app.delivery.kind, registry);
  if (kind?.checkOverride && overrides[kind.name]) problems.push(...kind.checkOverride(app, settings, `${field}.delivery.${kind.name}`));
  return problems;
}
