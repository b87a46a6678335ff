/** pull, history, rollback and status: the promotion commands around `promote`. */
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../load/config-error.js';
import { loadProject } from '../load/load-project.js';
import { GitHubRemote } from '../publish/github-remote.js';
import { remoteFor, type RemoteContext } from '../publish/remotes.js';
import { committedTag, committedTags } from './committed-tags.js';
import { appHistory, previousTag, type HistoryEntry } from './history.js';
import { withLock } from './lock.js';
import { recordInPlatformRepo } from './platform-repo.js';
import { promote, promotionBranch, type PromoteOptions, type PromoteResult } from './promote.js';
import { adoptTags, tagDrift, type TagDrift } from './reconcile-tags.js';

export interface CommandContext extends RemoteContext {
  readonly envs?: readonly string[];
}

async function envsOf(ctx: CommandContext): Promise<EnvDefinition[]> {
  const { envFiles } = await loadProject(ctx.root);
  const all = envFiles.map((f) => f.definition);
  for (const name of ctx.envs ?? []) if (!all.some((e) => e.name === name)) throw new ConfigError(`--env ${name}: no envs/${name}.yaml (known: ${all.map((e) => e.name).join(', ')})`);
  return ctx.envs?.length ? all.filter((e) => ctx.envs!.includes(e.name)) : all;
}

async function envNamed(ctx: RemoteContext, name: string, app: string): Promise<EnvDefinition> {
  const [env] = await envsOf({ ...ctx, envs: [name] });
  if (!env!.apps[app]) throw new ConfigError(`envs/${name}.yaml: apps.${app}: '${app}' is not in ${name}`);
  return env!;
}

/** `slipway pull`: adopt into envs/ the tags that landed in env repos (merged PRs, other machines). */
export async function pull(ctx: CommandContext): Promise<Array<TagDrift & { env: string }>> {
  return withLock(ctx.root, async () => {
    const adopted: Array<TagDrift & { env: string }> = [];
    for (const env of await envsOf(ctx)) {
      const remote = remoteFor(env, ctx);
      ctx.log(`${env.name}: reading ${remote.description}`);
      const drift = await tagDrift(await remote.read(), env);
      if (drift.length === 0) continue;
      adoptTags(ctx.root, env, drift);
      await recordInPlatformRepo(ctx.root, `envs/${env.name}.yaml`, `pull: adopt ${drift.map((d) => `${d.app} ${d.repo}`).join(', ')} from the ${env.name} env repo`, ctx.log);
      adopted.push(...drift.map((d) => ({ ...d, env: env.name })));
    }
    return adopted;
  });
}

export async function history(ctx: RemoteContext, app: string, envName: string, limit?: number): Promise<HistoryEntry[]> {
  const env = await envNamed(ctx, envName, app);
  return appHistory(remoteFor(env, ctx), env, app, limit);
}

/** `slipway rollback`: promote the previous (or named) tag back, as a new commit marked as a rollback. */
export async function rollback(options: Omit<PromoteOptions, 'tag' | 'from' | 'rollback'> & { readonly to?: string }): Promise<PromoteResult> {
  const ctx: RemoteContext = { root: options.root, environment: options.environment, log: options.log, debug: options.debug };
  const env = await envNamed(ctx, options.env, options.app);
  const remote = remoteFor(env, ctx);
  const current = await committedTag(await remote.read(), env, options.app);
  const past = await appHistory(remote, env, options.app, 200);
  let target = options.to;
  if (target === undefined) {
    target = previousTag(past, current);
    if (target === undefined) throw new ConfigError(`${options.app} in ${options.env}: no earlier tag in the env repo's history to roll back to; name one with --to`);
  } else if (!options.force && !past.some((h) => h.to === target || h.from === target)) {
    throw new ConfigError(`${options.app} never ran ${target} in ${options.env} (not in the env repo's history): roll back to a tag it ran, or --force --reason`);
  }
  if (target === current) throw new ConfigError(`${options.app} already runs ${target} in ${options.env}`);
  return promote({ ...options, tag: target, rollback: true });
}

export interface StatusRow {
  readonly app: string;
  readonly env: string;
  /** Tag in envs/<env>.yaml. */
  readonly declared: string;
  /** Tag in the env repo (undefined: not deployed there yet). */
  readonly committed: string | undefined;
  /** Open promotion pull request, GitHub only. */
  readonly pullRequest: { number: number; url: string } | undefined;
  readonly differs: boolean;
}

/** `slipway status`: app × env → declared tag, committed tag, open promotion PR. */
export async function status(ctx: CommandContext): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for (const env of await envsOf(ctx)) {
    const remote = remoteFor(env, ctx);
    ctx.log(`${env.name}: reading ${remote.description}`);
    const tags = await committedTags(await remote.read(), env, enabledApps(env));
    for (const app of enabledApps(env)) {
      const pr = remote instanceof GitHubRemote ? await remote.openPullRequest(promotionBranch(env.name, app)) : undefined;
      const committed = tags.get(app);
      rows.push({ app, env: env.name, declared: env.apps[app]!.tag, committed, pullRequest: pr, differs: committed !== env.apps[app]!.tag });
    }
  }
  return rows.sort((a, b) => a.app.localeCompare(b.app) || a.env.localeCompare(b.env));
}
