/**
 * Step `edit-envs` (first of the env-repo group, re-run when the branch moved): reads the env
 * repo's branch (on the first attempt, the read resolve made, when it made one) and applies the promotion to envs/<env>.yaml on top of what it holds now: other
 * apps keep the tags the repo has (adopted: promoted elsewhere, never reverted), this app gets
 * the new one (each app of a bundle). Refuses when an app was changed elsewhere: nothing moves
 * backwards silently; a bundle with --skip-blocked (track) leaves that app out instead.
 */
import { enabledApps, type EnvDefinition } from '../../../generators/environment.js';
import { ConfigError } from '../../core/config-error.js';
import { committedTags } from '../../plan/committed-tags.js';
import { comparedTo } from '../../core/tag-policy.js';
import { setTags } from '../env-file-edit.js';
import { trackPolicyOf, TrackRefusal } from '../latest.js';
import type { BundleDecision } from '../bundle.js';
import type { PromotionFlags } from '../promote.js';
import { need, type Move, type PromotionContext } from './context.js';
import { failed, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function editEnvs(c: PromotionContext, attempt: number): Promise<StepResult> {
  const { o } = c;
  const { env, envRepo } = need(c.resolved, 'resolve');
  const { remote, envText } = need(c.routed, 'route');
  // The first attempt starts from what resolve read, if it read the env repo; a retry (the branch
  // moved under the commit) reads afresh.
  const main = attempt === 1 && envRepo ? envRepo.tree : await remote.read();
  const repoTags = await committedTags(main, env, enabledApps(env));
  const moves: Move[] = [];
  const dropped: BundleDecision[] = [];
  for (const move of need(c.gated, 'gate').moves) {
    const refusal = changedElsewhere(o, env, move, repoTags.get(move.app));
    if (refusal === undefined) moves.push(move);
    // A bundle with --skip-blocked (track) leaves this app out, and its new tag is adopted below.
    else if (c.bundle?.skipBlocked)
      dropped.push({ app: move.app, current: repoTags.get(move.app), tag: move.tag, action: 'blocked', reason: refusal.message });
    else return failed(refusal);
  }
  const moving = new Map(moves.map((m) => [m.app, m.tag]));
  const adopted: Array<{ app: string; tag: string }> = [];
  const tags = new Map<string, string>();
  for (const [app, repoTag] of repoTags) {
    if (repoTag === undefined || repoTag === env.apps[app]!.tag) continue;
    if (moving.has(app)) {
      if (repoTag === moving.get(app)) tags.set(app, repoTag);
      continue;
    }
    tags.set(app, repoTag);
    adopted.push({ app, tag: repoTag });
  }
  const before = setTags(envText, tags, `envs/${o.env}.yaml`);
  for (const [app, tag] of moving) tags.set(app, tag);
  const after = setTags(envText, tags, `envs/${o.env}.yaml`);
  const current = new Map(moves.map((m) => [m.app, repoTags.get(m.app)]));
  c.edited = { main, moves, current, dropped, adopted, before, after };
  return succeeded(
    `${moves.map((m) => `${m.app} ${current.get(m.app) ?? 'none'} → ${m.tag}`).join(', ') || 'nothing moves'}` +
      `${adopted.length ? `; adopted ${adopted.map((a) => `${a.app} ${a.tag}`).join(', ')}` : ''}` +
      `${dropped.length ? `; left out: ${dropped.map((d) => d.app).join(', ')}` : ''}`,
  );
}

/**
 * Why this app must not move now: the env repo has another tag for it than envs/ says (promoted
 * elsewhere, a merged pull request): nothing moves backwards silently. `current === tag`: the env
 * repo has this very promotion already (its platform-repo half is what is left).
 */
function changedElsewhere(o: PromotionFlags, env: EnvDefinition, move: Move, current: string | undefined): ConfigError | undefined {
  const { app, tag, tracked } = move;
  const local = env.apps[app]!.tag;
  if (current === undefined || current === local || current === tag || o.force) return undefined;
  // A tracked promotion that someone overtook (a promotion landed since the registry was read):
  // it never writes over a tag as new as its own or newer.
  const standing = tracked ? comparedTo(trackPolicyOf(env, app), tag.split('@')[0]!, current) : undefined;
  if (tracked && (standing === 'older' || standing === 'same'))
    return new TrackRefusal(
      `${app}: ${current} was promoted to ${o.env} meanwhile, as new as ${tag} or newer: nothing written (slipway pull adopts it into envs/)`,
      { ...tracked, current, standing: 'older', reason: `overtaken: ${o.env} got ${current} meanwhile (not older than ${tag})` },
    );
  return new ConfigError(
    `envs/${o.env}.yaml says ${app} ${local}, but the env repo has ${current} (promoted from another machine, or a merged pull request): ` +
      `run slipway pull to adopt it, then promote again (or --force --reason)`,
  );
}

export const editEnvsStep: Step<PromotionContext> = { kind: 'edit-envs', run: editEnvs };
