/**
 * Step `commit-env-repo` (last of the env-repo group): the commit Argo CD deploys. Directly on
 * the env repo's branch, or on the promotion branch for review (continuing its own head, or
 * started again from the branch when its pull request was merged or closed), with a pull
 * request where the remote has the API. Committed on top of the head read by `edit-envs`, never
 * forced: when the branch moved meanwhile it reports `errored` (moved), and the runner re-runs
 * the group. Nothing to change, or a dry run: `skipped`. A bundle (several apps) is one commit,
 * its review branch `slipway/bundle-<env>`, its trailers `Slipway-Bundle` (trailers.ts).
 */
import type { EnvDefinition } from '../../../generators/environment.js';
import { ConfigError } from '../../core/config-error.js';
import { planEnv, renderPlan, type Plan } from '../../plan/plan.js';
import type { RemoteTree } from '../../core/env-remote.js';
import { capability } from '../../core/remote-capabilities.js';
import { commitMessage } from '../../publish/sync-env.js';
import { committedTags } from '../../plan/committed-tags.js';
import type { PlatformRepo } from '../platform-repo.js';
import type { PromotionFlags } from '../promote.js';
import { bundleBranch, promotionBranch, restartReason } from '../promotion-branch.js';
import { trailersFor } from '../trailers.js';
import { isBundle, need, type EnvCommit, type Move, type PromotionContext } from './context.js';
import { skipped, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function commitEnvRepo(c: PromotionContext): Promise<StepResult> {
  const { o } = c;
  const { env, envFile, platform } = need(c.resolved, 'resolve');
  const { remote, usePr, bypass, title, source, actor, author } = need(c.routed, 'route');
  const state = need(c.edited, 'edit-envs');
  const { main, moves } = state;
  if (moves.length === 0) {
    // A bundle whose every app was left out on this attempt (changed in the env repo meanwhile).
    c.envCommit = { status: 'unchanged' };
    return skipped('nothing moves');
  }
  const { desired } = need(c.rendered, 'render');
  const from = (app: string) => state.current.get(app);
  await checkUncommitted(platform, envFile, main, env);
  const promotedFrom = moves.find((m) => m.promotedFrom)?.promotedFrom;
  const trailers = trailersFor({
    env: o.env,
    moves: moves.map((m) => ({ app: m.app, from: from(m.app), to: m.tag, tracked: m.tracked?.policy })),
    sourceCommit: source,
    actor,
    forced: o.force ? o.reason : undefined,
    direct: bypass ? o.reason : undefined,
    rollback: o.rollback,
    promotedFrom,
  });
  // A PR branch continues from its own head; a direct promotion from the branch's.
  const branch = usePr ? (isBundle(moves) ? bundleBranch(o.env) : promotionBranch(o.env, moves[0]!.app)) : undefined;
  const base = branch ? await remote.read(branch) : main;
  // …unless its pull request was merged or closed (elsewhere: it is merged): then it starts again from main.
  const restart = branch && base.head ? await restartReason(remote, branch, base.head) : undefined;
  if (restart) o.log(`${o.env}: ${branch} ${restart}; starting it again from ${env.repo.branch}`);
  const onto = base.head && !restart ? base : main;
  const plan = await planEnv(o.env, remote.description, onto, desired);
  const result = (status: EnvCommit['status'], extra: Partial<EnvCommit> = {}): EnvCommit => ({ status, plan, ...extra });
  if (plan.changes.length === 0) {
    c.envCommit = result('unchanged', branch && base.head && !restart ? { onBranch: branch } : {});
    return skipped(`${moves.map((m) => `${m.app} is already ${m.tag}`).join(', ') || 'nothing moves'} in ${remote.description}`);
  }
  if (o.dryRun) {
    c.envCommit = result('dry-run');
    return skipped('dry run: nothing written');
  }
  c.envCommit = await commit();
  return succeeded(c.envCommit.message ?? `committed ${c.envCommit.commit!.slice(0, 12)}`, {
    commit: c.envCommit.commit,
    branch: c.envCommit.branch,
  });

  async function commit(): Promise<EnvCommit> {
    const { sha } = await remote.commit({
      parent: onto.head,
      branch,
      write: plan.write,
      delete: plan.delete,
      message: commitMessage(plan, title(moves, from), trailers),
      ...(author ? { author } : {}),
      ...(restart ? { replaces: base.head } : {}),
    });
    // Direct: the platform repo records it next (commit-platform-repo).
    if (!branch) return result('committed', { commit: sha });
    const pr = await capability(remote, 'pullRequests').propose(branch, title(moves, from), pullRequestBody(plan, o, moves, from));
    if (pr) {
      return result('pull-request', {
        commit: sha,
        branch,
        pullRequest: pr,
        message: `${pr.created ? 'opened' : 'updated'} pull request #${pr.number} (${pr.url}) from ${branch}; merge it, then slipway pull`,
      });
    }
    const approve = isBundle(moves) ? `slipway approve ${o.env} --bundle` : `slipway approve ${o.env} ${moves[0]!.app}`;
    return result('branch-pushed', {
      commit: sha,
      branch,
      message: `pushed ${branch} to ${remote.description} for review (no pull-request API here): merge it with ${approve} (or a merge request), then slipway pull`,
    });
  }
}

/**
 * envs/<env>.yaml may carry uncommitted tag edits only when they are what the env repo holds (a
 * promotion that stopped before its platform-repo commit): anything else is someone's edit.
 */
async function checkUncommitted(platform: PlatformRepo | undefined, file: string, tree: RemoteTree, env: EnvDefinition): Promise<void> {
  const pending = platform?.uncommitted.get(file);
  if (!pending) return;
  const repoTags = await committedTags(tree, env, [...pending.tags.keys()]);
  for (const [app, tag] of pending.tags) {
    if (repoTags.get(app) === tag) continue;
    throw new ConfigError(
      `${file} has an uncommitted change: apps.${app}.tag ${tag} (committed: ${pending.committed.get(app) ?? 'none'}; the env repo has ${repoTags.get(app) ?? 'none'}): ` +
        `commit or discard it first (git checkout -- ${file}); nothing was written`,
    );
  }
}

function pullRequestBody(plan: Plan, o: PromotionFlags, moves: readonly Move[], from: (app: string) => string | undefined): string {
  const line = (m: Move) =>
    `**${m.app}**${isBundle(moves) ? '' : ` in **${o.env}**`}: \`${from(m.app) ?? 'none'}\` → \`${m.tag}\`${m.promotedFrom ? ` (the tag ${m.promotedFrom} runs)` : ''}${m.tracked ? ' (the newest tag its track policy allows)' : ''}`;
  return [
    ...(isBundle(moves)
      ? [`Promotes ${moves.length} apps in **${o.env}** together:`, '', ...moves.map((m) => `- ${line(m)}`)]
      : [`Promotes ${line(moves[0]!)}.`]),
    ...(o.force ? ['', `Gate bypassed with --force: ${o.reason}`] : []),
    '',
    'Plan:',
    '',
    '```diff',
    renderPlan(plan, { color: false, diffs: 'all' }).trimEnd(),
    '```',
    '',
    'Merging changes the desired state; Argo CD converges the cluster. Then run `slipway pull` in the platform repo.',
  ].join('\n');
}

export const commitEnvRepoStep: Step<PromotionContext> = { kind: 'commit-env-repo', run: commitEnvRepo };
