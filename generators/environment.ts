/**
 * An environment as the loader hands it to the generators: `envs/<env>.yaml` validated, with
 * every default resolved. The file format itself is documented by `envs/env.schema.json`; the
 * defaults named below (`ENV_DEFAULTS…`) are in `./env-defaults.ts`.
 */
import type { AutoscalingProps, ResourceProps } from './app-definition.js';
import type { PlatformChoice } from './platform-components.js';
import type { GatewayServiceType } from './rules/istio-gateway.js';

/**
 * An environment's changes to an app's delivery settings, under the delivery kind's name. Each
 * kind that takes overrides adds its key in its module (declaration merging), beside the schema
 * fragment that validates it.
 * @public exported for the kinds' `declare module` augmentation, not imported by name
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the delivery kinds (declaration merging)
export interface DeliveryOverrides {}

/** The Argo CD destination cluster. */
export interface ClusterRef {
  /** Name Argo CD knows the cluster by. @default ENV_DEFAULTS['cluster.name'] */
  readonly name: string;
  /** API server URL. @default ENV_DEFAULTS['cluster.server'] */
  readonly server: string;
}

/** One cluster of a fleet environment, with its overrides. */
export interface FleetCluster extends ClusterRef {
  readonly apps: Readonly<Record<string, { readonly replicas?: number; readonly host?: string }>>;
}

/** Where the environment repo lives and what Argo CD pulls. */
export interface EnvRepo {
  /** How slipway reaches it: a GitHub `owner/name`, any git URL, or a local path. */
  readonly kind: 'github' | 'url' | 'path';
  /** As written in the env file. */
  readonly location: string;
  /** The URL Argo CD pulls from (`repoURL` of every Application). */
  readonly url: string;
  /** Branch Argo CD follows and slipway commits to. @default ENV_DEFAULTS.branch */
  readonly branch: string;
  /** GitHub settings (kind `github` only). */
  readonly github?: {
    /** @default ENV_DEFAULTS['github.apiUrl'] */
    readonly apiUrl: string;
    /** @default ENV_DEFAULTS['github.visibility'] */
    readonly visibility: 'private' | 'public';
    /** @default ENV_DEFAULTS['github.branchProtection'] */
    readonly branchProtection: boolean;
  };
}

/** One app's settings in one environment. Unset fields fall back to the app definition. */
export interface EnvAppSettings {
  /** Image tag, always a string (`1.10` stays `1.10`). */
  readonly tag: string;
  /** @default ENV_DEFAULTS['apps.*.enabled'] */
  readonly enabled: boolean;
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingProps | false;
  readonly resources?: ResourceProps;
  /** Host override. @default - the env's host pattern */
  readonly host?: string;
  /** Extra or overridden literal environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly delivery?: DeliveryOverrides;
  /**
   * Follow the image registry: `slipway track` and `promote --latest` pick the newest tag this
   * policy allows. Not rendered: the env repo never sees it. @default - not tracked
   */
  readonly track?: TrackPolicy;
}

/**
 * Which registry tags an app follows in an env (as Flux's ImagePolicy or Argo CD Image Updater's
 * update strategies): a `semver` range, or `allowTags` (and `extract`) ordered by `order`.
 */
export interface TrackPolicy {
  /** A semver range (`~2.9`, `>=1.2 <2`); pre-releases only when the range names one. */
  readonly semver?: string;
  /** Only tags this regular expression matches (JavaScript syntax, unanchored unless written `^…$`). */
  readonly allowTags?: string;
  /** Tags this regular expression matches are never picked. */
  readonly ignoreTags?: string;
  /** What of an allowed tag is ordered: `$1`, `$<name>` of allowTags' groups (Flux's filterTags.extract). @default - the whole tag */
  readonly extract?: string;
  /** How tags (or what `extract` takes of them) are ordered, newest last. @default 'semver' */
  readonly order: 'semver' | 'numeric' | 'alphabetical';
  /** Pin the tag's digest: `tag@sha256:…` (the index's digest for a multi-platform image). */
  readonly digest: boolean;
  /** `slipway track` commits it on its own (otherwise only `promote --latest` does). */
  readonly auto: boolean;
}

export interface EnvDefinition {
  readonly name: string;
  /** Namespace the env's apps run in. */
  readonly namespace: string;
  readonly domain: string;
  /** `{app}`, `{env}` and `{domain}` are substituted. @default ENV_DEFAULTS.hostPattern */
  readonly hostPattern: string;
  /** The destination cluster (a fleet's first cluster). */
  readonly cluster: ClusterRef;
  /** A fleet: several clusters; one ApplicationSet per app fans out to them. */
  readonly fleet?: readonly FleetCluster[];
  /** Namespace Argo CD runs in (and where the Applications and AppProject live). @default ENV_DEFAULTS['argocd.namespace'] */
  readonly argocdNamespace: string;
  readonly repo: EnvRepo;
  /** The environment whose committed tags this one promotes from. */
  readonly promotesFrom: string | undefined;
  /** @default ENV_DEFAULTS.promotion */
  readonly promotion: 'direct' | 'pr';
  /** Forbid floating tags (`latest`, empty). @default ENV_DEFAULTS.pinnedTags */
  readonly pinnedTags: boolean;
  /** Every tag must carry a digest (`2.9.17@sha256:…`). @default ENV_DEFAULTS.requireDigests */
  readonly requireDigests: boolean;
  /** Prometheus address canary analysis queries. @default ENV_DEFAULTS.prometheus */
  readonly prometheus: string;
  /**
   * `helm`: the env repo holds each app's chart and this env's values; Argo CD renders them.
   * `manifests`: the env repo holds plain rendered manifests; Argo CD applies a directory.
   * @default ENV_DEFAULTS.render
   */
  readonly render: 'helm' | 'manifests';
  /**
   * Service type of the Istio ingress gateway the `istio` component installs. LoadBalancer needs a
   * load-balancer provider (a cloud, MetalLB); NodePort suits kind, minikube and bare metal.
   * @default ENV_DEFAULTS['gateway.serviceType']
   */
  readonly gatewayServiceType: GatewayServiceType;
  /** Platform components Argo CD installs in this env's cluster. @default [] */
  readonly platform: readonly PlatformChoice[];
  /** Apps of this env, by name, in file order. */
  readonly apps: Readonly<Record<string, EnvAppSettings>>;
}

/** The env as one of its fleet's clusters sees it: that cluster, its overrides applied. */
export function envOnCluster(env: EnvDefinition, cluster: FleetCluster): EnvDefinition {
  const apps: Record<string, EnvAppSettings> = {};
  for (const [name, settings] of Object.entries(env.apps)) apps[name] = { ...settings, ...cluster.apps[name] };
  return { ...env, cluster: { name: cluster.name, server: cluster.server }, fleet: undefined, apps };
}

/** Host an app is served on in an environment. */
export function appHost(env: EnvDefinition, app: string): string {
  return env.apps[app]?.host ?? env.hostPattern.replaceAll('{app}', app).replaceAll('{env}', env.name).replaceAll('{domain}', env.domain);
}

/** Name of the Argo CD Application of `app` in `env`: unique when envs share one Argo CD. */
export function applicationName(env: EnvDefinition, app: string): string {
  return `${app}-${env.name}`;
}

/** Names of the apps an environment deploys, sorted (stable output). */
export function enabledApps(env: EnvDefinition): string[] {
  return Object.keys(env.apps)
    .filter((name) => env.apps[name]!.enabled)
    .sort();
}
