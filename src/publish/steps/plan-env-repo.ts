/**
 * Sync step `plan-env-repo`: renders what the env repo must hold (again on every attempt, so a
 * retry commits the sources as they are then) and plans it against the tree just read.
 */
import { need, succeeded, type Step, type StepResult } from '../../core/step-runner.js';
import { planEnv } from '../../plan/plan.js';
import type { SyncContext } from './context.js';

async function planEnvRepo(c: SyncContext): Promise<StepResult> {
  const { options } = c;
  const tree = need(c.tree, 'read-env-repo');
  c.desired = await options.render();
  c.plan = await planEnv(options.env, options.remote.description, tree, c.desired);
  const { add, change, destroy } = c.plan.summary;
  return succeeded(`${add} to add, ${change} to change, ${destroy} to remove`);
}

export const planEnvRepoStep: Step<SyncContext> = { kind: 'plan-env-repo', run: planEnvRepo };
