/**
 * Where an environment repo lives, as slipway's writing commands see it: read the branch's tree,
 * commit a whole new tree on top of the head that was read. Two implementations: GitHub through
 * Octokit and the Git Data API (github-remote.ts), any other git remote through simple-git
 * (git-remote.ts). Production code never knows whether it talks to the real GitHub.
 *
 * What a host can do beyond that (pull requests, read access for Argo CD, branch protection) is
 * in `capabilities`, see remote-capabilities.ts.
 */
import type { RemoteCapabilities } from './remote-capabilities.js';

/** The branch as read: its head commit (undefined when the repo or branch has no commit yet) and files. */

/** A full git commit id: SHA-1 (40 hex digits) or SHA-256 (64), lower case as git prints it. */
export const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
export interface RemoteTree {
  readonly head: string | undefined;
  /** Path → git blob SHA-1 of every file on the branch. */
  readonly blobs: ReadonlyMap<string, string>;
  /** Reads one file's content at `head` (only for files whose diff is shown). */
  readonly read: (path: string) => Promise<string>;
}

export interface CommitRequest {
  /** The head the new tree was computed against; the commit's parent. */
  readonly parent: string | undefined;
  /**
   * Branch to move. @default the remote's branch. When it does not exist yet it is created at
   * the new commit (whose parent is `parent`, e.g. the main branch's head for a PR branch).
   */
  readonly branch?: string;
  /** Files to write (path → content). */
  readonly write: ReadonlyMap<string, string>;
  /** Files to delete. */
  readonly delete: readonly string[];
  readonly message: string;
  /**
   * A commit to merge (the head of another branch, as read): the new commit is a merge commit,
   * parents `[parent, merge]`, whose tree is git's three-way merge of the two; `write` and
   * `delete` must then be empty. A conflict is a `MergeConflictError`. Not on GitHub, where
   * branches merge through pull requests.
   */
  readonly merge?: string;
  /**
   * The commit's author. @default the remote's (GitHub: the token's user; other remotes: slipway).
   * Promotions pass the person's identity (or SLIPWAY_GIT_AUTHOR_NAME / _EMAIL).
   */
  readonly author?: { readonly name: string; readonly email: string };
  /**
   * Restarts `branch`: it is expected at this commit (a promotion branch whose pull request was
   * merged or closed) and is replaced by the new commit, whose parent `parent` need not descend
   * from it. Compare-and-swap: when the branch is anywhere else, `BranchMovedError` as usual.
   */
  readonly replaces?: string;
}

export interface CommitResult {
  readonly sha: string;
}

/** One commit as history shows it. */
export interface CommitInfo {
  readonly sha: string;
  /** The full message (title, body, trailers). */
  readonly message: string;
  readonly author: string;
  /** ISO 8601. */
  readonly date: string;
  /** Parent commits, first parent first (a merge has two), when the remote reports them. */
  readonly parents?: readonly string[];
}

export interface EnsureResult {
  /** The repo did not exist and was created. */
  readonly created: boolean;
}

export interface EnvRemote {
  /** For messages: `github.com/owner/name` or the URL/path, never with credentials. */
  readonly description: string;
  /** Creates the repo when it does not exist (GitHub: private, auto_init; a local path: a bare repo). */
  ensure(): Promise<EnsureResult>;
  /** Reads the branch (default: the remote's). A missing branch reads as empty (head undefined). */
  read(branch?: string): Promise<RemoteTree>;
  /**
   * Commits on `branch` (default: the remote's) that touched `path`, newest first, at most
   * `limit`; for history and rollback.
   */
  commits(options: {
    readonly path?: string;
    readonly branch?: string;
    readonly limit?: number;
    /**
     * Walk back from this commit, one the caller read from the branch a moment ago (the status
     * page: history as of the tree it shows), instead of asking the remote for the head now; the
     * branch's head when the remote does not have it (any more).
     * @default - the branch's head, read now
     */
    readonly at?: string;
  }): Promise<CommitInfo[]>;
  /**
   * Commits on top of `request.parent` and moves the branch, never by force. Throws
   * `BranchMovedError` when the branch is no longer at `parent` (someone committed first): the
   * caller re-reads, re-renders and retries.
   */
  commit(request: CommitRequest): Promise<CommitResult>;
  /** Branches whose names start with `prefix`: name → head commit (for pending promotion branches). */
  branchHeads?(prefix: string): Promise<Map<string, string>>;
  /** Whether `commit` is in the history of `branch` (default: the remote's), i.e. merged there. */
  contains?(commit: string, branch?: string): Promise<boolean>;
  /** What else it can do; commands ask with `capability(remote, name)` (remote-capabilities.ts). */
  readonly capabilities: RemoteCapabilities;
}

