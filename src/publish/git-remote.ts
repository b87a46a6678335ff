/**
 * `EnvRemote` for any git remote (https, ssh, file:// URL or a local bare repo path), through
 * simple-git and a clone kept in a cache folder (one per environment repo).
 *
 * - The token (http(s) remotes) reaches git only through the environment built by
 *   git-credentials.ts: never in argv, never in the remote URL, never in `.git/config`. Everything
 *   git prints is redacted before it reaches a log line or an error message.
 * - The branch only ever moves forward: `git push` without force. A push git rejects because the
 *   branch is no longer at the parent (someone else pushed first) is a `BranchMovedError`, the
 *   caller's cue to re-read, re-render and retry.
 * - One clone serves every branch (the default one, pull-request branches): each operation fetches
 *   exactly the branch refs it needs (`+refs/heads/<b>:refs/remotes/origin/<b>`) and works on
 *   commit ids only, never on a working tree, index or local branch, so no branch's state leaks
 *   into another's: reads go through `ls-tree` / `cat-file`, commits through `git fast-import`
 *   (the parent's tree plus exactly the requested changes, in one process), pushed by commit id.
 * - Nothing waits forever on a remote: git gives up on an http(s) transfer that moves less than
 *   1 byte/s for `timeoutSeconds` (`http.lowSpeedLimit` / `http.lowSpeedTime`, through the same
 *   environment config as the token: this covers a server that accepts the connection and never
 *   answers). What curl cannot see (ssh remotes, a connection that never completes) has a
 *   process deadline: a git command talking to the remote that prints nothing for three times
 *   as long (plus 2 s) is stopped, with what it started (ssh, `git remote-http`), see
 *   git-deadline.ts. (Not shorter: without a terminal git prints nothing while a large pack is
 *   transferred.) Either way the error is a `RemoteUnavailableError`: "<remote> did not answer
 *   in N s".
 * - Few git processes per operation (each costs a spawn, and simple-git waits 50 ms more after
 *   one that printed nothing): a read is fetch + for-each-ref + ls-tree, then one `cat-file
 *   --batch` per top-level folder the caller reads files of; a commit on a parent the clone has
 *   (the head just read) is fast-import with ls-remote alongside (is the branch still at the
 *   parent?), then push.
 *
 * This file is the `EnvRemote` itself: checking its inputs, reading and committing branches. The
 * working clone and its git processes are git-clone.ts, commit building git-fast-import.ts,
 * ls-remote git-remote-queries.ts, and what git's failures mean git-errors.ts; its review flow
 * (branches merged by `slipway approve`) is git-review.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BranchMovedError,
  COMMIT_ID,
  RemoteError,
  type CommitInfo,
  type CommitRequest,
  type CommitResult,
  type EnsureResult,
  type EnvRemote,
  type RemoteTree,
} from '../core/env-remote.js';
import { GitClone, isEmptyDir } from './git-clone.js';
import { errorText, TIMED_OUT } from './git-errors.js';
import { checkFilePath, cleanupMessage, fastImport, identPart, mergeCommit } from './git-fast-import.js';
import { lsRemoteBranches, lsRemoteHead, probeRemote } from './git-remote-queries.js';
import { gitCapabilities } from './git-review.js';
import type { RemoteCapabilities } from '../core/remote-capabilities.js';

export interface GitRemoteOptions {
  /** https://..., ssh://..., git@host:path, file://..., or a local path to a bare repo. */
  readonly url: string;
  /** The branch slipway reads and commits to, e.g. `main`. */
  readonly branch: string;
  /** Where the clone lives (one per env repo); git-ignored by the caller. */
  readonly cacheDir: string;
  /** Token for http(s) remotes (sent as `Authorization: Basic`, see git-credentials.ts). */
  readonly token?: string;
  /** User name sent with the token (default `x-access-token`). */
  readonly username?: string;
  readonly author: { readonly name: string; readonly email: string };
  /**
   * Seconds git may wait on the remote without receiving anything (SLIPWAY_GIT_TIMEOUT), see
   * the file comment. @default 60
   */
  readonly timeoutSeconds?: number;
  /** Progress/verbose lines; never contain the token. */
  readonly log?: (line: string) => void;
}

/** Groups of files up to this size are read in one `cat-file --batch`; larger ones file by file. */
const BULK_READ_MAX_BYTES = 64 * 1024 * 1024;

/** `scheme://` URLs and scp-like `[user@]host:path`; everything else is a local path. */
export function isUrl(spec: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) || (/^[^/\\]*[^/\\:]:(?!\\)/.test(spec) && !/^[a-z]:[\\/]/i.test(spec));
}

