/**
 * Promotion branches (`slipway/promote-<env>-<app>`) after review: one whose review is done (its
 * pull request merged or closed; on remotes without a pull-request API, contained in the env
 * repo's branch already) is restarted by the next PR-mode promotion from the branch's head
 * instead of stacking on the old one; `status` lists only the branches still pending. Both ask
 * the remote's `pullRequests` capability, whatever the host.
 */
import type { EnvRemote } from '../core/env-remote.js';
import { capability, type PullRequestRef } from '../core/remote-capabilities.js';

/** The branch a promotion for review commits to. */
export function promotionBranch(env: string, app: string): string {
  return `slipway/promote-${env}-${app}`;
}

/** The branch a bundle for review commits to (several apps at once: `promote --all`, track). */
export function bundleBranch(env: string): string {
  return `slipway/bundle-${env}`;
}

/**
 * Why the promotion branch at `head` is done (so restarted from the env repo's branch), or
 * undefined when it is still pending.
 */
export async function restartReason(remote: EnvRemote, branch: string, head: string): Promise<string | undefined> {
  const state = await capability(remote, 'pullRequests').state(branch, head);
  return state.done ? state.reason : undefined;
}

export interface PendingBranch {
  readonly branch: string;
  /** The branch's head commit. */
  readonly head: string;
  /** Its open pull request (GitHub). */
  readonly pullRequest?: PullRequestRef;
}

/**
 * The env's promotion branches still pending review, by app: on GitHub, those with an open pull
 * request (or none yet); elsewhere, those not contained in the env repo's branch. None on a
 * remote that cannot list branches or take changes through review.
 */
export async function pendingBranches(remote: EnvRemote, env: string, apps: readonly string[]): Promise<Map<string, PendingBranch>> {
  const pending = new Map<string, PendingBranch>();
  const reviews = remote.capabilities.pullRequests;
  if (!remote.branchHeads || !reviews) return pending;
  const heads = await remote.branchHeads(promotionBranch(env, ''));
  for (const app of apps) {
    const branch = promotionBranch(env, app);
    const head = heads.get(branch);
    if (head === undefined) continue;
    const state = await reviews.state(branch, head);
    if (state.done) continue;
    pending.set(app, { branch, head, ...(state.pullRequest ? { pullRequest: state.pullRequest } : {}) });
  }
  return pending;
}

/** The env's bundle branch (`promote --all`, track) when it is pending review, like pendingBranches. */
export async function pendingBundle(remote: EnvRemote, env: string): Promise<PendingBranch | undefined> {
  const reviews = remote.capabilities.pullRequests;
  if (!remote.branchHeads || !reviews) return undefined;
  const branch = bundleBranch(env);
  const head = (await remote.branchHeads(branch)).get(branch);
  if (head === undefined) return undefined;
  const state = await reviews.state(branch, head);
  return state.done ? undefined : { branch, head, ...(state.pullRequest ? { pullRequest: state.pullRequest } : {}) };
}
