/**
 * The whole generation step, pure: validated model in, every file of `out/` out (plus the
 * objects behind them, for validation). No I/O, no clock, no randomness: the same model gives
 * byte-identical files.
 */
import type { AppDefinition } from './app-definition.js';
import type { K8sObject } from './app-objects.js';
import { enabledApps, type EnvDefinition } from './environment.js';
import { NEEDED_BY } from './platform-components.js';
import { renderEnvRepo, type RenderedApp } from './env-repo.js';
import { renderChart, type FileTree } from './helm-chart.js';

export interface PlatformModel {
  readonly apps: readonly AppDefinition[];
  readonly envs: readonly EnvDefinition[];
}

export interface GeneratedEnv {
  readonly env: EnvDefinition;
  readonly apps: readonly RenderedApp[];
  readonly argocd: readonly K8sObject[];
}

export interface GeneratedPlatform {
  /** Paths relative to `out/`, sorted. */
  readonly files: FileTree;
  readonly envs: readonly GeneratedEnv[];
  /** Platform components an env's apps need and no env on its cluster installs. */
  readonly missingPlatform: ReadonlyArray<{ env: string; app: string; missing: readonly string[] }>;
}

export function generatePlatform(model: PlatformModel): GeneratedPlatform {
  const files: FileTree = new Map();
  const apps = new Map(model.apps.map((a) => [a.name, a]));
  const charts = new Map<string, FileTree>();
  for (const app of [...model.apps].sort((a, b) => a.name.localeCompare(b.name))) {
    const chart = renderChart(app);
    charts.set(app.name, chart);
    for (const [path, content] of chart) files.set(`charts/${app.name}/${path}`, content);
  }
  const envs: GeneratedEnv[] = [];
  for (const env of [...model.envs].sort((a, b) => a.name.localeCompare(b.name))) {
    const repo = renderEnvRepo(env, apps, charts);
    for (const [path, content] of repo.files) files.set(`envs/${env.name}/${path}`, content);
    envs.push({ env, apps: repo.apps, argocd: repo.argocd });
  }
  const sorted: FileTree = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, envs, missingPlatform: missingPlatform(model) };
}

/**
 * Inference: a canary app needs Argo Rollouts, Istio and Prometheus in its cluster, a Knative app
 * Knative Serving. Components count when any env on the same cluster declares them (one cluster's
 * controllers are installed once).
 */
function missingPlatform(model: PlatformModel): Array<{ env: string; app: string; missing: string[] }> {
  const apps = new Map(model.apps.map((a) => [a.name, a]));
  const onCluster = (server: string) => new Set(model.envs.filter((e) => e.cluster.server === server).flatMap((e) => e.platform.map((p) => p.component)));
  const out: Array<{ env: string; app: string; missing: string[] }> = [];
  for (const env of model.envs) {
    const have = onCluster(env.cluster.server);
    for (const name of enabledApps(env)) {
      const needed = NEEDED_BY[apps.get(name)?.delivery.kind ?? ''] ?? [];
      const missing = needed.filter((c) => !have.has(c));
      if (missing.length) out.push({ env: env.name, app: name, missing });
    }
  }
  return out;
}
