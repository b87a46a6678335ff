/**
 * Sync step `commit-env-repo`: one commit of the plan on top of the head read, never forced.
 * Nothing to change, or a dry run: `skipped`. The branch moved meanwhile: `errored` (moved),
 * and the runner starts the group again from the read.
 */
import { need, skipped, succeeded, type Step, type StepResult } from '../../core/step-runner.js';
import type { Plan } from '../../plan/plan.js';
import type { SyncContext } from './context.js';

async function commitEnvRepo(c: SyncContext): Promise<StepResult> {
  const { options } = c;
  const tree = need(c.tree, 'read-env-repo');
  const plan = need(c.plan, 'plan-env-repo');
  if (plan.changes.length === 0 || options.dryRun) {
    c.result = { plan, commit: undefined };
    return skipped(options.dryRun ? 'dry run: nothing written' : 'up to date');
  }
  // A moved branch throws BranchMovedError: the runner starts the group again from the read.
  const { sha } = await options.remote.commit({
    parent: tree.head,
    write: plan.write,
    delete: plan.delete,
    message: commitMessage(plan, options.title(plan), options.trailers),
  });
  c.result = { plan, commit: sha };
  return succeeded(`committed ${sha.slice(0, 12)}`, { commit: sha });
}

export const commitEnvRepoStep: Step<SyncContext> = { kind: 'commit-env-repo', run: commitEnvRepo };

/** `title`, a blank line, the changed files, a blank line, the trailers. */
export function commitMessage(plan: Plan, title: string, trailers: Readonly<Record<string, string>>): string {
  const files = plan.changes.map((c) => `${c.action === 'create' ? '+' : c.action === 'update' ? '~' : '-'} ${c.path}`);
  const shown = files.length > 40 ? [...files.slice(0, 40), `… and ${files.length - 40} more`] : files;
  const trailerLines = Object.entries(trailers).map(([k, v]) => `${k}: ${v}`);
  return [title, '', ...shown, '', ...trailerLines, ''].join('\n');
}
