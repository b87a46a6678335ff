/**
 * `slipway plan` and `slipway bootstrap`: make each environment's repo hold exactly what synth
 * generates for it, creating the repo when missing, and say what hands it to Argo CD.
 */
import type { EnvDefinition } from '../../generators/environment.js';
import { applicationName, enabledApps } from '../../generators/environment.js';
import { secretCommands } from '../../generators/env-readme.js';
import { ARGOCD_INSTALL_VALUES, ARGOCD_RELEASE, CHARTS, componentApplications } from '../../generators/platform-components.js';
import { platformPeers, type PlatformPeer, type Prerequisite } from '../../generators/prerequisites.js';
import type { Plan } from '../plan/plan.js';
import { ConfigError } from '../core/config-error.js';
import { selectEnvs } from '../load/load-envs.js';
import { generate } from '../synth.js';
import { checkSlipwayHome, ensureArgoCdAccess, needsArgoCdAccess, slipwayHome, type AccessResult } from './argocd-access.js';
import type { EnvRemote } from '../core/env-remote.js';
import { capability } from '../core/remote-capabilities.js';
import { remoteFor } from './remotes.js';
import { sourceCommit } from './source-commit.js';
import { syncEnv, type SyncResult } from './sync-env.js';
import { forEachEnv, resultsOrThrow } from './for-each-env.js';
import { driftError, tagDrift } from '../plan/reconcile-tags.js';
import type { RemoteTree } from '../core/env-remote.js';
import { bootstrapRoute, reviewsBootstrap, syncForReview, type ReviewSyncResult } from './bootstrap-review.js';

/** Refuses to move tags backwards: see plan/reconcile-tags.ts. */
function tagCheck(env: EnvDefinition, options: PublishOptions, warnings: string[]) {
  return async (tree: RemoteTree) => {
    const drift = await tagDrift(tree, env);
    if (drift.length === 0) return;
    if (!options.force) throw driftError(env, drift);
    warnings.push(
      `--force: writing envs/${env.name}.yaml's tags over the env repo's (${drift.map((d) => `${d.app} ${d.repo} → ${d.local}`).join(', ')})`,
    );
  };
}

export interface PublishOptions {
  readonly root: string;
  /** Environments to work on. @default - all */
  readonly envs?: readonly string[];
  readonly crdsDir?: string;
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly debug?: (line: string) => void;
  /** Write the platform repo's tags even where the env repo holds others. */
  readonly force?: boolean;
  /**
   * Put uncommitted changes of charts-src/ or envs/ up for review in `promotion: pr` envs
   * (normally refused: a reviewed env takes only what the platform repo has committed).
   */
  readonly allowDirty?: boolean;
}

export interface EnvPublishResult {
  readonly env: string;
  readonly remote: string;
  /** The env repo's branch the plan is against (what a saved plan records). */
  readonly repoBranch: string;
  readonly plan: Plan;
  readonly created: boolean;
  readonly commit: string | undefined;
  readonly access?: AccessResult;
  readonly protection?: 'protected' | 'already' | 'unavailable';
  readonly handOver: readonly string[];
  readonly warnings: readonly string[];
  /** `promotion: pr` envs: which path bootstrap takes (plan) or took (bootstrap), one line. */
  readonly route?: string;
  /** The review branch bootstrap committed to, and its pull request (GitHub). */
  readonly branch?: string;
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly created: boolean };
}

