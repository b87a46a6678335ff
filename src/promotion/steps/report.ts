/**
 * Step `report`: what `promote` returns (and the CLI prints), from what the steps before did.
 * The lines and the JSON document's keys (their order too) are the command's contract.
 */
import type { PromoteResult } from '../promote.js';
import { need, type PromotionContext } from './context.js';
import { succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function report(c: PromotionContext): Promise<StepResult> {
  const o = need(c.single, 'promote');
  const { env, envFile, platform } = need(c.resolved, 'resolve');
  const { remote, title, warnings } = need(c.routed, 'route');
  const state = need(c.edited, 'edit-envs');
  const envCommit = need(c.envCommit, 'commit-env-repo');
  const plan = need(envCommit.plan, 'commit-env-repo');
  const { tag, tracked } = state.moves[0]!;
  const localTag = env.apps[o.app]!.tag;
  const result = (status: PromoteResult['status'], extra: Partial<PromoteResult> = {}): PromoteResult => ({
    app: o.app,
    env: o.env,
    from: state.current.get(o.app),
    to: tag,
    plan,
    status,
    adopted: state.adopted,
    warnings,
    ...(tracked ? { tracked } : {}),
    message: '',
    ...extra,
  });
  c.result = ((): PromoteResult => {
    switch (envCommit.status) {
      case 'unchanged': {
        if (c.platformCommit?.status === 'recorded') {
          return result('recorded', {
            platformRepo: c.platformCommit.summary,
            message: `${o.app} is already ${tag} in ${o.env}'s env repo; recorded it in ${envFile}`,
          });
        }
        const unrecorded = localTag !== tag && !platform ? `; slipway pull records it in ${envFile}` : '';
        return result('skipped', {
          message: `${o.app} is already ${tag} in ${o.env}${envCommit.onBranch ? ` (on ${envCommit.onBranch})` : ''}; nothing to do${unrecorded}`,
        });
      }
      case 'dry-run':
        return result('dry-run', { message: `dry run: nothing written` });
      case 'committed': {
        const sha = envCommit.commit!;
        return result('committed', {
          commit: sha,
          platformRepo: need(c.platformCommit, 'commit-platform-repo').summary,
          message: `${title(state.moves, (app) => state.current.get(app))}: committed ${sha.slice(0, 12)} to ${remote.description}`,
        });
      }
      case 'pull-request':
        return result('pull-request', {
          commit: envCommit.commit,
          branch: envCommit.branch,
          pullRequest: envCommit.pullRequest,
          message: envCommit.message!,
        });
      case 'branch-pushed':
        return result('branch-pushed', { commit: envCommit.commit, branch: envCommit.branch, message: envCommit.message! });
    }
  })();
  return succeeded(c.result.message);
}

export const reportStep: Step<PromotionContext> = { kind: 'report', run: report };
