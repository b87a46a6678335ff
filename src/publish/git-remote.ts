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
 */
import { Buffer } from 'node:buffer';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { simpleGit, type SimpleGit } from 'simple-git';
import {
  BranchMovedError,
  MergeConflictError,
  RemoteAuthError,
  RemoteError,
  RemoteNotFoundError,
  RemoteUnavailableError,
  type CommitInfo,
  type CommitRequest,
  type CommitResult,
  type EnsureResult,
  type EnvRemote,
  type RemoteTree,
} from './env-remote.js';
import { basicAuthorization, DEFAULT_TOKEN_USER, gitProcessEnv, gitTimeoutConfig, redact, simpleGitEnvOptions } from './git-credentials.js';
import { GitRun } from './git-deadline.js';
import { gitUnreachable } from './remote-failure.js';
import { withLockFile } from '../core/lock-file.js';

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

/** A local git command (no remote involved) prints nothing for this long (ms): hung, killed. */
const SILENCE_TIMEOUT_MS = 5 * 60_000;

/** A git command talking to the remote is stopped when it prints nothing for this long (ms). */
function remoteSilenceMs(timeoutSeconds: number): number {
  // Longer than curl's own limit, so that over http(s) curl gives up first, cleanly.
  return timeoutSeconds * 3_000 + 2_000;
}

/** The git commands that talk to the remote. */
const REMOTE_COMMANDS = /^(ls-remote|fetch|push)$/;

/** What git, curl or simple-git's deadline say when the remote did not answer in time. */
const TIMED_OUT =
  /block timeout reached|Operation too slow|Operation timed out|Connection timed out|timed out after \d+ ?m?s|Connection to .* timed out/i;

/** Groups of files up to this size are read in one `cat-file --batch`; larger ones file by file. */
const BULK_READ_MAX_BYTES = 64 * 1024 * 1024;

/** How many trees' file modes (by commit) are remembered for `commit`. */
const MODE_CACHE_SIZE = 8;

/** Scratch refs `git fast-import` builds commits on (each deleted again by the same run). */
const SCRATCH_REF_PREFIX = 'refs/slipway/import-';
let scratchRefs = 0;

/** `scheme://` URLs and scp-like `[user@]host:path`; everything else is a local path. */
function isUrl(spec: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) || /^[^/\\]*[^/\\:]:(?!\\)/.test(spec) && !/^[a-z]:[\\/]/i.test(spec);
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

/** `refs/remotes/origin/<branch>`: where a fetch of `branch` lands in the working clone. */
function trackingRef(branch: string): string {
  return `refs/remotes/origin/${branch}`;
}

/** A repo-relative file path, normalised; rejects anything that could escape the working tree. */
function checkFilePath(file: string): string {
  const normal = path.posix.normalize(file.replace(/^\.\/+/, ''));
  const parts = normal.split('/');
  if (
    file.length === 0 ||
    file.includes('\0') ||
    path.posix.isAbsolute(normal) ||
    normal === '.' ||
    parts.some((p) => p === '..' || p === '') ||
    parts.some((p) => p.toLowerCase() === '.git')
  ) {
    throw new RemoteError(`invalid file path in environment repo: ${JSON.stringify(file)}`);
  }
  return normal;
}

/** `https://user:secret@host/x` → refused: the token belongs in `token`, not in the URL. */
function urlUserinfo(spec: string): { user?: string; password?: string } {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(spec);
  if (!m || m[1] === undefined) return {};
  const [user, password] = m[1].split(':', 2);
  return { user, password };
}

