/**
 * What a delivery kind is: one module (`delivery-kinds/<kind>/index.ts`) that declares everything
 * slipway needs to know about it, so that a new kind is that module plus one line in
 * `delivery-kinds/index.ts`, and nothing else to find by grep.
 *
 * A kind's typed settings ride on `Delivery` under the kind's name (`delivery.canary`), as env
 * files write their overrides (`apps.<app>.delivery.canary`); a module adds those keys to
 * `Delivery`, `DeliveryOverrides` and `ChartValues` by declaration merging, in its own file.
 */
import type { AppDefinition } from '../app-definition.js';
import type { GroupKind, IgnoreDifference } from '../argocd.js';
import type { ValueDoc } from '../chart-values.js';
import type { EnvAppSettings, EnvDefinition } from '../environment.js';
import type { Document } from '../objects/workload.js';
import type { PlatformComponent } from '../platform-components.js';
import type { ValueSource } from '../value-source.js';

/** A problem with a setting: the field (as the file names it) and what is wrong. */
export type Problem = [field: string, message: string];

/** The part of `envs/env.schema.json` a kind owns: `apps.<app>.delivery.<kind>`. */
export interface EnvOverrideSchema {
  /**
   * JSON Schema definitions (`#/definitions/<key>`) the kind adds; the one named after the kind is
   * what `delivery.<kind>` refers to. Keys must not collide with other kinds' or the file's own.
   */
  readonly definitions: Readonly<Record<string, Record<string, unknown>>>;
  /**
   * Friendlier words for the loader's schema errors inside these definitions, matched against
   * ajv's `schemaPath`, or against `<keyword> <instancePath>`. @default []
   */
  readonly messages?: ReadonlyArray<readonly [RegExp, string]>;
}

/**
 * One delivery kind. `_S` is its resolved settings (what `Delivery.<kind>(props)` stores): a
 * phantom no member reads, there so `Delivery.of(kind, settings)` infers the settings' type.
 */
export interface DeliveryKindModule<_S = unknown> {
  /** The name env files, error messages and `Delivery.kind` use: DNS-1035 label style. */
  readonly name: string;
  /**
   * The app's objects, from a ValueSource: one call gives the chart's templates (symbolic source)
   * and an environment's manifests (concrete source). Documents a toggle may leave out are wrapped
   * in `src.when`.
   */
  documents(app: AppDefinition, src: ValueSource): Document[];
  /**
   * Every API group and kind `documents` can render with every toggle on: what the env's
   * AppProject must permit. buildAppObjects refuses an object of a kind not listed here.
   */
  readonly projectKinds: readonly GroupKind[];
  /**
   * Template file names for kinds whose lower-cased kind would be ambiguous or long, by
   * `<group>/<Kind>` or `<Kind>` (`serving.knative.dev/Service` → `knative-service`). @default {}
   */
  readonly templateFileNames?: Readonly<Record<string, string>>;
  /**
   * The chart's knobs (values.yaml, values.schema.json) for this kind, from the knobs every kind
   * starts from: add the kind's own key, drop what it does not read.
   */
  valuesDoc(base: Readonly<Record<string, ValueDoc>>): Readonly<Record<string, ValueDoc>>;
  /**
   * The kind's own chart values, e.g. `{ canary: {...} }`: in `env` with the app's env settings,
   * or the chart's defaults when `env` is undefined. @default - none
   */
  values?(app: AppDefinition, settings: EnvAppSettings | undefined, env: EnvDefinition | undefined): Record<string, unknown>;
  /** NOTES.txt lines saying how to reach the app; `name` is the chart's fullname include. */
  notes(app: AppDefinition, name: string): string;
  /** What Argo CD must not count as drift in the app's Application. @default - none */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /** Platform components the kind needs on every cluster its apps run on (inference). */
  readonly requires: readonly PlatformComponent[];
  /** Env file overrides (`apps.<app>.delivery.<kind>`). @default - none: env files cannot override */
  readonly envOverride?: EnvOverrideSchema;
  /**
   * Run-time checks of an app definition's delivery settings (fields as `defineApp` takes them:
   * `delivery.steps`, `port`). @default - none
   */
  checkDefinition?(app: AppDefinition): Problem[];
  /**
   * Checks of an env's override, merged with the definition's settings; only problems the env's
   * fields cause. `field` is where the override sits (`apps.<app>.delivery.<kind>`). @default - none
   */
  checkOverride?(app: AppDefinition, settings: EnvAppSettings, field: string): Problem[];
}

/** Declares a kind; the identity function, there for type inference of `S`. */
export function defineDeliveryKind<S>(module: DeliveryKindModule<S>): DeliveryKindModule<S> {
  return module;
}
