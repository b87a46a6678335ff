/**
 * Step `render`: the env repo's files after the promotion. Only this env is rendered. Before the
 * edit, the repo must hold exactly what the platform repo generates (tags adopted), so the
 * commit changes the tag line(s) and nothing else; otherwise bootstrap comes first. The result
 * that gets committed is validated; the baseline need not be: it is what the env repo holds, so
 * only the objects the promotion changes are schema-checked again.
 */
import { ConfigError } from '../../core/config-error.js';
import { planEnv } from '../../plan/plan.js';
import { renderEnv } from '../out-refresh.js';
import { need, type PromotionContext } from './context.js';
import { failed, skipped, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function render(c: PromotionContext): Promise<StepResult> {
  const { o } = c;
  const { main, before, after, moves } = need(c.edited, 'edit-envs');
  // A bundle whose every app was left out on this attempt: nothing to render, nothing to commit.
  if (moves.length === 0) return skipped('nothing moves');
  if (main.head === undefined) {
    return failed(new ConfigError(`${o.env}: the env repo has no commit yet: run slipway bootstrap --env ${o.env} first`));
  }
  const baseline = await renderEnv(o.root, o.env, before, { crdsDir: o.crdsDir, validate: false });
  const drift = await planEnv(o.env, '', main, baseline.files);
  if (drift.changes.length > 0) {
    return failed(
      new ConfigError(
        `the env repo of ${o.env} differs from what the platform repo generates in more than tags (${drift.changes
          .map((d) => d.path)
          .slice(0, 5)
          .join(', ')}${drift.changes.length > 5 ? ', …' : ''}): ` +
          `run slipway bootstrap --env ${o.env} first, so this promotion changes only ${moves.length === 1 ? `${moves[0]!.app}'s tag` : 'the tags'}`,
      ),
    );
  }
  // The baseline is what the env repo holds (the drift check above): only objects the promotion
  // changes need their schema checked; every other rule runs on all of them.
  const { files: desired } = await renderEnv(o.root, o.env, after, { crdsDir: o.crdsDir, validate: true, unchangedFrom: baseline.output });
  c.rendered = { desired };
  return succeeded(`${desired.size} files`);
}

export const renderStep: Step<PromotionContext> = { kind: 'render', run: render };
