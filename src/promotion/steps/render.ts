/**
 * Step `render`: the env repo's files after the promotion. Only this env is rendered. Before the
 * edit, the repo must hold exactly what the platform repo generates (tags adopted), so the
 * commit changes the tag line(s) and nothing else; otherwise bootstrap comes first. The result
 * that gets committed is validated; the baseline need not be.
 */
import { ConfigError } from '../../core/config-error.js';
import { planEnv } from '../../plan/plan.js';
import { generate } from '../../synth.js';
import type { PromoteOptions } from '../promote.js';
import { need, type PromotionContext } from './context.js';
import { failed, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

/** The files of the env repo of `o.env`, given its env file's text. */
async function renderEnv(o: PromoteOptions, text: string, validate: boolean): Promise<Map<string, string>> {
  const out = await generate({
    root: o.root,
    crdsDir: o.crdsDir,
    envOverrides: new Map([[`envs/${o.env}.yaml`, text]]),
    onlyEnvs: [o.env],
    validate,
  });
  const prefix = `envs/${o.env}/`;
  return new Map([...out.output.files].filter(([p]) => p.startsWith(prefix)).map(([p, c]) => [p.slice(prefix.length), c]));
}

async function render(c: PromotionContext): Promise<StepResult> {
  const { o } = c;
  const { main, before, after } = need(c.edited, 'edit-envs');
  if (main.head === undefined) {
    return failed(new ConfigError(`${o.env}: the env repo has no commit yet: run slipway bootstrap --env ${o.env} first`));
  }
  const drift = await planEnv(o.env, '', main, await renderEnv(o, before, false));
  if (drift.changes.length > 0) {
    return failed(
      new ConfigError(
        `the env repo of ${o.env} differs from what the platform repo generates in more than tags (${drift.changes
          .map((d) => d.path)
          .slice(0, 5)
          .join(', ')}${drift.changes.length > 5 ? ', …' : ''}): ` +
          `run slipway bootstrap --env ${o.env} first, so this promotion changes only ${o.app}'s tag`,
      ),
    );
  }
  const desired = await renderEnv(o, after, true);
  c.rendered = { desired };
  return succeeded(`${desired.size} files`);
}

export const renderStep: Step<PromotionContext> = { kind: 'render', run: render };
