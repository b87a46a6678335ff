/**
 * Step `resolve-bundle`: which apps of a bundle move, and to what. The env repo is read once for
 * what each app deploys; each app's tag comes from the source env's repo (`--from`: read once),
 * from its registry (track: `latest`), or is given (a bundle's rollback). An app already at its
 * tag, or that the source does not deploy, is a decision here and not a move; in `latest` mode
 * an app the registry cannot answer for is one too (failed, with its error), so one registry
 * does not hold up the others.
 */
import type { EnvDefinition } from '../../../generators/environment.js';
import { enabledApps } from '../../../generators/environment.js';
import { ConfigError } from '../../core/config-error.js';
import { describePolicy } from '../../core/tag-policy.js';
import { loadProject } from '../../load/load-project.js';
import { committedTags } from '../../plan/committed-tags.js';
import { remoteFor, type RemoteContext } from '../../publish/remotes.js';
import type { BundleDecision, BundleOptions } from '../bundle.js';
import { pickLatest } from '../latest.js';
import { need, type Move, type PromotionContext } from './context.js';
import { openPlatform } from './resolve.js';
import { failed, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

interface Loaded {
  readonly envs: Map<string, EnvDefinition>;
  readonly env: EnvDefinition;
  readonly images: ReadonlyMap<string, string>;
  readonly apps: readonly string[];
}

async function load(o: BundleOptions): Promise<Loaded> {
  const envFile = `envs/${o.env}.yaml`;
  const project = await loadProject(o.root);
  const envs = new Map(project.envFiles.map((f) => [f.definition.name, f.definition]));
  const env = envs.get(o.env);
  if (!env) throw new ConfigError(`--env ${o.env}: no ${envFile} (known: ${[...envs.keys()].join(', ')})`);
  for (const app of o.apps ?? []) {
    if (!env.apps[app])
      throw new ConfigError(`${envFile}: apps.${app}: '${app}' is not in ${o.env} (its apps: ${Object.keys(env.apps).join(', ')})`);
    if (!env.apps[app]!.enabled) throw new ConfigError(`${envFile}: apps.${app}: '${app}' is disabled in ${o.env} (enabled: false)`);
  }
  const apps = o.apps ? [...o.apps].sort() : o.tags ? [...o.tags.keys()].sort() : enabledApps(env);
  return { envs, env, images: new Map(project.model.apps.map((a) => [a.name, a.image])), apps };
}

async function resolveBundle(c: PromotionContext): Promise<StepResult> {
  const o = need(c.bundle, 'promote --all');
  let loaded = await load(o);
  const ctx: RemoteContext = { root: o.root, environment: o.environment, log: o.log, debug: o.debug };
  const platform = await openPlatform(o, loaded.env);
  // Fast-forwarded: envs/ may say something else now; read it again.
  if (platform?.fastForwarded) loaded = await load(o);
  const { envs, env, apps } = loaded;
  const remote = remoteFor(env, ctx);
  o.log(`${o.env}: reading what ${remote.description} deploys`);
  const tree = await remote.read();
  const deployed = await committedTags(tree, env, apps);
  const tags = o.from !== undefined ? await sourceTags(o, envs, apps, ctx) : undefined;
  const moves: Move[] = [];
  const decided: BundleDecision[] = [];
  for (const app of apps) {
    const current = deployed.get(app);
    const decide = (action: BundleDecision['action'], reason: string, extra: Partial<BundleDecision> = {}) =>
      decided.push({ app, current, tag: undefined, action, reason, ...extra });
    if (o.latest) {
      const pick = await latestMove(o, loaded, app, current);
      if ('action' in pick) decided.push(pick);
      else moves.push(pick);
      continue;
    }
    const tag = tags ? tags.get(app) : o.tags!.get(app);
    if (tag === undefined) decide('absent', `${o.from}'s env repo deploys no ${app}`);
    else if (tag === current)
      decide('up-to-date', `up to date: ${o.env} runs ${tag}${o.from !== undefined ? `, as ${o.from} does` : ''}`, { tag });
    else moves.push({ app, tag, deployed: current, ...(o.from !== undefined ? { promotedFrom: o.from } : {}) });
  }
  c.resolved = { envs, env, envFile: `envs/${o.env}.yaml`, remoteContext: ctx, platform, moves, decided, envRepo: { remote, tree } };
  return moves.length > 0 || decided.length > 0
    ? succeeded(`${moves.map((m) => `${m.app} ${m.deployed ?? 'none'} → ${m.tag}`).join(', ') || 'nothing moves'}`)
    : failed(new ConfigError(`envs/${o.env}.yaml: no app is enabled in ${o.env}: nothing to promote`));
}

/** What the source env's repo runs, for the apps it has enabled. */
async function sourceTags(
  o: BundleOptions,
  envs: ReadonlyMap<string, EnvDefinition>,
  apps: readonly string[],
  ctx: RemoteContext,
): Promise<ReadonlyMap<string, string | undefined>> {
  const source = envs.get(o.from!);
  if (!source) throw new ConfigError(`--from ${o.from}: no envs/${o.from}.yaml (known: ${[...envs.keys()].join(', ')})`);
  const remote = remoteFor(source, ctx);
  o.log(`${o.from}: reading what ${remote.description} deploys`);
  const theirs = apps.filter((a) => source.apps[a]?.enabled);
  return committedTags(await remote.read(), source, theirs);
}

/** track: the registry's newest allowed tag for one app, as a move, or why not (a decision). */
async function latestMove(o: BundleOptions, loaded: Loaded, app: string, current: string | undefined): Promise<Move | BundleDecision> {
  const policy = loaded.env.apps[app]!.track;
  const base = { app, current, policy: policy ? describePolicy(policy) : undefined };
  if (!policy) return { ...base, tag: undefined, action: 'absent', reason: `envs/${o.env}.yaml: apps.${app}.track: not set` };
  try {
    const tracked = await pickLatest({
      app,
      env: loaded.env,
      image: loaded.images.get(app)!,
      current,
      environment: o.environment,
      log: o.log,
      debug: o.debug,
    });
    if (tracked.tag === undefined)
      return { ...base, tag: undefined, action: 'no-match', reason: `envs/${o.env}.yaml: apps.${app}.track: ${tracked.reason}` };
    if (tracked.standing === 'same') return { ...base, tag: tracked.tag, action: 'up-to-date', reason: tracked.reason };
    if (tracked.standing === 'older') {
      if (!o.force) return { ...base, tag: tracked.tag, action: 'blocked', reason: `${app}: ${tracked.reason}` };
      o.log(`${o.env}: ${app} goes back to ${tracked.tag} (--force): ${o.reason}`);
    }
    return { app, tag: tracked.tag, tracked, deployed: current };
  } catch (e) {
    // A bad policy or credentials the user must fix: blocked; the registry unreachable: failed (exit 4).
    if (e instanceof ConfigError) return { ...base, tag: undefined, action: 'blocked', reason: e.message };
    return { ...base, tag: undefined, action: 'failed', reason: (e as Error).message, error: e as Error };
  }
}

export const resolveBundleStep: Step<PromotionContext> = { kind: 'resolve-bundle', run: resolveBundle };
