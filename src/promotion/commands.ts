/** pull, history, rollback and status: the promotion commands around `promote`. */
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import type { RemoteError } from '../core/env-remote.js';
import { join } from 'node:path';
import { loadEnvFiles, selectEnvs } from '../load/load-envs.js';
import { forEachEnv, type EnvFailure } from '../publish/for-each-env.js';
import { remoteFor, type RemoteContext } from '../publish/remotes.js';
import { committedTag, committedTags } from '../plan/committed-tags.js';
import { promoteBundle, type BundleResult } from './bundle.js';
import { appHistory, lastChange, previousTag, type HistoryEntry } from './history.js';
import { withLock } from './lock.js';
import { setTags } from './env-file-edit.js';
import { hasOutDir, outPathsOf, refreshOutEnv, renderEnvFiles } from './out-refresh.js';
import { tagsIn } from './env-file-tags.js';
import { PlatformRepo } from './platform-repo.js';
import { pendingBranches, pendingBundle } from './promotion-branch.js';
import { checkPromotionFlags, promote, type PromoteOptions, type PromoteResult } from './promote.js';
import type { TagDrift } from '../plan/reconcile-tags.js';
import { platformDisagreements, platformSync, tagDisagreements, type Disagreement, type PlatformSync } from './two-repos.js';

export interface CommandContext extends RemoteContext {
  readonly envs?: readonly string[];
}

/**
 * The env files, validated: all these commands read (status, history, pull, rollback's checks).
 * Not the whole project: no app file is loaded (nor cdk8s, nor the TypeScript hooks) to list tags.
 */
async function envsOf(ctx: CommandContext): Promise<EnvDefinition[]> {
  const envFiles = loadEnvFiles(join(ctx.root, 'envs'), 'envs');
  return selectEnvs(
    envFiles.map((f) => f.definition),
    ctx.envs,
  );
}

async function envNamed(ctx: RemoteContext, name: string, app: string): Promise<EnvDefinition> {
  const [env] = await envsOf({ ...ctx, envs: [name] });
  if (!env!.apps[app]) throw new ConfigError(`envs/${name}.yaml: apps.${app}: '${app}' is not in ${name}`);
  return env!;
}

export interface PullOptions extends CommandContext {
  /** Push the platform repo's commit. @default true; false: --no-push */
  readonly push?: boolean;
  /** Run the platform repo's git hooks. @default true; false: --no-verify */
  readonly verify?: boolean;
}

/**
 * `slipway pull`: adopt into envs/ the tags that landed in env repos (merged PRs, other machines,
 * a promotion whose platform-repo half did not happen), committed and pushed as a promotion's
 * platform half is (platform-repo.ts: the same checks first, the same retries); out/ refreshed.
 */
export async function pull(ctx: PullOptions): Promise<Array<TagDrift & { env: string }>> {
  return withLock(ctx.root, async () => {
    let envs = await envsOf(ctx);
    const platform = await PlatformRepo.open({
      root: ctx.root,
      files: envs.flatMap((e) => [`envs/${e.name}.yaml`, ...outPathsOf(e.name)]),
      push: ctx.push,
      verify: ctx.verify,
      log: ctx.log,
      environment: ctx.environment,
    });
    // Opening fast-forwards a checkout that was behind: its env files are read again only then.
    if (platform.fastForwarded) envs = await envsOf(ctx);
    const adopted: Array<TagDrift & { env: string }> = [];
    for (const env of envs) {
      const file = `envs/${env.name}.yaml`;
      const remote = remoteFor(env, ctx);
      ctx.log(`${env.name}: reading ${remote.description}`);
      const repoTags = await committedTags(await remote.read(), env, enabledApps(env));
      // Uncommitted tag edits count as not there yet (committed when they are what the env repo has).
      const pending = platform.uncommitted.get(file);
      const drift: TagDrift[] = [];
      for (const [app, repo] of repoTags) {
        if (repo === undefined) continue;
        if (pending?.tags.has(app) && pending.tags.get(app) !== repo) {
          throw new ConfigError(
            `${file} has an uncommitted change: apps.${app}.tag ${pending.tags.get(app)} (the env repo has ${repo}): commit or discard it first (git checkout -- ${file}); nothing was written`,
          );
        }
        const local = pending?.tags.has(app) ? pending.committed.get(app) : env.apps[app]!.tag;
        if (repo !== local) drift.push({ app, local: local ?? 'none', repo });
      }
      if (drift.length === 0) continue;
      const list = drift.map((d) => `${d.app} ${d.repo}`).join(', ');
      await platform.record({
        file,
        edit: (text) => {
          const now = tagsIn(text);
          const changed = new Map(drift.filter((d) => now.get(d.app) !== d.repo).map((d) => [d.app, d.repo]));
          return changed.size > 0 ? setTags(text, changed, file) : text;
        },
        // The trailers mark it as slipway's (own-commits.ts): left unpushed by a stopped run, the next one pushes it.
        message: [
          `pull: adopt ${list} from the ${env.name} env repo`,
          '',
          `Slipway-Env: ${env.name}`,
          `Slipway-Adopted: ${drift.map((d) => `${d.app}=${d.repo}`).join(',')}`,
          '',
        ].join('\n'),
        done: `the ${env.name} env repo has ${list}`,
        recover: `slipway pull --env ${env.name}`,
        out: {
          paths: outPathsOf(env.name),
          refresh: async (text) => {
            if (hasOutDir(ctx.root))
              await refreshOutEnv(ctx.root, env.name, await renderEnvFiles(ctx.root, env.name, text, { validate: false }));
          },
        },
      });
      adopted.push(...drift.map((d) => ({ ...d, env: env.name })));
    }
    return adopted;
  });
}

