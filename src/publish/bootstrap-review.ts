/**
 * Bootstrap of an environment that takes changes through review (`promotion: pr`): what synth
 * generates goes to the branch `slipway/bootstrap-<env>` (put up for review through the remote's
 * `pullRequests` capability: on GitHub a pull request whose body is the plan), never straight to
 * the env repo's branch. `slipway approve <env> --bootstrap` merges it where there is no
 * pull-request API.
 *
 * The exception is the first bootstrap: an env repo without a commit, or holding none of what
 * slipway generates (at most the README of GitHub's `auto_init`), has nothing to review against
 * yet, and gets its first tree committed directly.
 *
 * Like `syncEnv`: planned against the head read, committed on top of it without force; when the
 * branch moved meanwhile, re-read, re-render and retry with capped backoff (core/step-runner.ts).
 */
import type { EnvDefinition } from '../../generators/environment.js';
import { OWNED_DIRS, planEnv, renderPlan, type Plan } from '../plan/plan.js';
import { need, runSteps, skipped, succeeded, type Step, type StepResult } from '../core/step-runner.js';
import type { EnvRemote, RemoteTree } from '../core/env-remote.js';
import { capability } from '../core/remote-capabilities.js';
import type { SyncContext } from './steps/context.js';
import { planEnvRepoStep } from './steps/plan-env-repo.js';
import { readEnvRepoStep } from './steps/read-env-repo.js';
import { commitMessage, envRepoRetry, type SyncOptions, type SyncResult } from './sync-env.js';

export function bootstrapBranch(env: string): string {
  return `slipway/bootstrap-${env}`;
}

/** Whether bootstrap of this env goes through review (once the env repo holds a first bootstrap). */
export function reviewsBootstrap(env: EnvDefinition): boolean {
  return env.promotion === 'pr';
}

/** No commit yet, or none of slipway's folders (GitHub's auto_init leaves a README.md only). */
export function isFirstBootstrap(tree: RemoteTree): boolean {
  return tree.head === undefined || ![...tree.blobs.keys()].some((p) => OWNED_DIRS.some((d) => p.startsWith(d)));
}

/** The line `plan` and `bootstrap --dry-run` print for a reviewed env: which path bootstrap takes. */
export function bootstrapRoute(env: string, remote: EnvRemote, tree: RemoteTree, branch: string): string {
  if (isFirstBootstrap(tree)) {
    return `${env}: first bootstrap: bootstrap commits directly to ${branch} (promotion: pr; later bootstraps go through review)`;
  }
  return capability(remote, 'pullRequests').hosted
    ? `${env} takes changes through review (promotion: pr): bootstrap commits to ${bootstrapBranch(env)} and opens a pull request`
    : `${env} takes changes through review (promotion: pr): bootstrap pushes ${bootstrapBranch(env)}; merge it with: slipway approve ${env} --bootstrap`;
}

export interface ReviewSyncResult extends SyncResult {
  /** What happened, in one line. */
  readonly route: string;
  /** The review branch, when the commit went there. */
  readonly branch?: string;
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly created: boolean };
}

/**
 * `syncEnv` for a reviewed env: the plan is against the env repo's branch (what merging brings),
 * the commit goes on the review branch (continuing it when it exists; no force). The same steps
 * and retry group as `syncEnv`, with the commit step below in place of the direct one.
 */
export async function syncForReview(options: SyncOptions & { readonly branch: string }): Promise<ReviewSyncResult> {
  const ctx: SyncContext = { options };
  await runSteps([{ retry: envRepoRetry(options), steps: [readEnvRepoStep, planEnvRepoStep, commitForReviewStep(options.branch)] }], ctx);
  return ctx.result as ReviewSyncResult;
}

/**
 * Sync step `commit-for-review`: the first bootstrap directly, later ones on the review branch
 * with a pull request where the remote has the API. Kept here, next to the rest of the review
 * route. The branch moved meanwhile: `errored` (moved), and the runner starts again from the read.
 */
function commitForReviewStep(target: string): Step<SyncContext> {
  return {
    kind: 'commit-for-review',
    run: async (c): Promise<StepResult> => {
      const { options } = c;
      const { remote } = options;
      const review = bootstrapBranch(options.env);
      const main = need(c.tree, 'read-env-repo');
      const desired = need(c.desired, 'plan-env-repo');
      const plan = need(c.plan, 'plan-env-repo');
      const result = await commitForReview();
      c.result = result;
      return result.commit ? succeeded(result.route, { commit: result.commit, branch: result.branch }) : skipped(result.route);

      async function commitForReview(): Promise<ReviewSyncResult> {
        if (plan.changes.length === 0) {
          return {
            plan,
            commit: undefined,
            route: `${options.env}: ${remote.description} already up to date; no commit`,
          };
        }
        if (isFirstBootstrap(main)) {
          const { sha } = await remote.commit({
            parent: main.head,
            write: plan.write,
            delete: plan.delete,
            message: commitMessage(plan, options.title(plan), options.trailers),
          });
          return {
            plan,
            commit: sha,
            route: `${options.env}: committed ${sha} to ${remote.description} directly (first bootstrap: nothing to review against yet)`,
          };
        }
        const reviews = capability(remote, 'pullRequests');
        // Continue the review branch when it exists: its own head is the parent, never forced. One
        // whose review is done starts again from the env repo's branch, as a promotion branch does
        // (promotion/promotion-branch.ts): its pull request merged or closed without merging
        // (elsewhere: merged into the branch already, by slipway approve --bootstrap).
        const onBranch = await remote.read(review);
        const state = onBranch.head === undefined ? undefined : await reviews.state(review, onBranch.head);
        const restart = state?.done === true;
        if (state?.done) options.log?.(`${options.env}: ${review} ${state.reason}; starting it again from ${target}`);
        const continued = onBranch.head !== undefined && !restart;
        const branchPlan = continued ? await planEnv(options.env, remote.description, onBranch, desired) : plan;
        let commit: string | undefined;
        if (branchPlan.changes.length > 0) {
          commit = (
            await remote.commit({
              parent: continued ? onBranch.head : main.head,
              ...(restart ? { replaces: onBranch.head } : {}),
              branch: review,
              write: branchPlan.write,
              delete: branchPlan.delete,
              message: commitMessage(branchPlan, options.title(plan), options.trailers),
            })
          ).sha;
        }
        const pr = await reviews.propose(review, options.title(plan), pullRequestBody(plan, target));
        if (pr) {
          return {
            plan,
            commit,
            branch: review,
            pullRequest: pr,
            route: `${options.env}: ${pr.created ? 'opened' : 'updated'} pull request #${pr.number} (${pr.url}) from ${review}; merge it (or slipway approve ${options.env} --bootstrap)`,
          };
        }
        return {
          plan,
          commit,
          branch: review,
          route: commit
            ? `${options.env}: pushed ${review} (${commit.slice(0, 12)}) to ${remote.description} for review; merge it with: slipway approve ${options.env} --bootstrap`
            : `${options.env}: ${review} on ${remote.description} already holds this; merge it with: slipway approve ${options.env} --bootstrap`,
        };
      }
    },
  };
}

function pullRequestBody(plan: Plan, branch: string): string {
  return [
    `Makes **${plan.env}**'s env repo hold exactly what the platform repo generates (\`slipway bootstrap\`).`,
    '',
    `Plan against \`${branch}\`:`,
    '',
    '```diff',
    renderPlan(plan, { color: false, diffs: 'all' }).trimEnd(),
    '```',
  ].join('\n');
}