/** `promotion: pr` envs take only committed sources, unless --allow-dirty. */
function dirtyRefusal(reviewed: readonly EnvDefinition[]): ConfigError {
  const names = reviewed.map((e) => e.name);
  const list = names.length === 1 ? `${names[0]} takes` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} take`;
  return new ConfigError(
    `the platform repo has uncommitted changes in charts-src/ or envs/, and ${list} changes through review (promotion: pr): ` +
      'commit them first, or pass --allow-dirty to put them up for review as they are',
  );
}

/** Generates once and selects the envs; the files of each env repo, relative to its root. */
async function prepare(options: PublishOptions) {
  const generated = await generate({ root: options.root, crdsDir: options.crdsDir });
  const envs = selectEnvs(
    generated.output.envs.map((e) => e.env),
    options.envs,
  );
  const filesOf = (files: ReadonlyMap<string, string>, env: string) => {
    const prefix = `envs/${env}/`;
    return new Map([...files].filter(([p]) => p.startsWith(prefix)).map(([p, c]) => [p.slice(prefix.length), c]));
  };
  // Re-render on a retry: the sources are read again, so the commit reflects them as they are then.
  const render =
    (env: string, first = { used: false }) =>
    async () => {
      if (!first.used) {
        first.used = true;
        return filesOf(generated.output.files, env);
      }
      return filesOf((await generate({ root: options.root, crdsDir: options.crdsDir })).output.files, env);
    };
  return {
    envs,
    render,
    validation: generated.validation,
    // What the hand-over needs of the whole platform: the env's prerequisites and the envs on its clusters.
    handOverContext: (env: EnvDefinition): HandOverContext => ({
      prerequisites: generated.output.prerequisites.filter((p) => p.env === env.name),
      platformPeers: platformPeers(
        env,
        generated.output.envs.map((e) => e.env),
      ),
    }),
  };
}

/** Every env's remote, made up front: a bad token or setting stops the run before anything is read or written. */
function remotesFor(envs: readonly EnvDefinition[], options: PublishOptions): Map<EnvDefinition, EnvRemote> {
  const ctx = { root: options.root, environment: options.environment, log: options.log, debug: options.debug };
  return new Map(envs.map((env) => [env, remoteFor(env, ctx)]));
}

/** What bootstrap will ask `env`'s remote for: a remote that cannot do it stops the run before the first write. */
function requireCapabilities(env: EnvDefinition, remote: EnvRemote): void {
  if (reviewsBootstrap(env)) capability(remote, 'pullRequests');
  if (needsArgoCdAccess(env)) capability(remote, 'readAccess');
  if (env.repo.github?.branchProtection) capability(remote, 'branchProtection');
}

/** Whether the env repo exists yet (without creating it); a remote that cannot tell is read as it is. */
async function repoExists(remote: EnvRemote): Promise<boolean> {
  return (await remote.capabilities.existence?.exists()) ?? true;
}

/** `slipway plan`: what bootstrap would change in each env repo. Writes nothing anywhere. */
export async function planEnvs(options: PublishOptions): Promise<EnvPublishResult[]> {
  const { envs, render } = await prepare(options);
  const remotes = remotesFor(envs, options);
  // Every env it can reach is planned; one that fails does not stop the others (EnvFailuresError).
  return resultsOrThrow(
    await forEachEnv(envs, async (env): Promise<EnvPublishResult> => {
      const remote = remotes.get(env)!;
      options.log(`${env.name}: reading ${remote.description}`);
      const exists = await repoExists(remote);
      const warnings = exists ? [] : [`${remote.description} does not exist yet; bootstrap creates it`];
      let read: RemoteTree | undefined;
      const plan = (
        await syncEnv({
          env: env.name,
          remote: exists ? remote : emptyRemote(remote),
          render: render(env.name),
          title: () => '',
          trailers: {},
          dryRun: true,
          check: async (tree) => {
            read = tree;
            await tagCheck(env, options, warnings)(tree);
          },
        })
      ).plan;
      // A reviewed env: which path bootstrap takes, and that it would refuse uncommitted sources.
      const route =
        reviewsBootstrap(env) && plan.changes.length > 0 && read ? bootstrapRoute(env.name, remote, read, env.repo.branch) : undefined;
      if (route && !options.allowDirty && (await sourceCommit(options.root)).endsWith('-dirty'))
        warnings.push(`bootstrap would refuse: ${dirtyRefusal([env]).problems[0]!}`);
      return {
        env: env.name,
        remote: remote.description,
        repoBranch: env.repo.branch,
        plan,
        created: false,
        commit: undefined,
        handOver: [],
        warnings,
        route,
      };
    }),
  );
}

/** `slipway bootstrap`: create missing repos, commit what changed, set up Argo CD's access. */
export async function bootstrapEnvs(options: PublishOptions & { readonly dryRun?: boolean }): Promise<EnvPublishResult[]> {
  if (options.dryRun) return planEnvs(options);
  const { envs, render, handOverContext } = await prepare(options);
  // Everything checkable is checked before the first write: credentials, timeouts, the home.
  const remotes = remotesFor(envs, options);
  for (const [env, remote] of remotes) requireCapabilities(env, remote);
  const home = slipwayHome(options.environment);
  if (envs.some(needsArgoCdAccess)) checkSlipwayHome(home, options.environment);
  const source = await sourceCommit(options.root);
  const reviewed = envs.filter(reviewsBootstrap);
  if (reviewed.length > 0 && source.endsWith('-dirty') && !options.allowDirty) throw dirtyRefusal(reviewed);
  const results: EnvPublishResult[] = [];
  for (const env of envs) {
    const remote = remotes.get(env)!;
    options.log(`${env.name}: checking ${remote.description}`);
    const { created } = await remote.ensure();
    if (created) options.log(`${env.name}: created ${remote.description}`);
    const warnings: string[] = [];
    // A `promotion: pr` env: through a review branch (pull request), see bootstrap-review.ts.
    const sync: SyncResult & Partial<ReviewSyncResult> = await (reviewsBootstrap(env) ? syncForReview : syncEnv)({
      branch: env.repo.branch,
      check: tagCheck(env, options, warnings),
      env: env.name,
      remote,
      render: render(env.name),
      title: (plan) =>
        `slipway: sync ${env.name} (${plan.summary.add} added, ${plan.summary.change} changed, ${plan.summary.destroy} removed)`,
      trailers: { 'Slipway-Env': env.name, 'Slipway-Source-Commit': source },
      log: options.log,
    });
    options.log(
      sync.commit
        ? `${env.name}: committed ${sync.commit.slice(0, 12)}${sync.branch ? ` to ${sync.branch}` : ''}`
        : `${env.name}: up to date, nothing to commit`,
    );
    let access: AccessResult | undefined;
    let protection: EnvPublishResult['protection'];
    if (needsArgoCdAccess(env)) {
      access = await ensureArgoCdAccess(capability(remote, 'readAccess'), env, home, options.environment);
      if (access.created) options.log(`${env.name}: added a read-only deploy key; Argo CD's repository Secret is in ${access.secretFile}`);
    }
    if (env.repo.github?.branchProtection) {
      const guard = capability(remote, 'branchProtection');
      if (await guard.isProtected()) protection = 'already';
      else {
        const protect = await guard.protect();
        if (protect.done) protection = 'protected';
        else {
          protection = 'unavailable';
          warnings.push(`${remote.description}: ${protect.reason}; ${env.repo.branch} is unprotected`);
        }
      }
    }
    results.push({
      env: env.name,
      remote: remote.description,
      repoBranch: env.repo.branch,
      plan: sync.plan,
      created,
      commit: sync.commit,
      access,
      protection,
      handOver: handOver(env, access, handOverContext(env)),
      warnings,
      route: sync.route,
      branch: sync.branch,
      pullRequest: sync.pullRequest,
    });
  }
  return results;
}

