/**
 * Sync step `read-env-repo` (first of the retry group: a moved branch starts here again): the
 * env repo's branch as it is now, and the caller's check on it (tags that would move backwards
 * are refused there, before anything is planned).
 */
import { succeeded, type Step, type StepResult } from '../../core/step-runner.js';
import type { SyncContext } from './context.js';

async function readEnvRepo(c: SyncContext): Promise<StepResult> {
  const tree = await c.options.remote.read();
  await c.options.check?.(tree);
  c.tree = tree;
  return succeeded(tree.head ? `at ${tree.head.slice(0, 12)}` : 'no commit yet');
}

export const readEnvRepoStep: Step<SyncContext> = { kind: 'read-env-repo', run: readEnvRepo };
