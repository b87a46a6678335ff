/**
 * The capabilities of an env repo on GitHub (`GitHubRemote`): pull requests, read-only deploy
 * keys for Argo CD, branch protection, and whether the repo exists; each through the remote's
 * REST calls (github-remote.ts).
 */
import { RemoteError } from '../core/env-remote.js';
import type { GitHubRemote } from './github-remote.js';
import type { MergeOptions, PullRequests, RemoteCapabilities, ReviewState, ReviewToMerge } from '../core/remote-capabilities.js';

/** What GitHub can do besides reading and committing. */
export function githubCapabilities(remote: GitHubRemote): RemoteCapabilities {
  return {
    pullRequests: new GitHubPullRequests(remote),
    readAccess: {
      keys: async () => (await remote.deployKeys()).map((k) => ({ id: k.id, title: k.title, key: k.key, readOnly: k.read_only })),
      addKey: (title, publicKey) => remote.addDeployKey(title, publicKey),
      removeKey: (id) => remote.deleteDeployKey(id),
    },
    branchProtection: {
      isProtected: () => remote.branchProtected(),
      protect: async () =>
        (await remote.protectBranch())
          ? { done: true }
          : { done: false, reason: 'GitHub cannot protect branches of private repos on this plan' },
    },
    existence: { exists: () => remote.exists() },
  };
}

/** Pull requests into the remote's branch, merged there (or by `slipway approve`, through the API). */
class GitHubPullRequests implements PullRequests {
  readonly hosted = true;

  constructor(private readonly remote: GitHubRemote) {}

  propose(branch: string, title: string, body: string): Promise<{ number: number; url: string; created: boolean }> {
    return this.remote.upsertPullRequest(branch, title, body);
  }

  /** Pending while a pull request is open, or while none was made from this head; done once the one from this head was merged or closed. */
  async state(branch: string, head: string): Promise<ReviewState> {
    const pulls = await this.remote.pullRequests(branch);
    const open = pulls.find((p) => p.state === 'open');
    if (open) return { done: false, pullRequest: { number: open.number, url: open.url } };
    const last = pulls.find((p) => p.headSha === head);
    if (!last) return { done: false };
    return {
      done: true,
      reason: last.merged ? `was merged (pull request #${last.number})` : `was closed without merging (pull request #${last.number})`,
    };
  }

  /** The open pull request from `branch`, with the branch's head commit. */
  async toMerge(branch: string, head: string): Promise<ReviewToMerge> {
    const pr = await this.remote.openPullRequest(branch);
    if (!pr) return { state: 'no-pull-request' };
    const [tip] = await this.remote.commits({ branch, limit: 1 });
    return { state: 'open', head, commits: tip ? [tip] : [], pullRequest: pr };
  }

  /** As the merge button does; GitHub writes the title ("Merge pull request #N from …") and the author. */
  async merge(review: Extract<ReviewToMerge, { state: 'open' }>, options: MergeOptions): Promise<{ readonly sha: string }> {
    if (!review.pullRequest) throw new RemoteError(`${this.remote.description}: no pull request to merge`);
    return this.remote.mergePullRequest(review.pullRequest.number, review.head, options.message);
  }
}