/** What the hand-over needs beyond the env: from the generated platform. */
export interface HandOverContext {
  /** What the env's clusters must provide; the Secrets among them are created in the hand-over. */
  readonly prerequisites: readonly Prerequisite[];
  /** Other envs installing controllers on the env's clusters, handed over first. */
  readonly platformPeers: readonly PlatformPeer[];
}

/**
 * What a person runs once so Argo CD takes over the environment: the commands of the env README's
 * "Hand-over, once per cluster", with paths under out/.
 */
export function handOver(env: EnvDefinition, access: AccessResult | undefined, context: HandOverContext): string[] {
  // Everything the root syncs from apps/: the platform components' Applications, then the apps'.
  const platform = env.platform.flatMap((c) =>
    componentApplications(env, c.component, { knativeFeatures: [] }).map((pa) => `${env.name}-${pa.name}`),
  );
  const apps = [...platform, ...enabledApps(env).map((a) => applicationName(env, a))];
  const argocd = CHARTS['argo-cd']!;
  const managesArgoCd = env.platform.some((p) => p.component === 'argo-cd');
  const peers = env.platform.length === 0 ? context.platformPeers : [];
  const peersBringArgoCd = peers.some((p) => p.components.includes('argo-cd'));
  const secrets = secretCommands(context.prerequisites);
  return [
    `Hand ${env.name} over to Argo CD, once, in the cluster that runs it (out/envs/${env.name}/README.md lists what the cluster must provide first):`,
    ...(peers.length
      ? [
          `  # First hand over ${peers.map((p) => p.env).join(', ')}: ${peersBringArgoCd ? 'Argo CD and every controller' : 'every controller'} ${env.name}'s apps run on come from ${peers.length > 1 ? 'their repos' : 'its repo'} (${env.name} has no platform:).`,
        ]
      : []),
    ...(managesArgoCd
      ? [
          `  helm install ${ARGOCD_RELEASE} ${argocd.chart} --repo ${argocd.repoURL} --version ${argocd.version} --namespace ${env.argocdNamespace} --create-namespace --values out/envs/${env.name}/${ARGOCD_INSTALL_VALUES}`,
          `  # Not over an Argo CD installed from its install.yaml: that one's Deployments have other label selectors, which cannot change, so Application ${env.name}-argo-cd would fail to sync over it. Install as above, or drop argo-cd from platform: in envs/${env.name}.yaml and manage Argo CD yourself.`,
        ]
      : []),
    ...(access ? [`  kubectl apply -f ${access.secretFile}        # read-only deploy key for ${env.repo.url}`] : []),
    ...(secrets.length
      ? ['  # Secrets the cluster must hold, never committed (their namespaces first):', ...secrets.map((c) => `  ${c}`)]
      : []),
    `  kubectl apply --namespace ${env.argocdNamespace} -f out/envs/${env.name}/bootstrap/`,
    `Then Application ${env.name}-root syncs apps/ from ${env.repo.url} (${env.repo.branch}): ${apps.join(', ') || 'no apps'}.`,
  ];
}

/** A remote that reads as empty: planning against a repo that does not exist yet. */
function emptyRemote(remote: EnvRemote): EnvRemote {
  return {
    description: remote.description,
    ensure: async () => ({ created: false }),
    read: async () => ({ head: undefined, blobs: new Map(), read: async () => '' }),
    commit: async () => {
      throw new Error('not writable');
    },
    commits: async () => [],
    capabilities: {},
  };
}