export async function history(ctx: RemoteContext, app: string, envName: string, limit?: number): Promise<HistoryEntry[]> {
  const env = await envNamed(ctx, envName, app);
  return appHistory(remoteFor(env, ctx), env, app, limit);
}

/**
 * `slipway rollback`: promote the previous (or named) tag back, as a new commit marked as a
 * rollback. When the change that brought the app's current tag was a bundle (several apps in one
 * commit), every app of it goes back, as one bundle; an app changed since is left as it is.
 */
export type RollbackOptions = Omit<PromoteOptions, 'tag' | 'from' | 'rollback'> & { readonly to?: string };

export async function rollback(options: RollbackOptions): Promise<PromoteResult | BundleResult> {
  checkPromotionFlags(options);
  const ctx: RemoteContext = { root: options.root, environment: options.environment, log: options.log, debug: options.debug };
  const env = await envNamed(ctx, options.env, options.app);
  const remote = remoteFor(env, ctx);
  const tree = await remote.read();
  const current = await committedTag(tree, env, options.app);
  const past = await appHistory(remote, env, options.app, 200);
  let target = options.to;
  if (target === undefined) {
    const last = lastChange(past, current);
    if (last?.bundle && last.bundle.length > 1) return rollbackBundle(options, env, last, await committedTags(tree, env, enabledApps(env)));
    target = previousTag(past, current);
    if (target === undefined)
      throw new ConfigError(
        `${options.app} in ${options.env}: no earlier tag in the env repo's history to roll back to; name one with --to`,
      );
  } else if (!options.force && !past.some((h) => h.kind !== 'other' && (h.to === target || h.from === target))) {
    throw new ConfigError(
      `${options.app} never ran ${target} in ${options.env} (not in the history of the env repo's ${env.repo.branch}; a tag only on a promotion branch never ran): ` +
        `roll back to a tag it ran (slipway history ${options.app} --env ${options.env}), or --force --reason`,
    );
  }
  if (target === current) throw new ConfigError(`${options.app} already runs ${target} in ${options.env}`);
  return promote({ ...options, tag: target, rollback: true });
}

/** A bundle's rollback: each of its apps back to what it ran before, in one commit (bundle.ts). */
async function rollbackBundle(
  options: RollbackOptions,
  env: EnvDefinition,
  change: HistoryEntry,
  deployed: ReadonlyMap<string, string | undefined>,
): Promise<BundleResult> {
  const { app: _app, to: _to, ...flags } = options;
  const tags = new Map<string, string>();
  for (const b of change.bundle!) {
    const now = deployed.get(b.app);
    if (b.from === undefined) options.log(`${env.name}: ${b.app} ran nothing before ${change.sha.slice(0, 12)}: left as it is`);
    else if (now !== b.to)
      options.log(`${env.name}: ${b.app} changed since ${change.sha.slice(0, 12)} (runs ${now ?? 'nothing'}): left as it is`);
    else tags.set(b.app, b.from);
  }
  if (tags.size === 0)
    throw new ConfigError(
      `${options.app} in ${options.env}: ${change.sha.slice(0, 12)} was a bundle, and none of its apps can go back (changed since, or new in it): name a tag with --to`,
    );
  options.log(
    `${env.name}: ${change.sha.slice(0, 12)} promoted ${change.bundle!.length} apps together; rolling back ${[...tags.keys()].join(', ')} in one commit`,
  );
  return promoteBundle({ ...flags, tags, rollback: true });
}