const AUTH_FAILURE =
  /authentication failed|could not read (username|password)|terminal prompts disabled|HTTP (401|403)\b|returned error: (401|403)\b|\b(401|403) (Unauthorized|Forbidden)|Permission denied \(publickey|invalid username or password|access denied/i;
const NOT_FOUND =
  /not found|does not appear to be a git repository|HTTP 404\b|returned error: 404\b|no such file or directory|not a git repository|could not resolve host|couldn't connect|unable to access|connection refused|Could not read from remote repository/i;

export class GitRemote implements EnvRemote {
  readonly description: string;
  private readonly url: string;
  private readonly local: boolean;
  private readonly branch: string;
  private readonly cacheDir: string;
  private readonly secrets: string[];
  private readonly env: Record<string, string>;
  private readonly options: GitRemoteOptions;
  private readonly timeoutSeconds: number;
  /** Serialises the operations of this instance on its working clone. */
  private queue: Promise<unknown> = Promise.resolve();
  private cacheReady = false;
  /** Commits known to be in the clone: branch heads it fetched, commits it made. */
  private readonly known = new Set<string>();
  /** Per commit (the last few listed): paths whose mode is not 100644 (executables, symlinks). */
  private readonly modes = new Map<string, ReadonlyMap<string, string>>();

  constructor(options: GitRemoteOptions) {
    this.options = options;
    checkBranch(options.branch);
    this.branch = options.branch;
    if (options.url.trim() === '' || options.url.startsWith('-')) {
      throw new RemoteError(`invalid git remote ${JSON.stringify(options.url)}`);
    }
    this.local = !isUrl(options.url);
    this.url = this.local ? path.resolve(options.url) : options.url;
    const userinfo = urlUserinfo(this.url);
    if (userinfo.password !== undefined) {
      throw new RemoteError(
        `the git remote URL must not contain credentials (${this.url.replace(/\/\/[^/@]*@/, '//***@')}): ` +
          'put the token in SLIPWAY_GIT_TOKEN instead',
      );
    }
    this.description = this.url;
    this.cacheDir = path.resolve(options.cacheDir);
    const token = options.token && options.token.length > 0 ? options.token : undefined;
    const user = options.username || DEFAULT_TOKEN_USER;
    this.secrets = token ? [token, basicAuthorization(token, user).slice('Basic '.length)] : [];
    this.timeoutSeconds = Math.max(1, Math.round(options.timeoutSeconds ?? 60));
    // A local path never goes through curl: no http config for it.
    this.env = gitProcessEnv(token, user, this.local ? [] : gitTimeoutConfig(this.timeoutSeconds));
  }

  ensure(): Promise<EnsureResult> {
    return this.serial(async () => {
      if (this.local) {
        if (!fs.existsSync(this.url) || isEmptyDir(this.url)) {
          fs.mkdirSync(path.dirname(this.url), { recursive: true });
          await this.git(os.tmpdir(), ['init', '--bare', `--initial-branch=${this.branch}`, this.url], 'init');
          return { created: true };
        }
      }
      await this.remoteGit(os.tmpdir(), ['ls-remote', '--heads', this.url], 'ls-remote');
      return { created: false };
    });
  }

  async read(branch: string = this.branch): Promise<RemoteTree> {
    checkBranch(branch);
    return await this.serial(async () => {
      const git = await this.openCache();
      const head = await this.fetch(git, branch);
      const listing = head === undefined ? new Map<string, { sha: string; size: number }>() : await this.listTree(git, head);
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
          contents = bytes <= BULK_READ_MAX_BYTES ? this.catBlobs([...ids]) : Promise.resolve(new Map<string, string>());
          for (const g of loading) groups.set(g, contents);
        }
        const content = (await contents).get(sha);
        if (content !== undefined) return content;
        return this.run(git, ['cat-file', 'blob', `${head}:${file}`], 'cat-file');
      };
      return { head, blobs, read };
    });
  }

  async commits(options: { readonly path?: string; readonly branch?: string; readonly limit?: number } = {}): Promise<CommitInfo[]> {
    const branch = options.branch ?? this.branch;
    checkBranch(branch);
    const file = options.path === undefined ? undefined : checkFilePath(options.path.replace(/\/+$/, ''));
    const limit = Math.floor(options.limit ?? 100);
    if (!(limit > 0)) return [];
    return await this.serial(async () => {
      const git = await this.openCache();
      const head = await this.fetch(git, branch);
      if (head === undefined) return [];
      // NUL between fields and after each commit (-z): no message content can shift a field (git
      // messages cannot contain NUL). %B is the raw message; `:(literal)`: `*` in a path is no glob.
      const out = await this.run(
        git,
        [
          'log', '-z', '--no-color', '--no-show-signature', '--no-follow', '--encoding=UTF-8',
          `--max-count=${limit}`, '--format=%H%x00%an%x00%aI%x00%P%x00%B', head, '--',
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
        commits.push({ sha, message: message.endsWith('\n') ? message.slice(0, -1) : message, author, date, parents: parents.split(' ').filter(Boolean) });
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
    if (request.merge !== undefined && (request.parent === undefined || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(request.merge) || writes.length + deletes.length > 0)) {
      throw new RemoteError('a merge commit needs a parent, the id of the commit to merge, and no file changes of its own');
    }
    return await this.serial(async () => {
      const git = await this.openCache();
      // The branch must be at `parent`, or not exist yet (then it is created at the new commit,
      // e.g. a pull-request branch whose parent is the main branch's head). The push alone
      // refuses a branch that moved on (not an ancestor of the new commit: non-fast-forward), but
      // would accept one at an *ancestor* of `parent` (an older base; a branch someone rewound or
      // created meanwhile): so where the branch is is checked right before the push as well.
      let now: string | undefined | null = null; // null: not checked yet
      // Where the branch must be: at `parent`, or (restarting it) at the head it replaces.
      const expected = request.replaces ?? request.parent;
      if (request.parent !== undefined && !this.known.has(request.parent) && !(await this.hasCommit(git, request.parent))) {
        // The parent is not in the clone: fetch the branch (that is the check too), and the
        // default branch, whose head the parent of a new branch usually is.
        now = await this.fetch(git, branch);
        if (now !== undefined && now !== expected) throw this.moved(branch, now, expected);
        if (now !== request.parent && branch !== this.branch) await this.fetch(git, this.branch);
        if (now !== request.parent && !(await this.hasCommit(git, request.parent))) {
          throw new BranchMovedError(this.description, {
            cause: new Error(`parent ${request.parent} is not on ${branch === this.branch ? branch : `${branch} nor ${this.branch}`} any more`),
          });
        }
      }
      // The new commit is `parent` + the requested changes, nothing more. Built while ls-remote
      // asks where the branch is (nothing to download: `parent` is here).
      const build = async (): Promise<string> => {
        if (request.merge !== undefined) return await this.mergeCommit(git, request.parent!, request.merge, cleanupMessage(request.message), author);
        const modes = request.parent === undefined ? new Map<string, string>() : await this.treeModes(git, request.parent);
        return await this.fastImport(git, {
          parent: request.parent,
          deletes,
          writes: writes.map(([file, content]) => ({ file, content, mode: modes.get(file) === '100755' ? '100755' : '100644' })),
          message: cleanupMessage(request.message),
          author,
        });
      };
      const [checked, built] = await Promise.allSettled([now === null ? this.lsRemoteHead(branch) : Promise.resolve(now), build()]);
      if (checked.status === 'rejected') throw checked.reason;
      if (built.status === 'rejected') throw built.reason;
      now = checked.value;
      const sha = built.value;
      if (now !== undefined && now !== expected) throw this.moved(branch, now, expected);

      try {
        await this.remoteGit(
          this.cacheDir,
          [
            'push', '--porcelain', '--no-verify',
            // Restarting a branch: replaced only while it is still at the head that was read.
            ...(request.replaces !== undefined ? [`--force-with-lease=refs/heads/${branch}:${request.replaces}`] : []),
            'origin', `${sha}:refs/heads/${branch}`,
          ],
          'push',
          { raw: true },
        );
      } catch (error) {
        const text = redact(errorText(error), this.secrets);
        if (TIMED_OUT.test(text)) throw this.remoteError('push', text); // and nothing more to ask it
        // Porcelain: `!\t<sha>:refs/heads/main\t[rejected] (fetch first|non-fast-forward)`: the
        // remote branch is not an ancestor of our commit, i.e. not at `parent` any more.
        if (/^!\t[^\t]*\t\[rejected\]/m.test(text)) {
          this.log(`push rejected: ${branch} moved on ${this.description}`);
          throw new BranchMovedError(this.description, { cause: new Error(text) });
        }
        // Anything else (remote hook, lock race between two pushes, network): if the branch is no
        // longer at `parent`, it is still "someone committed first"; otherwise a real failure.
        const after = await this.lsRemoteHead(branch).catch(() => 'unknown' as const);
        if (after === sha) return { sha }; // it landed after all (the failure came after the update)
        if (after !== 'unknown' && after !== now) {
          throw new BranchMovedError(this.description, { cause: new Error(text) });
        }
        throw this.remoteError('push', text);
      }
      return { sha };
    });
  }

  /** Branches named `prefix…` on the remote (one ls-remote): name → head. */
  async branchHeads(prefix: string): Promise<Map<string, string>> {
    return await this.serial(async () => {
      const out = await this.remoteGit(os.tmpdir(), ['ls-remote', '--heads', this.url, `refs/heads/${prefix}*`], 'ls-remote');
      const heads = new Map<string, string>();
      for (const line of out.split('\n')) {
        const [sha, ref] = line.trim().split(/\s+/);
        if (sha && ref?.startsWith(`refs/heads/${prefix}`)) heads.set(ref.slice('refs/heads/'.length), sha);
      }
      return heads;
    });
  }

  /** Whether `commit` is in `branch`'s history (merged there): fetch the branch, then one rev-list. */
  async contains(commit: string, branch: string = this.branch): Promise<boolean> {
    checkBranch(branch);
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return false;
    return await this.serial(async () => {
      const git = await this.openCache();
      const head = await this.fetch(git, branch);
      if (head === undefined) return false;
      if (head === commit) return true;
      // Not in the clone after fetching the branch's whole history: not in it.
      if (!(await this.hasCommit(git, commit))) return false;
      const out = await this.run(git, ['rev-list', '--max-count=1', commit, '--not', head], 'rev-list');
      return out.trim() === '';
    });
  }

  // ---------------------------------------------------------------------------------------------

  private moved(branch: string, now: string, parent: string | undefined): BranchMovedError {
    this.log(`${branch} is at ${now}, not at ${parent ?? '(no commit)'} on ${this.description}`);
    return new BranchMovedError(this.description, {
      cause: new Error(`branch ${branch} is at ${now}, not at ${parent ?? '(no commit)'}`),
    });
  }

  /**
   * Runs `task` after this instance's earlier ones, holding the clone's lock file: two slipway
   * processes on one checkout (two `status` runs, a `plan` beside a `promote`) share the clone,
   * and git's own ref and config locks would fail one of them rather than wait.
   */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const locked = () =>
      withLockFile(`${this.cacheDir}.lock`, task, {
        busyMessage: (seconds, pid) =>
          `${this.cacheDir}: another slipway${pid === undefined ? '' : ` (pid ${pid})`} has been using this env repo's clone for ${seconds} s; wait for it, or remove ${this.cacheDir}.lock if no slipway is running`,
      });
    const next = this.queue.then(locked, locked);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private log(line: string): void {
    this.options.log?.(redact(line, this.secrets));
  }

  /**
   * `input`: what the git process reads on stdin (simple-git writes it and closes stdin).
   * `silenceMs`: the process is stopped when it prints nothing for this long. `extraEnv`: added
   * to the process's environment (names outside simple-git's guard only).
   */
  private simpleGit(baseDir: string, input?: Buffer, silenceMs = SILENCE_TIMEOUT_MS, extraEnv: Record<string, string> = {}): SimpleGit {
    return simpleGit({
      baseDir,
      ...simpleGitEnvOptions(this.env),
      timeout: { block: silenceMs },
      ...(input === undefined ? {} : { input: () => input }),
    }).env({ ...this.env, ...extraEnv });
  }

  /** Runs git in `dir`, outside the working clone (init). */
  private git(dir: string, args: string[], what: string): Promise<string> {
    return this.run(this.simpleGit(dir), args, what);
  }

  /**
   * Runs a git command that talks to the remote (ls-remote, fetch, push): stopped when it prints
   * nothing for `remoteSilenceMs`, and then what it started is stopped too.
   */
  private async remoteGit(dir: string, args: string[], what: string, opts: { raw?: boolean } = {}): Promise<string> {
    const marked = new GitRun();
    const git = this.simpleGit(dir, undefined, remoteSilenceMs(this.timeoutSeconds), marked.env).outputHandler(marked.handler);
    try {
      return await this.run(git, args, what, opts);
    } catch (error) {
      // After a deadline, what git started may still run; after any other failure this finds nothing.
      if (error instanceof RemoteUnavailableError || TIMED_OUT.test(errorText(error))) marked.release();
      throw error;
    }
  }

  /**
   * Runs one git command. Note: simple-git waits an extra 50 ms after a process that printed
   * nothing at all, so commands here are chosen/flagged to print something where that is cheap
   * (`fetch --verbose`, `get-mark` in fast-import, no `--quiet`, `cat-file -t` rather than `-e`).
   */
  private async run(git: SimpleGit, args: string[], what: string, opts: { raw?: boolean } = {}): Promise<string> {
    this.log(`git ${args.join(' ')}`);
    try {
      return await git.raw(args);
    } catch (error) {
      if (opts.raw) throw error;
      throw this.remoteError(what, redact(errorText(error), this.secrets));
    }
  }

  private remoteError(what: string, text: string): RemoteError {
    if (REMOTE_COMMANDS.test(what) && TIMED_OUT.test(text)) {
      // curl's low-speed limit, or (ssh, a connection never made) the process deadline.
      const seconds = /block timeout reached/.test(text) ? Math.round(remoteSilenceMs(this.timeoutSeconds) / 1000) : this.timeoutSeconds;
      return new RemoteUnavailableError(
        `${this.description} did not answer in ${seconds} s (git ${what}); check the network and the URL, then run again; SLIPWAY_GIT_TIMEOUT sets the limit`,
        { reason: 'timeout' },
      );
    }
    // git's advice lines add nothing to slipway's message.
    const detail = text
      .split('\n')
      .filter((line) => !line.startsWith('hint:'))
      .join('\n')
      .trim();
    // One sentence with the fix; git's own lines go to `detail` (shown with --verbose).
    const http = /^https?:\/\//i.test(this.url);
    const unreachable = REMOTE_COMMANDS.test(what) ? gitUnreachable(detail) : undefined;
    if (unreachable?.reason === 'server') {
      return new RemoteUnavailableError(`git ${what} failed for ${this.description}: ${unreachable.what}; run again later`, { detail, reason: 'server' });
    }
    if (unreachable) {
      return new RemoteUnavailableError(
        `${this.description} could not be reached (git ${what}): ${unreachable.what}; ` +
          (unreachable.reason === 'tls'
            ? "check the URL and the server's certificate (a private CA: http.sslCAInfo in your gitconfig), then run again"
            : 'check the URL and the network, then run again'),
        { detail, reason: unreachable.reason },
      );
    }
    if (AUTH_FAILURE.test(detail)) {
      const fix = http
        ? 'set SLIPWAY_GIT_TOKEN' + (this.secrets.length > 0 ? ' (the token was rejected)' : '')
        : 'check your SSH key / access rights';
      return new RemoteAuthError(`authentication failed for ${this.description}: ${fix}`, { detail });
    }
    if (REMOTE_COMMANDS.test(what) && NOT_FOUND.test(detail)) {
      // A missing local path only reaches here outside bootstrap (bootstrap creates it first).
      const fix = this.local
        ? fs.existsSync(this.url) ? 'check the path: it exists and is not a git repository' : 'check the path, or run slipway bootstrap to create it'
        : http
          ? "check the URL and the token's access"
          : 'check the URL';
      return new RemoteNotFoundError(`git repository not found or not reachable: ${this.description} (${fix})`, { detail });
    }
    const last = detail.split('\n').map((l) => l.trim()).filter((l) => /^(fatal|error):/i.test(l)).pop();
    return new RemoteError(`git ${what} failed for ${this.description}${last ? `: ${last.replace(/^(fatal|error):\s*/i, '')}` : ''}`, { detail });
  }

  /**
   * The working clone: created on first use (`git init` + origin with this branch only), checked
   * and configured once per instance.
   */
  private async openCache(): Promise<SimpleGit> {
    const gitDir = path.join(this.cacheDir, '.git');
    if (!fs.existsSync(gitDir)) {
      if (fs.existsSync(this.cacheDir) && !isEmptyDir(this.cacheDir)) {
        throw new RemoteError(`cache folder ${this.cacheDir} exists and is not a git clone: remove it`);
      }
      fs.mkdirSync(this.cacheDir, { recursive: true });
      await this.git(this.cacheDir, ['init', `--initial-branch=${this.branch}`, '.'], 'init');
      this.cacheReady = false;
    }
    const git = this.simpleGit(this.cacheDir);
    if (this.cacheReady) return git;

    // Both read-only, so side by side; nothing is written before the first one is checked.
    const [top, listed] = await Promise.all([
      this.run(git, ['rev-parse', '--show-toplevel'], 'rev-parse'),
      this.run(git, ['config', '--local', '--list'], 'config'),
    ]);
    // Never work in another repository (e.g. the platform repo around cacheDir): fetch,
    // fast-import and push would use its objects and its origin.
    if (fs.realpathSync(top.trim()) !== fs.realpathSync(this.cacheDir)) {
      throw new RemoteError(`cache folder ${this.cacheDir} is not the top of its own git clone`);
    }
    // The plain URL (never credentials) and only our branch. Written only when different.
    // (Nothing depends on core.* settings such as autocrlf: no working tree is ever used.)
    const wanted: Record<string, string> = {
      'remote.origin.url': this.url,
      'remote.origin.fetch': `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`,
    };
    const current = new Map<string, string[]>();
    for (const line of listed.split('\n')) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq).toLowerCase();
      current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
    }
    for (const [key, value] of Object.entries(wanted)) {
      const have = current.get(key.toLowerCase()) ?? [];
      if (have.length === 1 && have[0] === value) continue;
      await this.run(git, ['config', '--local', '--replace-all', key, value], 'config');
    }
    this.cacheReady = true;
    return git;
  }

  /**
   * Fetches `branch` into `origin/<branch>` and returns its head. A remote without the branch (an
   * empty repo, a pull-request branch not created yet) is not an error: the tracking ref is
   * removed and the head is undefined.
   */
  private async fetch(git: SimpleGit, branch: string): Promise<string | undefined> {
    const tracking = trackingRef(branch);
    // --verbose: git always reports the ref (also "[up to date]"), see `run` on silent commands.
    const args = ['fetch', '--verbose', '--no-tags', '--no-write-fetch-head', 'origin', `+refs/heads/${branch}:${tracking}`];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.remoteGit(this.cacheDir, args, 'fetch', { raw: true });
        const head = await this.ref(git, tracking);
        if (head !== undefined) this.known.add(head);
        return head;
      } catch (error) {
        const text = redact(errorText(error), this.secrets);
        if (/couldn't find remote ref/i.test(text)) {
          this.log(`${this.description} has no branch ${branch} yet`);
          if ((await this.ref(git, tracking)) !== undefined) {
            await this.run(git, ['update-ref', '-d', tracking], 'update-ref');
          }
          return undefined;
        }
        // A stale tracking ref in the way (`origin/a` left from a deleted branch `a` when fetching
        // `a/b`, or the reverse): tracking refs are only a cache, drop the conflicting ones.
        if (attempt === 0 && /cannot lock ref|unable to update local ref|some local refs could not be updated/i.test(text)) {
          if (await this.dropConflictingTracking(git, branch)) continue;
        }
        throw this.remoteError('fetch', text);
      }
    }
  }

  /** Deletes tracking refs whose names clash with `origin/<branch>` (D/F conflicts); any deleted? */
  private async dropConflictingTracking(git: SimpleGit, branch: string): Promise<boolean> {
    const tracking = trackingRef(branch);
    const listed = await this.run(git, ['for-each-ref', '--format=%(refname)', 'refs/remotes/origin/'], 'for-each-ref');
    const clashing = listed
      .split('\n')
      .filter((ref) => ref !== '' && ref !== tracking && (tracking.startsWith(`${ref}/`) || ref.startsWith(`${tracking}/`)));
    for (const ref of clashing) await this.run(git, ['update-ref', '-d', ref], 'update-ref');
    return clashing.length > 0;
  }

  /** The commit a ref points to, or undefined when it does not exist. */
  private async ref(git: SimpleGit, ref: string): Promise<string | undefined> {
    // for-each-ref patterns also match everything below `ref/`: exact names only.
    const out = await this.run(git, ['for-each-ref', '--format=%(objectname) %(refname)', ref], 'for-each-ref');
    for (const line of out.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0 && line.slice(space + 1) === ref) return line.slice(0, space);
    }
    return undefined;
  }

  /** The branch's head as the remote has it right now (ls-remote), undefined when absent. */
  private async lsRemoteHead(branch: string): Promise<string | undefined> {
    const wanted = `refs/heads/${branch}`;
    const out = await this.remoteGit(os.tmpdir(), ['ls-remote', this.url, wanted], 'ls-remote');
    // ls-remote patterns match ref name tails (also `refs/heads/x/refs/heads/<branch>`): exact only.
    for (const line of out.split('\n')) {
      const [sha, ref] = line.trim().split(/\s+/);
      if (ref === wanted && sha) return sha;
    }
    return undefined;
  }

  private async hasCommit(git: SimpleGit, sha: string): Promise<boolean> {
    if (!/^[0-9a-f]{40,64}$/i.test(sha)) return false;
    try {
      return (await git.raw(['cat-file', '-t', sha])).trim() === 'commit';
    } catch {
      return false;
    }
  }

  /**
   * Every file of `commit`'s tree: path → blob id and size. Also remembers which paths have
   * another mode than 100644, for a commit on top of it (`treeModes`).
   */
  private async listTree(git: SimpleGit, commit: string): Promise<Map<string, { sha: string; size: number }>> {
    const out = await this.run(git, ['ls-tree', '-r', '-z', '--full-tree', '--long', commit], 'ls-tree');
    const files = new Map<string, { sha: string; size: number }>();
    const modes = new Map<string, string>();
    for (const record of out.split('\0')) {
      if (record === '') continue;
      const tab = record.indexOf('\t');
      // `<mode> <type> <object> <size, padded>\t<path>`
      const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
      const file = record.slice(tab + 1);
      if (type !== 'blob' || sha === undefined || mode === undefined) continue;
      files.set(file, { sha, size: Number(size) || 0 });
      if (mode !== '100644') modes.set(file, mode);
    }
    this.rememberModes(commit, modes);
    return files;
  }

  /** Paths of `commit`'s tree whose mode is not 100644: remembered from a read, or listed now. */
  private async treeModes(git: SimpleGit, commit: string): Promise<ReadonlyMap<string, string>> {
    const known = this.modes.get(commit);
    if (known !== undefined) return known;
    await this.listTree(git, commit);
    return this.modes.get(commit) ?? new Map();
  }

  private rememberModes(commit: string, modes: ReadonlyMap<string, string>): void {
    this.modes.delete(commit);
    this.modes.set(commit, modes);
    while (this.modes.size > MODE_CACHE_SIZE) this.modes.delete(this.modes.keys().next().value!);
  }

  /**
   * The contents of blobs, by id, in one `git cat-file --batch`. Each one is checked against its
   * id (the bytes hash to it), so nothing is taken from a misparsed stream: what is not in the
   * result (an unreadable object, or bytes that are not UTF-8 and so do not survive simple-git's
   * decoding to text) is read on its own by the caller.
   */
  private async catBlobs(ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const contents = new Map<string, string>();
    if (ids.length === 0) return contents;
    let out: Buffer;
    try {
      const git = this.simpleGit(this.cacheDir, Buffer.from(`${ids.join('\n')}\n`, 'utf8'));
      out = Buffer.from(await this.run(git, ['cat-file', '--batch', '--buffer'], 'cat-file'), 'utf8');
    } catch (error) {
      this.log(`reading ${ids.length} files in one go failed, reading them one by one: ${errorText(error).split('\n')[0]}`);
      return contents;
    }
    // `<id> blob <size>\n<content>\n` per id, in order (`<id> missing\n` for none). A blob whose
    // bytes do not check out is skipped, and the next one looked for by its header.
    const header = (id: string, from: number): number => {
      const needle = Buffer.from(`${id} `, 'utf8');
      for (let i = out.indexOf(needle, from); i >= 0; i = out.indexOf(needle, i + 1)) {
        if (i === 0 || out[i - 1] === 0x0a) return i;
      }
      return -1;
    };
    let at = 0;
    for (const id of ids) {
      const start = header(id, at);
      const eol = start < 0 ? -1 : out.indexOf(0x0a, start);
      if (eol < 0) continue;
      const [, type, size] = out.subarray(start, eol).toString('utf8').split(' ');
      at = eol + 1;
      const end = at + Number(size);
      if (type !== 'blob' || !Number.isSafeInteger(end) || end > out.length) continue;
      const body = out.subarray(at, end);
      if (blobId(body, id.length) !== id) continue;
      contents.set(id, body.toString('utf8'));
      at = end;
    }
    return contents;
  }

  /**
   * The merge commit of `merge` into `parent` (parents in that order): git's three-way merge of
   * the two trees (`merge-tree --write-tree`, no working tree), `MergeConflictError` naming the
   * conflicting files when there is none. Both commits must be in the clone (read their branches).
   */
  private async mergeCommit(git: SimpleGit, parent: string, merge: string, message: string, author: { readonly name: string; readonly email: string }): Promise<string> {
    for (const sha of [parent, merge]) {
      if (!this.known.has(sha) && !(await this.hasCommit(git, sha))) throw new BranchMovedError(this.description, { cause: new Error(`commit ${sha} is not in the clone (read its branch again)`) });
    }
    // (git 2.38 or later.) Exit 1 with the conflicting files after the tree id; simple-git resolves (nothing on stderr).
    const [tree, ...conflicts] = (await this.run(git, ['merge-tree', '--write-tree', '--name-only', '--no-messages', parent, merge], 'merge-tree')).split('\n').filter((l) => l !== '');
    if (conflicts.length > 0) throw new MergeConflictError(this.description, [...new Set(conflicts)]);
    if (!tree || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(tree)) throw this.remoteError('merge-tree', `unexpected output: ${String(tree).slice(0, 200)}`);
    const out = await this.run(
      this.simpleGit(this.cacheDir, Buffer.from(message, 'utf8')),
      ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, 'commit-tree', '--no-gpg-sign', tree, '-p', parent, '-p', merge, '-F', '-'],
      'commit-tree',
    );
    const sha = out.trim();
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw this.remoteError('commit-tree', `unexpected output: ${out.slice(0, 200)}`);
    this.known.add(sha);
    return sha;
  }

  /**
   * Creates the commit `parent` + `deletes` + `writes` (no working tree, no index: the parent's
   * tree with exactly these changes) with `git fast-import`, and returns its id. The commit is
   * built on a scratch ref the same run deletes again; it is pushed by id.
   */
  private async fastImport(
    git: SimpleGit,
    commit: {
      readonly parent: string | undefined;
      readonly deletes: readonly string[];
      readonly writes: ReadonlyArray<{ readonly file: string; readonly content: string; readonly mode: string }>;
      readonly message: string;
      readonly author: { readonly name: string; readonly email: string };
    },
  ): Promise<string> {
    const parts: Buffer[] = [];
    const line = (text: string) => parts.push(Buffer.from(`${text}\n`, 'utf8'));
    const data = (text: string) => {
      const bytes = Buffer.from(text, 'utf8');
      line(`data ${bytes.length}`);
      parts.push(bytes);
      line('');
    };
    const ident = `${commit.author.name} <${commit.author.email}> now`;
    // Unique, so that even two processes on one clone never contend for it.
    const scratch = `${SCRATCH_REF_PREFIX}${process.pid}-${++scratchRefs}`;
    line('feature done');
    // A fresh in-memory branch: no `from` means a root commit.
    line(`reset ${scratch}`);
    line(`commit ${scratch}`);
    line('mark :1');
    line(`author ${ident}`);
    line(`committer ${ident}`);
    data(commit.message);
    if (commit.parent !== undefined) line(`from ${commit.parent}`);
    for (const file of commit.deletes) line(`D ${quotePath(file)}`);
    for (const { file, content, mode } of commit.writes) {
      line(`M ${mode} inline ${quotePath(file)}`);
      data(content);
    }
    line('get-mark :1');
    // Deleted at the end of the run: the clone keeps no ref to it (the push names it by id).
    line(`reset ${scratch}`);
    line(`from ${'0'.repeat(commit.parent?.length === 64 ? 64 : 40)}`);
    line('done');
    // Loose objects, never a pack of its own, as `git add` would leave them: fast-import deltas a
    // blob only against an earlier version of its path, so a first commit's pack would be stored
    // whole, and a push reuses packed objects as they are (the env repo would grow, and every
    // clone of it slow down); loose, they get the push's usual delta search.
    const out = await this.run(
      this.simpleGit(this.cacheDir, Buffer.concat(parts)),
      ['-c', `fastimport.unpackLimit=${2 ** 31 - 1}`, 'fast-import', '--quiet', '--date-format=now'],
      'fast-import',
    );
    const sha = out.trim();
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw this.remoteError('fast-import', `unexpected output: ${out.slice(0, 200)}`);
    this.known.add(sha);
    return sha;
  }
}

