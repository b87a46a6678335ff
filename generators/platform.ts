/**
 * The whole generation step, pure: validated model in, every file of `out/` out (plus the
 * objects behind them, for validation). No I/O, no clock, no randomness: the same model gives
 * byte-identical files.
 */
import type { AppDefinition } from './app-definition.js';
import type { K8sObject } from './app-objects.js';
import { enabledApps, envOnCluster, type EnvDefinition } from './environment.js';
import type { PlatformContext } from './platform-components.js';
import {
  componentsOn,
  envClusters,
  missingComponents,
  platformPeers,
  prerequisites,
  type MissingComponents,
  type Prerequisite,
} from './prerequisites.js';
import { renderAppForEnv, renderEnvRepo, type RenderedApp } from './env-repo.js';
import { FileTreeBuilder, renderChart, type FileConflict, type FileTree } from './helm-chart.js';
import { knativeFeaturesNeeded, knativeForbiddenFields } from './rules/knative-field-gates.js';
import { durationSeconds, formatDuration } from './rules/prometheus.js';

export interface PlatformModel {
  readonly apps: readonly AppDefinition[];
  readonly envs: readonly EnvDefinition[];
  /**
   * Envs that share a cluster with `envs` but are not generated (a promotion renders one env):
   * their platform components and apps still decide what that cluster's components need.
   * @default []
   */
  readonly peers?: readonly EnvDefinition[];
  /**
   * The slipway version generating, recorded in each env repo's README so an upgrade shows in
   * `slipway plan` as what it changes. @default - not recorded
   */
  readonly slipwayVersion?: string;
}

interface GeneratedEnv {
  readonly env: EnvDefinition;
  readonly apps: readonly RenderedApp[];
  readonly argocd: readonly K8sObject[];
}

/** Something that would not come up on the cluster, found before anything is written. */
interface ClusterRefusal {
  readonly env: string;
  readonly app: string;
  readonly message: string;
}

export interface GeneratedPlatform {
  /** Paths relative to `out/`, sorted. */
  readonly files: FileTree;
  readonly envs: readonly GeneratedEnv[];
  /** Platform components an env's apps need and no env on their cluster installs. */
  readonly missingPlatform: readonly MissingComponents[];
  /** What the clusters must provide that slipway does not install. */
  readonly prerequisites: readonly Prerequisite[];
  /**
   * What a cluster's controllers would refuse, and files two sources would generate at one path
   * (the second would silently replace the first); synth stops on these.
   */
  readonly refusals: readonly ClusterRefusal[];
}

