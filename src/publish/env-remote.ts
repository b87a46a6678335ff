/**
 * Where an environment repo lives, as slipway's writing commands see it: read the branch's tree,
 * commit a whole new tree on top of the head that was read. Two implementations: GitHub through
 * Octokit and the Git Data API (github-remote.ts), any other git remote through simple-git
 * (git-remote.ts). Production code never knows whether it talks to the real GitHub.
 */

/** The branch as read: its head commit (undefined when the repo or branch has no commit yet) and files. */
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
  commits(options: { readonly path?: string; readonly branch?: string; readonly limit?: number }): Promise<CommitInfo[]>;
  /**
   * Commits on top of `request.parent` and moves the branch, never by force. Throws
   * `BranchMovedError` when the branch is no longer at `parent` (someone committed first): the
   * caller re-reads, re-renders and retries.
   */
  commit(request: CommitRequest): Promise<CommitResult>;
}

/** The branch moved between read and commit: not a failure, a reason to re-read and retry. */
export class BranchMovedError extends Error {
  constructor(description: string, options?: { cause?: unknown }) {
    super(`${description}: the branch moved while slipway was writing (someone committed first)`, options);
    this.name = 'BranchMovedError';
  }
}

/** A failure talking to the remote that the user must fix (credentials, permissions, names). */
export class RemoteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RemoteError';
  }
}

/** The remote could not be reached, or kept failing after the bounded retries: run again later. */
export class RemoteUnavailableError extends RemoteError {}

/** Git's blob id of a file: what `git hash-object` prints, so trees compare without downloads. */
export async function gitBlobSha(content: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}
