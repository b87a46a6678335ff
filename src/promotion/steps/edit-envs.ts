/**
 * Step `edit-envs` (first of the env-repo group, re-run when the branch moved): reads the env
 * repo's branch and applies the promotion to envs/<env>.yaml on top of what it holds now: other
 * apps keep the tags the repo has (adopted: promoted elsewhere, never reverted), this app gets
 * the new one. Refuses when this app was changed elsewhere: nothing moves backwards silently.
 */
import { enabledApps } from '../../../generators/environment.js';
import { ConfigError } from '../../core/config-error.js';
import { committedTags } from '../../plan/committed-tags.js';
import { comparedTo } from '../../core/tag-policy.js';
import { setTags } from '../env-file-edit.js';
import { trackPolicyOf, TrackRefusal } from '../latest.js';
import { need, type PromotionContext } from './context.js';
import { failed, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function editEnvs(c: PromotionContext): Promise<StepResult> {
  const { o } = c;
  const { env, tag, tracked } = need(c.resolved, 'resolve');
  const { remote, envText } = need(c.routed, 'route');
  const main = await remote.read();
  const repoTags = await committedTags(main, env, enabledApps(env));
  const current = repoTags.get(o.app);
  const local = env.apps[o.app]!.tag;
  // current === tag: the env repo has this very promotion already (its platform-repo half is what is left).
  if (current !== undefined && current !== local && current !== tag && !o.force) {
    // A tracked promotion that someone overtook (a promotion landed since the registry was read):
    // it never writes over a tag as new as its own or newer.
    const standing = tracked ? comparedTo(trackPolicyOf(env, o.app), tag.split('@')[0]!, current) : undefined;
    if (tracked && (standing === 'older' || standing === 'same'))
      return failed(
        new TrackRefusal(
          `${o.app}: ${current} was promoted to ${o.env} meanwhile, as new as ${tag} or newer: nothing written (slipway pull adopts it into envs/)`,
          { ...tracked, current, standing: 'older', reason: `overtaken: ${o.env} got ${current} meanwhile (not older than ${tag})` },
        ),
      );
    return failed(
      new ConfigError(
        `envs/${o.env}.yaml says ${o.app} ${local}, but the env repo has ${current} (promoted from another machine, or a merged pull request): ` +
          `run slipway pull to adopt it, then promote again (or --force --reason)`,
      ),
    );
  }
  const adopted: Array<{ app: string; tag: string }> = [];
  const tags = new Map<string, string>();
  for (const [app, repoTag] of repoTags) {
    if (repoTag === undefined || repoTag === env.apps[app]!.tag) continue;
    if (app === o.app) {
      if (repoTag === tag) tags.set(app, repoTag);
      continue;
    }
    tags.set(app, repoTag);
    adopted.push({ app, tag: repoTag });
  }
  const before = setTags(envText, tags, `envs/${o.env}.yaml`);
  tags.set(o.app, tag);
  const after = setTags(envText, tags, `envs/${o.env}.yaml`);
  c.edited = { main, current, adopted, before, after };
  return succeeded(
    `${o.app} ${current ?? 'none'} → ${tag}${adopted.length ? `; adopted ${adopted.map((a) => `${a.app} ${a.tag}`).join(', ')}` : ''}`,
  );
}

export const editEnvsStep: Step<PromotionContext> = { kind: 'edit-envs', run: editEnvs };
