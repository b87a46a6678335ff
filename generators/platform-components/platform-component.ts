/**
 * What a platform component is: one module (`platform-components/<name>.ts`) that declares its
 * chart pins, the Argo CD Applications it needs in an env (namespace, sync wave, values from the
 * env, ignoreDifferences, which clusters), the cluster-scoped kinds its charts install, the
 * custom resources it serves (what delivery kinds rely on it for), and any file it adds to the
 * env repo. A new component is its module plus one line in `platform-components/index.ts`.
 *
 * The values are only what slipway needs to differ from each chart's defaults: the tests render
 * every pinned chart with exactly these values (`test/platform/upstream-charts.test.ts`), so a
 * value that breaks a chart's own validation, renders random data or asks for a big node fails
 * there, not on a cluster.
 */
import type { GroupKind, IgnoreDifference } from '../argocd.js';
import type { EnvDefinition } from '../environment.js';
import type { K8sObject } from '../objects/k8s-object.js';

/** Sync waves: CRDs and webhooks first, then controllers, then config that needs their CRDs, then apps (0). */
export const WAVES = { crds: -30, controllers: -20, config: -10, apps: 0 } as const;

/** Where Argo CD itself runs: the cluster Argo CD is installed in, as Argo CD names it. */
export const ARGOCD_CLUSTER = 'https://kubernetes.default.svc';

/** An upstream Helm chart at a pinned version. */
export interface ChartSource {
  readonly repoURL: string;
  readonly chart: string;
  /** Pinned: an exact version, never a range. */
  readonly version: string;
  /**
   * Whether the test suite renders this pin from the shared upstream chart packages. Pins that
   * are not there are slipway's best knowledge, unverified here; the tests list them by name.
   */
  readonly rendered: boolean;
}

/** A Secret made by hand (or by a secrets operator), never committed: its values must not reach Git. */
export interface SecretNeed {
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
}

/** What components need to know beyond the env itself. */
export interface PlatformContext {
  /** Prometheus scrape interval: the shortest canary analysis interval on the cluster. @default - the chart's (1m) */
  readonly scrapeInterval?: string;
  /** Knative features the cluster's Knative apps need turned on (`config-features`). */
  readonly knativeFeatures: readonly string[];
}

/** One Application a component needs. */
export interface PlatformApplication {
  readonly name: string;
  /** The component's name. */
  readonly component: string;
  readonly namespace: string;
  readonly wave: number;
  /** @default - the Application's name (`name`) */
  readonly releaseName?: string;
  /**
   * `argocd`: only the cluster Argo CD runs in (Argo CD itself); `every`: each cluster of the env.
   * @default 'every'
   */
  readonly clusters?: 'argocd' | 'every';
  /** A chart (a key of the component's `charts`) with its values, or a folder of this env repo. */
  readonly source: { readonly chart: string; readonly values: Record<string, unknown> } | { readonly path: string };
  /** @default - none */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /** What the cluster must provide for it, that slipway does not install. @default [] */
  readonly prerequisites?: readonly string[];
  /** Secrets it reads that must be created outside Git. @default [] */
  readonly secrets?: readonly SecretNeed[];
}

/** A file a component adds to the env repo: an object (validated with the rest), or text. */
type EnvRepoFile =
  | { readonly path: string; readonly what: string; readonly object: K8sObject }
  | { readonly path: string; readonly what: string; readonly text: string };

/** One platform component. */
export interface PlatformComponentModule<N extends string = string> {
  /** The name env files list under `platform:`. */
  readonly name: N;
  /** The upstream charts its Applications install, by key (`istio-base`, `istiod`). */
  readonly charts: Readonly<Record<string, ChartSource>>;
  /** Its Applications in `env`; the first is named after the component (the one `version:` re-pins). */
  applications(env: EnvDefinition, context: PlatformContext): PlatformApplication[];
  /**
   * Cluster-scoped kinds its charts install, which the `<env>-platform` AppProject must permit
   * (Namespace is permitted for every component: CreateNamespace=true creates theirs).
   */
  readonly clusterKinds: readonly GroupKind[];
  /**
   * Custom resources it serves: what a delivery kind that renders them relies on it for (the
   * inference tables are held to this by test/generators/delivery-kinds.test.ts). @default []
   */
  readonly provides?: readonly GroupKind[];
  /** Files it adds to the env repo besides its Applications. @default - none */
  envRepoFiles?(env: EnvDefinition, context: PlatformContext): EnvRepoFile[];
}

/** Declares a component; the identity function, there to keep its name a literal type. */
export function definePlatformComponent<const N extends string>(module: PlatformComponentModule<N>): PlatformComponentModule<N> {
  return module;
}
