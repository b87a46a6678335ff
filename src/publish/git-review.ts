/**
 * The capabilities of a plain git remote (`GitRemote`): review without a pull-request API, and,
 * for a local path, whether the repo exists. It has no deploy keys or branch protection to
 * manage: those are the git server's own settings.
 *
 * Review: the pushed branch (`slipway/promote-<env>-<app>`, `slipway/bootstrap-<env>`) is the
 * review itself. `slipway approve` merges it into the remote's branch as a merge commit (git's
 * three-way merge, pushed without force); once its head is in the remote's branch, it is done.
 * A GitLab or Gitea merge request made from the same branch and merged there reads the same.
 */
import { existsSync } from 'node:fs';
import type { CommitInfo, EnvRemote } from '../core/env-remote.js';
import type { MergeOptions, PullRequests, RemoteCapabilities, ReviewState, ReviewToMerge } from '../core/remote-capabilities.js';

/** How many commits of history are compared to tell what is merged already. */
const HISTORY_LIMIT = 1000;

/** A remote that can tell whether a commit is merged into a branch. */
type MergingRemote = EnvRemote & Required<Pick<EnvRemote, 'contains'>>;

export interface GitCapabilitiesProps {
  /** The URL, or the absolute path of a local bare repo. */
  readonly url: string;
  /** `url` is a local path. */
  readonly local: boolean;
  /** The remote's branch, which reviews merge into. */
  readonly branch: string;
}

/** What a plain git remote can do besides reading and committing. */
export function gitCapabilities(remote: MergingRemote, props: GitCapabilitiesProps): RemoteCapabilities {
  return {
    pullRequests: new ReviewBranches(remote, props.branch),
    // A URL is asked when read (and bootstrap creates only local paths): no way to tell before.
    ...(props.local ? { existence: { exists: async () => existsSync(props.url) } } : {}),
  };
}

/** Review branches merged by `slipway approve`: the pull-request capability without a pull-request API. */
class ReviewBranches implements PullRequests {
  readonly hosted = false;

  constructor(
    private readonly remote: MergingRemote,
    private readonly branch: string,
  ) {}

  /** Nothing to open: the pushed branch is the review. */
  async propose(): Promise<undefined> {
    return undefined;
  }

  async state(_branch: string, head: string): Promise<ReviewState> {
    if (await this.remote.contains(head, this.branch)) return { done: true, reason: `is merged into ${this.branch} already` };
    return { done: false };
  }

  async toMerge(branch: string, head: string): Promise<ReviewToMerge> {
    const commits = await this.pending(branch);
    if (commits.length === 0 || (await this.remote.contains(head, this.branch)) === true) return { state: 'merged' };
    return { state: 'open', head, commits };
  }

  /** A merge commit whose first parent is the branch's head as read (`base`), pushed without force. */
  async merge(review: Extract<ReviewToMerge, { state: 'open' }>, options: MergeOptions): Promise<{ readonly sha: string }> {
    return this.remote.commit({
      parent: options.base,
      merge: review.head,
      write: new Map(),
      delete: [],
      ...(options.author ? { author: options.author } : {}),
      message: options.message,
    });
  }

  /** The branch's commits that the remote's branch does not have yet, newest first. */
  private async pending(branch: string): Promise<CommitInfo[]> {
    const merged = new Set((await this.remote.commits({ branch: this.branch, limit: HISTORY_LIMIT })).map((c) => c.sha));
    const out: CommitInfo[] = [];
    for (const c of await this.remote.commits({ branch, limit: HISTORY_LIMIT })) {
      if (merged.has(c.sha)) break;
      out.push(c);
    }
    return out;
  }
}