interface StatusRow {
  readonly app: string;
  readonly env: string;
  /** Tag in envs/<env>.yaml. */
  readonly declared: string;
  /** Tag in the env repo (undefined: not deployed there yet). */
  readonly committed: string | undefined;
  /** Open promotion pull request, GitHub only (also in `pending`). */
  readonly pullRequest: { number: number; url: string } | undefined;
  /** A promotion branch pending review, on any remote: its open pull request, or (elsewhere) not merged yet. */
  readonly pending:
    | { readonly branch: string; readonly head: string; readonly pullRequest?: { readonly number: number; readonly url: string } }
    | undefined;
  readonly differs: boolean;
  /** in sync; env repo ahead (of envs/); not deployed. */
  readonly state: 'in sync' | 'env repo ahead' | 'not deployed';
  /** The one command that reconciles a difference. */
  readonly reconcile?: string;
}

export interface StatusReport {
  readonly rows: StatusRow[];
  /** The platform repo checkout against its remote (fetched). */
  readonly platform: PlatformSync;
  /** Every disagreement between the two repos, each with the one command that reconciles it. */
  readonly disagreements: Disagreement[];
  /** The envs whose repo could not be read, with why. */
  readonly failures: readonly EnvFailure[];
  /** Why the platform repo's remote could not be read (its class gives the exit code), when it could not. */
  readonly platformFailure?: RemoteError;
}

/**
 * `slipway status`: app × env (the tag in envs/, in the env repo, a pending promotion branch or
 * pull request, the state and what reconciles it), and the platform repo against its remote.
 */
export async function statusReport(ctx: CommandContext): Promise<StatusReport> {
  const rows: StatusRow[] = [];
  const disagreements: Disagreement[] = [];
  const envs = await envsOf(ctx);
  // Every env it can reach is shown; one failure per env it cannot (the CLI prints one line each).
  const { failures } = await forEachEnv(envs, async (env) => {
    const remote = remoteFor(env, ctx);
    ctx.log(`${env.name}: reading ${remote.description}`);
    const apps = enabledApps(env);
    const tags = await committedTags(await remote.read(), env, apps);
    const pending = await pendingBranches(remote, env.name, apps);
    // A bundle pending review is pending for each app whose tag it changes (an app's own
    // promotion branch, when there is one too, is the one shown).
    const bundle = await pendingBundle(remote, env.name);
    if (bundle !== undefined) {
      const bundled = await committedTags(await remote.read(bundle.branch), env, apps);
      for (const app of apps) if (!pending.has(app) && bundled.get(app) !== tags.get(app)) pending.set(app, bundle);
    }
    const drift: TagDrift[] = [];
    for (const app of apps) {
      const committed = tags.get(app);
      const declared = env.apps[app]!.tag;
      const p = pending.get(app);
      const ahead = committed !== undefined && committed !== declared;
      if (ahead) drift.push({ app, local: declared, repo: committed });
      rows.push({
        app,
        env: env.name,
        declared,
        committed,
        pullRequest: p?.pullRequest,
        pending: p,
        differs: committed !== declared,
        state: committed === undefined ? 'not deployed' : ahead ? 'env repo ahead' : 'in sync',
        ...(ahead
          ? { reconcile: `slipway pull --env ${env.name}` }
          : committed === undefined
            ? { reconcile: `slipway bootstrap --env ${env.name}` }
            : {}),
      });
    }
    disagreements.push(...tagDisagreements(env.name, drift));
  });
  const { failure: platformFailure, ...platform } = await platformSync(
    ctx.root,
    envs.map((e) => `envs/${e.name}.yaml`),
    { fetch: true, environment: ctx.environment },
  );
  disagreements.push(...platformDisagreements(platform));
  return {
    rows: rows.sort((a, b) => a.app.localeCompare(b.app) || a.env.localeCompare(b.env)),
    platform,
    disagreements,
    failures,
    ...(platformFailure ? { platformFailure } : {}),
  };
}
