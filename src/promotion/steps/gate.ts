/**
 * Step `gate`: may this tag go to this env? The env's tag policy (pinned tags, digests), and
 * gating: an env with `promotesFrom` takes only the tag its upstream env's repo holds now, unless
 * forced (logged, and the reason goes into the commit) or a rollback (the tag ran here before).
 * A bundle gates each app: one blocked app refuses the whole bundle (one line naming it, nothing
 * written) unless --skip-blocked, which leaves it out as a decision and promotes the others.
 */
import type { EnvDefinition } from '../../../generators/environment.js';
import { ConfigError } from '../../core/config-error.js';
import { FLOATING_TAGS } from '../../load/names.js';
import type { RemoteTree } from '../../core/env-remote.js';
import { remoteFor } from '../../publish/remotes.js';
import { committedTag } from '../../plan/committed-tags.js';
import type { BundleDecision } from '../bundle.js';
import type { PromotionFlags } from '../promote.js';
import { need, type Move, type PromotionContext } from './context.js';
import { failed, skipped, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function gate(c: PromotionContext): Promise<StepResult> {
  const { o } = c;
  const { env, envs, envFile, moves, remoteContext } = need(c.resolved, 'resolve');
  const passed: Move[] = [];
  const blocked: BundleDecision[] = [];
  const notes: string[] = [];
  // Each upstream env repo is read once for every app of the promotion (a bundle gates many).
  const upstreamTrees = new Map<string, Promise<RemoteTree>>();
  const upstream = (u: EnvDefinition) => {
    let tree = upstreamTrees.get(u.name);
    if (!tree) upstreamTrees.set(u.name, (tree = remoteFor(u, remoteContext).read()));
    return tree;
  };
  for (const move of moves) {
    const verdict = tagPolicy(move.tag, env, envFile, move.app) ?? (await checkGate(o, env, envs, move, upstream));
    if (typeof verdict === 'string') {
      passed.push(move);
      notes.push(verdict);
      continue;
    }
    // One app refused: the promotion; in a bundle, the whole bundle unless --skip-blocked.
    if (!c.bundle) return failed(verdict);
    blocked.push({ app: move.app, current: move.deployed, tag: move.tag, action: 'blocked', reason: verdict.message });
  }
  if (blocked.length > 0 && !c.bundle?.skipBlocked) {
    return failed(
      new ConfigError(
        `${o.env}: blocked, so nothing was promoted: ${blocked.map((b) => `${b.app}: ${b.reason}`).join('; ')}; ` +
          `promote the others with --skip-blocked (or choose them with --app)`,
      ),
    );
  }
  c.gated = { moves: passed, blocked };
  if (moves.length === 1 && passed.length === 1) return notes[0]!.startsWith('skip: ') ? skipped(notes[0]!.slice(6)) : succeeded(notes[0]);
  return succeeded(`${passed.length} may go${blocked.length ? `; blocked: ${blocked.map((b) => b.app).join(', ')}` : ''}`);
}

function tagPolicy(tag: string, env: EnvDefinition, envFile: string, app: string): ConfigError | undefined {
  if (env.pinnedTags && FLOATING_TAGS.has(tag.split('@')[0]!)) {
    return new ConfigError(`${envFile}: apps.${app}.tag: '${tag}' floats; ${env.name} pins tags (pinnedTags: true): promote a version tag`);
  }
  if (env.requireDigests && !tag.includes('@sha256:')) {
    return new ConfigError(
      `${envFile}: apps.${app}.tag: '${tag}' has no digest; ${env.name} requires them (requireDigests: true): promote <tag>@sha256:<digest>`,
    );
  }
  return undefined;
}

/**
 * Gating: the tag must be what the upstream env's repo holds now, unless forced or a rollback.
 * A string: why it may go (`skip: …` when the gate does not apply); an error: why not.
 */
async function checkGate(
  o: PromotionFlags,
  env: EnvDefinition,
  envs: ReadonlyMap<string, EnvDefinition>,
  move: Move,
  upstreamTree: (upstream: EnvDefinition) => Promise<RemoteTree>,
): Promise<string | ConfigError> {
  const { app, tag } = move;
  if (!env.promotesFrom || o.rollback)
    return `skip: ${env.promotesFrom ? 'a rollback: the tag ran here before' : `${o.env} has no promotesFrom`}`;
  const upstream = envs.get(env.promotesFrom)!;
  if (move.promotedFrom === env.promotesFrom) return `the tag was read from ${upstream.name}`;
  const upstreamTag = await committedTag(await upstreamTree(upstream), upstream, app);
  if (upstreamTag === tag) return `${upstream.name} runs ${tag}`;
  if (o.force) {
    o.log(
      `${o.env}: gate bypassed (--force): ${app} ${tag} is not what ${upstream.name} runs (${upstreamTag ?? 'nothing'}); reason: ${o.reason}`,
    );
    return 'bypassed (--force)';
  }
  return new ConfigError(
    `${o.env} promotes from ${upstream.name}, whose env repo has ${app} ${upstreamTag ?? '(none)'}, not ${tag}: ` +
      `promote ${tag} to ${upstream.name} first, or use --from ${upstream.name}, or --force --reason "<why>"`,
  );
}

export const gateStep: Step<PromotionContext> = { kind: 'gate', run: gate };
