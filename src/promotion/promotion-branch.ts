/**
 * Promotion branches (`slipway/promote-<env>-<app>`) after review: one whose review is done (its
 * pull request merged or closed; on remotes without a pull-request API, contained in the env
 * repo's branch already) is restarted by the next PR-mode promotion from the branch's head
 * instead of stacking on the old one; `status` lists only the branches still pending. Both ask
 * the remote's `pullRequests` capability, whatever the host.
 */
import type { EnvRemote } from '../core/env-remote.js';
import { capability, type PullRequestRef } from '../core/remote-capabilities.js';

/** What every branch slipway pushes for review starts with. */
const BRANCH_PREFIX = 'slipway/';

/** The branch a promotion for review commits to. */
export function promotionBranch(env: string, app: string): string {
  return `${BRANCH_PREFIX}promote-${env}-${app}`;
}

/** The branch a bundle for review commits to (several apps at once: `promote --all`, track). */
export function bundleBranch(env: string): string {
  return `${BRANCH_PREFIX}bundle-${env}`;
}

/**
 * Why the promotion branch at `head` is done (so restarted from the env repo's branch), or
 * undefined when it is still pending.
 */
export async function restartReason(remote: EnvRemote, branch: string, head: string): Promise<string | undefined> {
  const state = await capability(remote, 'pullRequests').state(branch, head);
  return state.done ? state.reason : undefined;
}

interface PendingBranch {
  readonly branch: string;
  /** The branch's head commit. */
  readonly head: string;
  /** Its open pull request (GitHub). */
  readonly pullRequest?: PullRequestRef;
}

/** What of an env is pending review: promotion branches by app, and the bundle branch. */
export interface PendingReviews {
  readonly branches: Map<string, PendingBranch>;
  readonly bundle?: PendingBranch;
}

/**
 * The env's promotion branches still pending review, by app, and its bundle branch (`promote
 * --all`, track) when that is: on GitHub, those with an open pull request (or none yet);
 * elsewhere, those not contained in the env repo's branch. None on a remote that cannot list
 * branches or take changes through review. One listing of `slipway/…` serves both.
 */
export async function pendingReviews(remote: EnvRemote, env: string, apps: readonly string[]): Promise<PendingReviews> {
  const branches = new Map<string, PendingBranch>();
  const reviews = remote.capabilities.pullRequests;
  if (!remote.branchHeads || !reviews) return { branches };
  const heads = await remote.branchHeads(BRANCH_PREFIX);
  const pendingAt = async (branch: string): Promise<PendingBranch | undefined> => {
    const head = heads.get(branch);
    if (head === undefined) return undefined;
    const state = await reviews.state(branch, head);
    return state.done ? undefined : { branch, head, ...(state.pullRequest ? { pullRequest: state.pullRequest } : {}) };
  };
  for (const app of apps) {
    const pending = await pendingAt(promotionBranch(env, app));
    if (pending) branches.set(app, pending);
  }
  const bundle = await pendingAt(bundleBranch(env));
  return { branches, ...(bundle ? { bundle } : {}) };
}