export function generatePlatform(model: PlatformModel): GeneratedPlatform {
  const tree = new FileTreeBuilder();
  const conflicts: Array<{ env: string; conflict: FileConflict }> = [];
  const apps = new Map(model.apps.map((a) => [a.name, a]));
  const charts = new Map<string, FileTree>();
  for (const app of [...model.apps].sort((a, b) => a.name.localeCompare(b.name))) {
    const chart = renderChart(app);
    charts.set(app.name, chart);
    for (const [path, content] of chart)
      tree.set(`charts/${app.name}/${path}`, content, { app: app.name, what: `app ${app.name}'s chart` });
  }
  const envs = [...model.envs].sort((a, b) => a.name.localeCompare(b.name));
  const everyEnv = [...envs, ...(model.peers ?? [])];
  // Every env's apps first: a cluster's platform depends on what all envs on it run.
  const rendered = new Map(everyEnv.map((env) => [env.name, renderApps(env, apps)]));
  // Once per env: it walks every object on the env's clusters, and prerequisites ask per component.
  const contexts = new Map<string, PlatformContext>();
  const contextOf = (env: EnvDefinition) => {
    let context = contexts.get(env.name);
    if (!context) contexts.set(env.name, (context = platformContext(env, everyEnv, rendered)));
    return context;
  };
  const needs = prerequisites(envs, everyEnv, rendered, contextOf);
  const generated: GeneratedEnv[] = [];
  for (const env of envs) {
    const repo = renderEnvRepo(env, apps, charts, {
      rendered: rendered.get(env.name)!,
      context: contextOf(env),
      prerequisites: needs.filter((n) => n.env === env.name),
      platformPeers: platformPeers(env, everyEnv),
      slipwayVersion: model.slipwayVersion,
    });
    for (const [path, content] of repo.files) tree.set(`envs/${env.name}/${path}`, content, { what: `env ${env.name}'s repo` });
    conflicts.push(...repo.conflicts.map((conflict) => ({ env: env.name, conflict })));
    generated.push({ env, apps: repo.apps, argocd: repo.argocd });
  }
  conflicts.push(...tree.conflicts.map((conflict) => ({ env: envs[0]?.name ?? '', conflict })));
  const sorted: FileTree = new Map([...tree.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    files: sorted,
    envs: generated,
    missingPlatform: missingComponents(model.apps, envs, everyEnv),
    prerequisites: needs,
    refusals: [...knativeRefusals(envs, everyEnv, rendered), ...conflicts.map(({ env, conflict }) => conflictRefusal(env, conflict))],
  };
}

/** Two sources of one file, as a refusal naming both and what to rename. */
function conflictRefusal(env: string, { path, first, second }: FileConflict): ClusterRefusal {
  const app = second.app ?? first.app ?? '';
  const fix = first.app && first.app === second.app ? 'give one of the two objects another name' : `rename app ${app}`;
  return { env, app, message: `${path} would be generated twice, by ${first.what} and by ${second.what}; ${fix}` };
}

/** The env's apps rendered for it; a fleet renders each cluster (its overrides may change objects). */
function renderApps(env: EnvDefinition, apps: ReadonlyMap<string, AppDefinition>): RenderedApp[] {
  const views = env.fleet ? env.fleet.map((c) => envOnCluster(env, c)) : [env];
  return enabledApps(env).map((name) => ({ app: name, objects: views.flatMap((view) => renderAppForEnv(apps.get(name)!, view)) }));
}

/** The apps' objects of every env sharing a cluster with `env` (itself included). */
function objectsOnClustersOf(env: EnvDefinition, envs: readonly EnvDefinition[], rendered: ReadonlyMap<string, readonly RenderedApp[]>) {
  const servers = new Set(envClusters(env).map((c) => c.server));
  return envs
    .filter((e) => envClusters(e).some((c) => servers.has(c.server)))
    .flatMap((e) => (rendered.get(e.name) ?? []).flatMap((r) => r.objects.map((object) => ({ env: e, app: r.app, object }))));
}

/**
 * What an env's platform components must know of the apps on their clusters: Prometheus scrapes
 * as often as the shortest canary analysis interval; Knative enables the features its apps' pod
 * specs use.
 */
function platformContext(
  env: EnvDefinition,
  envs: readonly EnvDefinition[],
  rendered: ReadonlyMap<string, readonly RenderedApp[]>,
): PlatformContext {
  const objects = objectsOnClustersOf(env, envs, rendered);
  const intervals = objects
    .filter((o) => o.object.kind === 'AnalysisTemplate')
    .flatMap((o) => ((o.object.spec as { metrics?: Array<{ interval?: string }> }).metrics ?? []).map((m) => m.interval))
    .filter((i): i is string => typeof i === 'string');
  const shortest = intervals.length ? formatDuration(Math.min(...intervals.map(durationSeconds))) : undefined;
  const features = new Set(
    objects.filter((o) => isKnativeService(o.object)).flatMap((o) => knativeFeaturesNeeded(o.object).map((f) => f.flag)),
  );
  return { ...(shortest ? { scrapeInterval: shortest } : {}), knativeFeatures: [...features].sort() };
}

function isKnativeService(obj: K8sObject): boolean {
  return obj.apiVersion === 'serving.knative.dev/v1' && obj.kind === 'Service';
}

/**
 * Knative's webhook refuses a Service whose pod spec uses a gated field while its feature is off.
 * slipway turns features on in the KnativeServing it manages; on a cluster without one, it
 * cannot, so synth refuses rather than write a Service that will never run.
 */
function knativeRefusals(
  envs: readonly EnvDefinition[],
  everyEnv: readonly EnvDefinition[],
  rendered: ReadonlyMap<string, readonly RenderedApp[]>,
): ClusterRefusal[] {
  const out = new Map<string, ClusterRefusal>();
  for (const env of envs) {
    const managed = envClusters(env).every((c) => componentsOn(everyEnv, c.server).has('knative-serving'));
    for (const { app, objects } of rendered.get(env.name) ?? []) {
      for (const service of objects.filter(isKnativeService)) {
        for (const { field, reason } of knativeForbiddenFields(service)) {
          const message = `Knative Serving never accepts ${field} in a Service (${reason})`;
          out.set(`${env.name} ${app} ${message}`, { env: env.name, app, message });
        }
        if (managed) continue;
        for (const { flag, field } of knativeFeaturesNeeded(service)) {
          const message = `uses ${field}, which Knative refuses unless feature '${flag}' is enabled; add knative-serving to platform: of an env on its cluster, so slipway's KnativeServing enables it`;
          out.set(`${env.name} ${app} ${message}`, { env: env.name, app, message });
        }
      }
    }
  }
  return [...out.values()];
}