/** The branch moved between read and commit: not a failure, a reason to re-read and retry. */
export class BranchMovedError extends Error {
  constructor(description: string, options?: { cause?: unknown }) {
    super(`${description}: the branch moved while slipway was writing (someone committed first)`, options);
    this.name = 'BranchMovedError';
  }
}

export interface RemoteErrorOptions {
  readonly cause?: unknown;
  /**
   * What git or the server said, verbatim (redacted), possibly several lines: the CLI shows it
   * only with --verbose; the message itself is slipway's one sentence with the fix.
   */
  readonly detail?: string;
}

/**
 * A failure talking to the remote that the user must fix (credentials, permissions, names): exit
 * 1. The CLI picks the exit code by class, never by message: see the subclasses.
 */
export class RemoteError extends Error {
  readonly detail: string | undefined;
  constructor(message: string, options?: RemoteErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RemoteError';
    this.detail = options?.detail?.trim() || undefined;
  }
}

/** Why a remote could not be reached. */
export type UnavailableReason =
  /** Nothing (complete) came back in time. */
  | 'timeout'
  /** Nothing listens there: connection refused. */
  | 'refused'
  /** The host name does not resolve. */
  | 'dns'
  /** The TLS handshake or the server's certificate failed. */
  | 'tls'
  /** No route, connection reset, another network failure. */
  | 'network'
  /** The server answered 5xx (after the bounded retries). */
  | 'server'
  /** The branch kept moving under slipway's bounded retries. */
  | 'contention';

/**
 * The remote could not be reached (connection refused, DNS, timeout, TLS), kept failing after
 * the bounded retries, or its branch kept moving: nothing was written, run again later. Exit 4.
 */
export class RemoteUnavailableError extends RemoteError {
  readonly reason: UnavailableReason | undefined;
  constructor(message: string, options?: RemoteErrorOptions & { readonly reason?: UnavailableReason }) {
    super(message, options);
    this.name = 'RemoteUnavailableError';
    this.reason = options?.reason;
  }
}

/** The repo (or its path) does not exist, or the token cannot see it (GitHub 404, git "not found"). Exit 1. */
export class RemoteNotFoundError extends RemoteError {
  constructor(message: string, options?: RemoteErrorOptions) {
    super(message, options);
    this.name = 'RemoteNotFoundError';
  }
}

/** The remote refused the credentials or their permissions (401, 403, ssh publickey). Exit 1. */
export class RemoteAuthError extends RemoteError {
  constructor(message: string, options?: RemoteErrorOptions) {
    super(message, options);
    this.name = 'RemoteAuthError';
  }
}

/** A merge (`CommitRequest.merge`) found both sides changing the same files differently. */
export class MergeConflictError extends RemoteError {
  constructor(
    description: string,
    readonly paths: readonly string[],
  ) {
    super(`${description}: the merge conflicts in ${paths.join(', ')}`);
    this.name = 'MergeConflictError';
  }
}

/** Git's blob id of a file: what `git hash-object` prints, so trees compare without downloads. */
export async function gitBlobSha(content: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}