/** The URL with whatever stands before `@` after `//` (user, password, token) as `***`. */
export function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}

/** A valid branch name that cannot be mistaken for an option (a subset of check-ref-format). */
function checkBranch(branch: string): void {
  const ok =
    branch.length > 0 &&
    !branch.startsWith('-') &&
    !branch.startsWith('/') &&
    !branch.endsWith('/') &&
    !branch.endsWith('.') &&
    !branch.endsWith('.lock') &&
    !branch.includes('..') &&
    !branch.includes('//') &&
    !branch.includes('@{') &&
    branch !== '@' &&
    !/[\s~^:?*[\\\x00-\x1f\x7f]/.test(branch) &&
    !branch.split('/').some((part) => part.startsWith('.'));
  if (!ok) throw new RemoteError(`invalid branch name ${JSON.stringify(branch)}`);
}

/** `https://user:secret@host/x` → refused: the token belongs in `token`, not in the URL. */
function urlUserinfo(spec: string): { user?: string; password?: string } {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(spec);
  if (!m || m[1] === undefined) return {};
  const [user, password] = m[1].split(':', 2);
  return { user, password };
}

export class GitRemote implements EnvRemote {
  readonly description: string;
  /** Review branches merged by `slipway approve`; for a local path, whether it exists (git-review.ts). */
  readonly capabilities: RemoteCapabilities;
  private readonly branch: string;
  private readonly options: GitRemoteOptions;
  /** The working clone, and the git processes run there. */
  private readonly clone: GitClone;

  constructor(options: GitRemoteOptions) {
    this.options = options;
    checkBranch(options.branch);
    this.branch = options.branch;
    if (options.url.trim() === '' || options.url.startsWith('-')) {
      throw new RemoteError(`invalid git remote ${JSON.stringify(options.url)}`);
    }
    const local = !isUrl(options.url);
    const url = local ? path.resolve(options.url) : options.url;
    const userinfo = urlUserinfo(url);
    if (userinfo.password !== undefined) {
      throw new RemoteError(
        `the git remote URL must not contain credentials (${withoutCredentials(url)}): ` + 'put the token in SLIPWAY_GIT_TOKEN instead',
      );
    }
    this.description = url;
    this.clone = new GitClone({
      url,
      local,
      branch: this.branch,
      cacheDir: path.resolve(options.cacheDir),
      description: this.description,
      token: options.token,
      username: options.username,
      timeoutSeconds: Math.max(1, Math.round(options.timeoutSeconds ?? 60)),
      log: options.log,
    });
    this.capabilities = gitCapabilities(this, { url, local, branch: this.branch });
  }

  ensure(): Promise<EnsureResult> {
    return this.clone.serial(async () => {
      if (this.clone.local) {
        if (!fs.existsSync(this.clone.url) || isEmptyDir(this.clone.url)) {
          fs.mkdirSync(path.dirname(this.clone.url), { recursive: true });
          await this.clone.git(os.tmpdir(), ['init', '--bare', `--initial-branch=${this.branch}`, this.clone.url], 'init');
          return { created: true };
        }
      }
      await probeRemote(this.clone);
      return { created: false };
    });
  }

  async read(branch: string = this.branch): Promise<RemoteTree> {
    checkBranch(branch);
    return await this.clone.serial(async () => {
      const git = await this.clone.open();
      const head = await this.clone.fetch(git, branch);
      const listing = head === undefined ? new Map<string, { sha: string; size: number }>() : await this.clone.listTree(git, head);
      const blobs = new Map([...listing].map(([file, { sha }]) => [file, sha]));
      // Contents by commit id, not through a working tree: stays right whatever the clone does
      // next. Callers read files in bulk (every app's values/<app>.yaml, every manifest of
      // manifests/): the first file asked for brings every file of its top-level folder (or all
      // top-level files) in one process; a group too large for that is read file by file.
      const groups = new Map<string, Promise<ReadonlyMap<string, string>>>();
      const read = async (file: string): Promise<string> => {
        const sha = head === undefined ? undefined : blobs.get(file);
        if (sha === undefined) {
          throw new RemoteError(`${this.description}: no file ${JSON.stringify(file)} on branch ${branch}`);
        }
        const group = topFolder(file);
        let contents = groups.get(group);
        if (contents === undefined) {
          // The top-level files (a README, usually few) come along with the first group.
          const loading = new Set([group, ...(groups.has('') ? [] : [''])]);
          const ids = new Set<string>();
          let bytes = 0;
          for (const [other, blob] of listing) {
            if (!loading.has(topFolder(other))) continue;
            ids.add(blob.sha);
            bytes += blob.size;
          }
          contents = bytes <= BULK_READ_MAX_BYTES ? this.clone.catBlobs([...ids]) : Promise.resolve(new Map<string, string>());
          for (const g of loading) groups.set(g, contents);
        }
        const content = (await contents).get(sha);
        if (content !== undefined) return content;
        return this.clone.run(git, ['cat-file', 'blob', `${head}:${file}`], 'cat-file');
      };
      return { head, blobs, read };
    });
  }

  async commits(
    options: { readonly path?: string; readonly branch?: string; readonly limit?: number; readonly at?: string } = {},
  ): Promise<CommitInfo[]> {
    const branch = options.branch ?? this.branch;
    checkBranch(branch);
    const file = options.path === undefined ? undefined : checkFilePath(options.path.replace(/\/+$/, ''));
    const limit = Math.floor(options.limit ?? 100);
    if (!(limit > 0)) return [];
    return await this.clone.serial(async () => {
      const git = await this.clone.open();
      // `at`: a commit this clone has (read a moment ago) needs no fetch; one it lacks comes with
      // the branch, and one the branch no longer has gives way to the branch's head.
      let head = options.at;
      if (head === undefined || !(await this.clone.hasCommit(git, head))) {
        const fetched = await this.clone.fetch(git, branch);
        if (head === undefined || !(await this.clone.hasCommit(git, head))) head = fetched;
      }
      if (head === undefined) return [];
      // NUL between fields and after each commit (-z): no message content can shift a field (git
      // messages cannot contain NUL). %B is the raw message; `:(literal)`: `*` in a path is no glob.
      const out = await this.clone.run(
        git,
        [
          'log',
          '-z',
          '--no-color',
          '--no-show-signature',
          '--no-follow',
          '--encoding=UTF-8',
          `--max-count=${limit}`,
          '--format=%H%x00%an%x00%aI%x00%P%x00%B',
          head,
          '--',
          ...(file === undefined ? [] : [`:(literal)${file}`]),
        ],
        'log',
      );
      const fields = out.split('\0');
      const commits: CommitInfo[] = [];
      for (let i = 0; i + 4 < fields.length; i += 5) {
        const [sha, author, date, parents, message] = fields.slice(i, i + 5) as [string, string, string, string, string];
        // git ends a committed message with one newline (commit --cleanup adds it; GitHub's API
        // shows messages without it): drop that one, keep everything else byte for byte.
        commits.push({
          sha,
          message: message.endsWith('\n') ? message.slice(0, -1) : message,
          author,
          date,
          parents: parents.split(' ').filter(Boolean),
        });
      }
      return commits;
    });
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const branch = request.branch ?? this.branch;
    checkBranch(branch);
    // Refuse bad paths before touching anything.
    const deletes = request.delete.map(checkFilePath);
    const writes = [...request.write].map(([file, content]) => [checkFilePath(file), content] as const);
    const who = request.author ?? this.options.author;
    const author = { name: identPart(who.name), email: identPart(who.email) };
    if (author.name === '' || author.email === '') throw new RemoteError(`invalid commit author ${JSON.stringify(who)}`);
    if (request.message.includes('\0')) throw new RemoteError('a commit message cannot contain NUL characters');
    if (
      request.merge !== undefined &&
      (request.parent === undefined || !COMMIT_ID.test(request.merge) || writes.length + deletes.length > 0)
    ) {
      throw new RemoteError('a merge commit needs a parent, the id of the commit to merge, and no file changes of its own');
    }
    return await this.clone.serial(async () => {
      const git = await this.clone.open();
      // The branch must be at `parent`, or not exist yet (then it is created at the new commit,
      // e.g. a pull-request branch whose parent is the main branch's head). The push alone
      // refuses a branch that moved on (not an ancestor of the new commit: non-fast-forward), but
      // would accept one at an *ancestor* of `parent` (an older base; a branch someone rewound or
      // created meanwhile): so where the branch is is checked right before the push as well.
      let now: string | undefined | null = null; // null: not checked yet
      // Where the branch must be: at `parent`, or (restarting it) at the head it replaces.
      const expected = request.replaces ?? request.parent;
      if (request.parent !== undefined && !this.clone.known.has(request.parent) && !(await this.clone.hasCommit(git, request.parent))) {
        // The parent is not in the clone: fetch the branch (that is the check too), and the
        // default branch, whose head the parent of a new branch usually is.
        now = await this.clone.fetch(git, branch);
        if (now !== undefined && now !== expected) throw this.moved(branch, now, expected);
        if (now !== request.parent && branch !== this.branch) await this.clone.fetch(git, this.branch);
        if (now !== request.parent && !(await this.clone.hasCommit(git, request.parent))) {
          throw new BranchMovedError(this.description, {
            cause: new Error(
              `parent ${request.parent} is not on ${branch === this.branch ? branch : `${branch} nor ${this.branch}`} any more`,
            ),
          });
        }
      }
      // The new commit is `parent` + the requested changes, nothing more. Built while ls-remote
      // asks where the branch is (nothing to download: `parent` is here).
      const build = async (): Promise<string> => {
        if (request.merge !== undefined)
          return await mergeCommit(this.clone, git, request.parent!, request.merge, cleanupMessage(request.message), author);
        const modes = request.parent === undefined ? new Map<string, string>() : await this.clone.treeModes(git, request.parent);
        return await fastImport(this.clone, {
          parent: request.parent,
          deletes,
          writes: writes.map(([file, content]) => ({ file, content, mode: modes.get(file) === '100755' ? '100755' : '100644' })),
          message: cleanupMessage(request.message),
          author,
        });
      };
      const [checked, built] = await Promise.allSettled([now === null ? lsRemoteHead(this.clone, branch) : Promise.resolve(now), build()]);
      if (checked.status === 'rejected') throw checked.reason;
      if (built.status === 'rejected') throw built.reason;
      now = checked.value;
      const sha = built.value;
      if (now !== undefined && now !== expected) throw this.moved(branch, now, expected);

      try {
        await this.clone.remoteGit(
          this.clone.cacheDir,
          [
            'push',
            '--porcelain',
            '--no-verify',
            // Restarting a branch: replaced only while it is still at the head that was read.
            ...(request.replaces !== undefined ? [`--force-with-lease=refs/heads/${branch}:${request.replaces}`] : []),
            'origin',
            `${sha}:refs/heads/${branch}`,
          ],
          'push',
          { raw: true },
        );
      } catch (error) {
        const text = this.clone.redact(errorText(error));
        if (TIMED_OUT.test(text)) throw this.clone.error('push', text); // and nothing more to ask it
        // Porcelain: `!\t<sha>:refs/heads/main\t[rejected] (fetch first|non-fast-forward)`: the
        // remote branch is not an ancestor of our commit, i.e. not at `parent` any more.
        if (/^!\t[^\t]*\t\[rejected\]/m.test(text)) {
          this.clone.log(`push rejected: ${branch} moved on ${this.description}`);
          throw new BranchMovedError(this.description, { cause: new Error(text) });
        }
        // Anything else (remote hook, lock race between two pushes, network): if the branch is no
        // longer at `parent`, it is still "someone committed first"; otherwise a real failure.
        const after = await lsRemoteHead(this.clone, branch).catch(() => 'unknown' as const);
        if (after === sha) return { sha }; // it landed after all (the failure came after the update)
        if (after !== 'unknown' && after !== now) {
          throw new BranchMovedError(this.description, { cause: new Error(text) });
        }
        throw this.clone.error('push', text);
      }
      return { sha };
    });
  }

  /** Branches named `prefix…` on the remote (one ls-remote): name → head. */
  async branchHeads(prefix: string): Promise<Map<string, string>> {
    return await this.clone.serial(() => lsRemoteBranches(this.clone, prefix));
  }

  /** Whether `commit` is in `branch`'s history (merged there): fetch the branch, then one rev-list. */
  async contains(commit: string, branch: string = this.branch): Promise<boolean> {
    checkBranch(branch);
    if (!COMMIT_ID.test(commit)) return false;
    return await this.clone.serial(async () => {
      const git = await this.clone.open();
      const head = await this.clone.fetch(git, branch);
      if (head === undefined) return false;
      if (head === commit) return true;
      // Not in the clone after fetching the branch's whole history: not in it.
      if (!(await this.clone.hasCommit(git, commit))) return false;
      const out = await this.clone.run(git, ['rev-list', '--max-count=1', commit, '--not', head], 'rev-list');
      return out.trim() === '';
    });
  }

  private moved(branch: string, now: string, parent: string | undefined): BranchMovedError {
    this.clone.log(`${branch} is at ${now}, not at ${parent ?? '(no commit)'} on ${this.description}`);
    return new BranchMovedError(this.description, {
      cause: new Error(`branch ${branch} is at ${now}, not at ${parent ?? '(no commit)'}`),
    });
  }
}

/** `apps/web/x.yaml` → `apps/`; a top-level file → '' (the group of all top-level files). */
function topFolder(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? '' : file.slice(0, slash + 1);
}
