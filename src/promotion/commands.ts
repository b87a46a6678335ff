/** pull and rollback: the promotion commands around `promote` that write (status and history: read-commands.ts). */
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import { remoteFor, type RemoteContext } from '../publish/remotes.js';
import { committedTag, committedTags } from '../plan/committed-tags.js';
import { promoteBundle, type BundleResult } from './bundle.js';
import { appHistory, lastChange, previousTag, type HistoryEntry } from './history.js';
import { envNamed, envsOf, type CommandContext } from './read-commands.js';
import { withLock } from './lock.js';
import { setTags } from './env-file-edit.js';
import { hasOutDir, outPathsOf, refreshOutEnv, renderEnvFiles } from './out-refresh.js';
import { tagsIn } from './env-file-tags.js';
import { PlatformRepo } from './platform-repo.js';
import { checkPromotionFlags, promote, type PromoteOptions, type PromoteResult } from './promote.js';
import type { TagDrift } from '../plan/reconcile-tags.js';

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
    // Opening moves a checkout that was behind (fast-forwarded, slipway's own unpushed commits
    // taken back): its env files are read again only then.
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
