/**
 * What an env repo's host can do beyond reading and committing (`EnvRemote`): take changes
 * through review, give Argo CD read access, protect the branch, tell whether the repo exists.
 * Each is a small interface a host module implements (or leaves out) in its `capabilities`;
 * commands ask for the one they need with `capability(remote, name)` and get it, or a
 * `CapabilityError` that says what this remote cannot do and what to do instead. No command
 * knows which host it talks to: GitHub (github-capabilities.ts), any git remote
 * (git-review.ts), or one added later (README, "Contributing: adding a git host").
 */
import { RemoteError, type CommitInfo, type EnvRemote } from './env-remote.js';

/** A pull (merge) request as the host shows it. */
export interface PullRequestRef {
  readonly number: number;
  /** Its web page. */
  readonly url: string;
}

/** Where the review of a pushed branch stands. */
export type ReviewState =
  /** Waiting: its open pull request, or none (yet, or where the branch itself is the review). */
  | { readonly done: false; readonly pullRequest?: PullRequestRef }
  /** Merged or closed, so the next change starts the branch again: why, e.g. `was merged (pull request #3)`. */
  | { readonly done: true; readonly reason: string };

/** What approving a branch finds. */
export type ReviewToMerge =
  /** Something to merge: the branch's head as read, the commits it brings (newest first), its pull request. */
  | { readonly state: 'open'; readonly head: string; readonly commits: readonly CommitInfo[]; readonly pullRequest?: PullRequestRef }
  /** The branch is in the remote's branch already. */
  | { readonly state: 'merged' }
  /** No open pull request from the branch (merged or closed already, or never opened). */
  | { readonly state: 'no-pull-request' };

export interface MergeOptions {
  /** The head of the remote's branch as read: the merge commit's first parent. */
  readonly base: string;
  /** The merge commit's message; a host that titles merges itself ("Merge pull request #N") gets the body only. */
  readonly message: string;
  /** The merge commit's author, where the host lets slipway choose it. */
  readonly author?: { readonly name: string; readonly email: string };
}

/**
 * Review before a change reaches the remote's branch: a branch is pushed (by `commit` with
 * `branch`), put up for review, and merged into the remote's branch. On GitHub a pull request is
 * the review; on a plain git remote the pushed branch itself is, merged by `slipway approve`.
 */
export interface PullRequests {
  /**
   * Whether the host has pull (merge) requests of its own, which people merge there; otherwise
   * the pushed branch is the review and `slipway approve` merges it.
   */
  readonly hosted: boolean;
  /**
   * Puts the pushed `branch` up for review into the remote's branch: opens a pull request, or
   * updates the open one (title, body). Undefined where the branch itself is the review.
   */
  propose(branch: string, title: string, body: string): Promise<(PullRequestRef & { readonly created: boolean }) | undefined>;
  /** Where the review of `branch`, whose head is `head`, stands. */
  state(branch: string, head: string): Promise<ReviewState>;
  /** What approving `branch` (whose head was read as `head`) would merge. */
  toMerge(branch: string, head: string): Promise<ReviewToMerge>;
  /**
   * Merges it into the remote's branch, only while the branch is still at `review.head` and the
   * remote's at `options.base` (else `BranchMovedError`: re-read and try again); a conflict is a
   * `MergeConflictError`, a merge the host refuses (required reviews, checks) a `RemoteError`.
   */
  merge(review: Extract<ReviewToMerge, { state: 'open' }>, options: MergeOptions): Promise<{ readonly sha: string }>;
}

/**
 * A key the host accepts for reading the repo (a deploy key).
 * @public the capability contract a host module implements (README: adding a git host)
 */
export interface ReadKey {
  readonly id: number;
  readonly title: string;
  /** The public key, OpenSSH format. */
  readonly key: string;
  readonly readOnly: boolean;
}

/** Read access to the repo for Argo CD: keys registered with the host, read-only. */
export interface ReadAccess {
  /** The keys registered for this repo. */
  keys(): Promise<ReadKey[]>;
  /** Registers a read-only key (`ssh-ed25519 ...`) under `title`. */
  addKey(title: string, publicKey: string): Promise<void>;
  removeKey(id: number): Promise<void>;
}

/**
 * Protection of the remote's branch against force pushes and deletion.
 * @public the capability contract a host module implements (README: adding a git host)
 */
export interface BranchProtection {
  isProtected(): Promise<boolean>;
  /**
   * Protects it, still letting slipway's own direct commits through (no required reviews or
   * checks). `done: false` with the reason when the host refuses for a reason that is no error
   * (GitHub: the plan cannot protect private repos).
   */
  protect(): Promise<{ readonly done: true } | { readonly done: false; readonly reason: string }>;
}

/**
 * Telling, without creating it, whether the repo exists (`plan` against a repo bootstrap creates).
 * @public the capability contract a host module implements (README: adding a git host)
 */
export interface RepoExistence {
  exists(): Promise<boolean>;
}

/** What a remote can do besides reading and committing; a host leaves out what it cannot. */
export interface RemoteCapabilities {
  readonly pullRequests?: PullRequests;
  readonly readAccess?: ReadAccess;
  readonly branchProtection?: BranchProtection;
  readonly existence?: RepoExistence;
}

export type CapabilityName = keyof RemoteCapabilities;

/** For the error: what a remote without the capability cannot do, and what to do instead. */
const MISSING: { readonly [K in CapabilityName]-?: { readonly cannot: string; readonly instead: string } } = {
  pullRequests: {
    cannot: 'take changes through review (pull requests or review branches)',
    instead: 'set promotion: direct in the env file, or promote with --direct',
  },
  readAccess: {
    cannot: 'give Argo CD read access (deploy keys)',
    instead: 'give Argo CD a repository Secret with read credentials yourself, or make the repo public',
  },
  branchProtection: {
    cannot: 'protect branches',
    instead: "protect the branch in the host's own settings and turn branchProtection off in the env file",
  },
  existence: {
    cannot: 'tell whether its repo exists',
    instead: 'create the repo first, then run again',
  },
};

/** A command needs a capability the remote does not have: the user must change the env file or the host. Exit 1. */
export class CapabilityError extends RemoteError {
  constructor(
    description: string,
    readonly capability: CapabilityName,
  ) {
    super(`${description}: this remote cannot ${MISSING[capability].cannot}; ${MISSING[capability].instead}`);
    this.name = 'CapabilityError';
  }
}

/** The remote's `name` capability, or a `CapabilityError` saying it cannot and what to do instead. */
export function capability<K extends CapabilityName>(remote: EnvRemote, name: K): NonNullable<RemoteCapabilities[K]> {
  const found = remote.capabilities[name];
  if (found === undefined) throw new CapabilityError(remote.description, name);
  return found as NonNullable<RemoteCapabilities[K]>;
}