/** `apps/web/x.yaml` → `apps/`; a top-level file → '' (the group of all top-level files). */
function topFolder(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? '' : file.slice(0, slash + 1);
}

/**
 * The commit message as `git commit --cleanup=whitespace` stores it: trailing whitespace off every
 * line, leading and trailing empty lines dropped, runs of empty lines made one, and every line
 * (the last one too) ending in a newline; an empty message stays empty.
 */
export function cleanupMessage(message: string): string {
  let out = '';
  let empties = 0;
  for (const raw of message.split('\n')) {
    const text = raw.replace(/[ \t\r]+$/, '');
    if (text === '') {
      empties++;
      continue;
    }
    if (empties > 0 && out !== '') out += '\n';
    empties = 0;
    out += `${text}\n`;
  }
  return out;
}

/** A name or email as git writes it in a commit: no `<`, `>` or newline, no crud at either end. */
function identPart(value: string): string {
  const crud = /^[\x00-\x20,:;<>"\\']+|[\x00-\x20,:;<>"\\']+$/g;
  return value.replace(crud, '').replace(/[\n<>]/g, '');
}

/** A path for a fast-import command: always C-quoted, so no name can be taken for syntax. */
function quotePath(file: string): string {
  return `"${file.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    if (c === '\\' || c === '"') return `\\${c}`;
    return `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
  })}"`;
}

/** The git object id of a blob with these bytes (SHA-1, or SHA-256 in a SHA-256 repository). */
function blobId(body: Buffer, hexLength: number): string {
  return createHash(hexLength === 64 ? 'sha256' : 'sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

function isEmptyDir(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Buffer.isBuffer(error)) return error.toString('utf8');
  return String(error);
}
