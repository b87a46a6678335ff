/**
 * Promotion branches (`slipway/promote-<env>-<app>`) after review: one whose pull request was
 * merged or closed, or (on remotes without a pull-request API) that is contained in the env
 * repo's branch already, is done. The next PR-mode promotion starts it again from the branch's
 * head instead of stacking on the old one; `status` lists only the branches still pending.
 */
import type { EnvRemote } from '../publish/env-remote.js';
import { GitHubRemote } from '../publish/github-remote.js';

/** Why the promotion branch at `head` is done (so restarted from `main`), or undefined when it is still pending. */
export async function restartReason(remote: EnvRemote, branch: string, head: string, main: string): Promise<string | undefined> {
  if (remote instanceof GitHubRemote) {
    const pulls = await remote.pullRequests(branch);
    if (pulls.some((p) => p.state === 'open')) return undefined;
    const last = pulls.find((p) => p.headSha === head);
    if (last) return last.merged ? `was merged (pull request #${last.number})` : `was closed without merging (pull request #${last.number})`;
    return undefined;
  }
  if (remote.contains && (await remote.contains(head, main))) return `is merged into ${main} already`;
  return undefined;
}

export interface PendingBranch {
  readonly branch: string;
  /** The branch's head commit. */
  readonly head: string;
  /** Its open pull request (GitHub). */
  readonly pullRequest?: { readonly number: number; readonly url: string };
}

/**
 * The env's promotion branches still pending review, by app: on GitHub, those with an open pull
 * request (or none yet); elsewhere, those not contained in `main`.
 */
export async function pendingBranches(remote: EnvRemote, env: string, apps: readonly string[], main: string): Promise<Map<string, PendingBranch>> {
  const pending = new Map<string, PendingBranch>();
  if (!remote.branchHeads) return pending;
  const heads = await remote.branchHeads(`slipway/promote-${env}-`);
  for (const app of apps) {
    const branch = `slipway/promote-${env}-${app}`;
    const head = heads.get(branch);
    if (head === undefined) continue;
    if (remote instanceof GitHubRemote) {
      const pulls = await remote.pullRequests(branch);
      const open = pulls.find((p) => p.state === 'open');
      if (open) pending.set(app, { branch, head, pullRequest: { number: open.number, url: open.url } });
      else if (!pulls.some((p) => p.headSha === head)) pending.set(app, { branch, head }); // pushed, no pull request yet
      continue;
    }
    if (!(await restartReason(remote, branch, head, main))) pending.set(app, { branch, head });
  }
  return pending;
}
