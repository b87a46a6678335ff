/**
 * Step `gate`: may this tag go to this env? The env's tag policy (pinned tags, digests), and
 * gating: an env with `promotesFrom` takes only the tag its upstream env's repo holds now, unless
 * forced (logged, and the reason goes into the commit) or a rollback (the tag ran here before).
 */
import type { EnvDefinition } from '../../../generators/environment.js';
import { ConfigError } from '../../core/config-error.js';
import { FLOATING_TAGS } from '../../load/names.js';
import { remoteFor, type RemoteContext } from '../../publish/remotes.js';
import { committedTag } from '../../plan/committed-tags.js';
import type { PromoteOptions } from '../promote.js';
import { need, type PromotionContext } from './context.js';
import { failed, skipped, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function gate(c: PromotionContext): Promise<StepResult> {
  const { o } = c;
  const { env, envs, envFile, tag, remoteContext } = need(c.resolved, 'resolve');
  const refused = tagPolicy(tag, env, envFile, o.app);
  if (refused) return failed(refused);
  return checkGate(o, env, envs, tag, remoteContext);
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

/** Gating: the tag must be what the upstream env's repo holds now, unless forced or a rollback. */
async function checkGate(
  o: PromoteOptions,
  env: EnvDefinition,
  envs: ReadonlyMap<string, EnvDefinition>,
  tag: string,
  ctx: RemoteContext,
): Promise<StepResult> {
  if (!env.promotesFrom || o.rollback)
    return skipped(env.promotesFrom ? 'a rollback: the tag ran here before' : `${o.env} has no promotesFrom`);
  const upstream = envs.get(env.promotesFrom)!;
  if (o.from === env.promotesFrom) return succeeded(`the tag was read from ${upstream.name}`);
  const upstreamTag = await committedTag(await remoteFor(upstream, ctx).read(), upstream, o.app);
  if (upstreamTag === tag) return succeeded(`${upstream.name} runs ${tag}`);
  if (o.force) {
    o.log(
      `${o.env}: gate bypassed (--force): ${o.app} ${tag} is not what ${upstream.name} runs (${upstreamTag ?? 'nothing'}); reason: ${o.reason}`,
    );
    return succeeded('bypassed (--force)');
  }
  return failed(
    new ConfigError(
      `${o.env} promotes from ${upstream.name}, whose env repo has ${o.app} ${upstreamTag ?? '(none)'}, not ${tag}: ` +
        `promote ${tag} to ${upstream.name} first, or use --from ${upstream.name}, or --force --reason "<why>"`,
    ),
  );
}

export const gateStep: Step<PromotionContext> = { kind: 'gate', run: gate };
