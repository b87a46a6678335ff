/**
 * `EnvRemote` for any git remote (https, ssh, file:// URL or a local bare repo path), through
 * simple-git and a working clone kept in a cache folder (one per environment repo).
 *
 * - The token (http(s) remotes) reaches git only through the environment built by
 *   git-credentials.ts: never in argv, never in the remote URL, never in `.git/config`. Everything
 *   git prints is redacted before it reaches a log line or an error message.
 * - The branch only ever moves forward: `git push` without force. A push git rejects because the
 *   branch is no longer at the parent (someone else pushed first) is a `BranchMovedError`, the
 *   caller's cue to re-read, re-render and retry.
 * - One working clone serves every branch (the default one, pull-request branches): each operation
 *   fetches exactly the branch refs it needs (`+refs/heads/<b>:refs/remotes/origin/<b>`) and puts
 *   the working tree at the commit it works on (a detached HEAD), so no branch's state leaks into
 *   another's. Local branches are never used for anything but the scratch unborn branch of a
 *   first commit.
 */
import { Buffer } from 'node:buffer';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import {
  BranchMovedError,
  RemoteError,
  type CommitInfo,
  type CommitRequest,
  type CommitResult,
  type EnsureResult,
  type EnvRemote,
  type RemoteTree,
} from './env-remote.js';
import { basicAuthorization, DEFAULT_TOKEN_USER, gitProcessEnv, redact, simpleGitEnvOptions } from './git-credentials.js';

export interface GitRemoteOptions {
  /** https://..., ssh://..., git@host:path, file://..., or a local path to a bare repo. */
  readonly url: string;
  /** The branch slipway reads and commits to, e.g. `main`. */
  readonly branch: string;
  /** Where the working clone lives (one per env repo); git-ignored by the caller. */
  readonly cacheDir: string;
  /** Token for http(s) remotes (sent as `Authorization: Basic`, see git-credentials.ts). */
  readonly token?: string;
  /** User name sent with the token (default `x-access-token`). */
  readonly username?: string;
  readonly author: { readonly name: string; readonly email: string };
  /** Progress/verbose lines; never contain the token. */
  readonly log?: (line: string) => void;
}

/** git prints nothing for this long (ms): the process is considered hung and killed. */
const SILENCE_TIMEOUT_MS = 5 * 60_000;

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
  /** Serialises the operations of this instance on its working clone. */
  private queue: Promise<unknown> = Promise.resolve();
  private cacheReady = false;

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
    this.env = gitProcessEnv(token, user);
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
      await this.git(os.tmpdir(), ['ls-remote', '--heads', this.url], 'ls-remote');
      return { created: false };
    });
  }

  async read(branch: string = this.branch): Promise<RemoteTree> {
    checkBranch(branch);
    return await this.serial(async () => {
      const git = await this.openCache();
      const head = await this.fetch(git, branch);
      await this.checkout(git, head);
      const blobs = new Map<string, string>();
      if (head !== undefined) {
        const out = await this.run(git, ['ls-tree', '-r', '-z', '--full-tree', head], 'ls-tree');
        for (const record of out.split('\0')) {
          if (record === '') continue;
          const tab = record.indexOf('\t');
          const [, type, sha] = record.slice(0, tab).split(' ');
          if (type === 'blob' && sha !== undefined) blobs.set(record.slice(tab + 1), sha);
        }
      }
      // By commit id, not through the working tree: stays right whatever the clone does next.
      const read = async (file: string): Promise<string> => {
        if (head === undefined || !blobs.has(file)) {
          throw new RemoteError(`${this.description}: no file ${JSON.stringify(file)} on branch ${branch}`);
        }
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
          `--max-count=${limit}`, '--format=%H%x00%an%x00%aI%x00%B', head, '--',
          ...(file === undefined ? [] : [`:(literal)${file}`]),
        ],
        'log',
      );
      const fields = out.split('\0');
      const commits: CommitInfo[] = [];
      for (let i = 0; i + 3 < fields.length; i += 4) {
        const [sha, author, date, message] = fields.slice(i, i + 4) as [string, string, string, string];
        // git ends a committed message with one newline (commit --cleanup adds it; GitHub's API
        // shows messages without it): drop that one, keep everything else byte for byte.
        commits.push({ sha, message: message.endsWith('\n') ? message.slice(0, -1) : message, author, date });
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
    return await this.serial(async () => {
      const git = await this.openCache();
      // The branch must be at `parent`, or not exist yet (then it is created at the new commit,
      // e.g. a pull-request branch whose parent is the main branch's head). A plain push would
      // also accept a branch at an ancestor of `parent`: checked here, the push covers the race.
      const now = await this.fetch(git, branch);
      if (now !== undefined && now !== request.parent) {
        this.log(`${branch} is at ${now}, not at ${request.parent ?? '(no commit)'} on ${this.description}`);
        throw new BranchMovedError(this.description, {
          cause: new Error(`branch ${branch} is at ${now}, not at ${request.parent ?? '(no commit)'}`),
        });
      }
      // The parent of a new branch usually is the default branch's head.
      if (request.parent !== undefined && !(await this.hasCommit(git, request.parent)) && branch !== this.branch) {
        await this.fetch(git, this.branch);
      }
      if (request.parent !== undefined && !(await this.hasCommit(git, request.parent))) {
        throw new BranchMovedError(this.description, {
          cause: new Error(`parent ${request.parent} is not on ${branch === this.branch ? branch : `${branch} nor ${this.branch}`} any more`),
        });
      }
      // The working clone must be exactly at `parent`, with nothing else in it: the new commit is
      // `parent` + the requested changes, nothing more.
      await this.checkout(git, request.parent);

      for (const file of deletes) this.deleteFile(file);
      for (const [file, content] of writes) this.writeFile(file, content);

      // --force: a written file matching the repo's .gitignore is still committed (the working
      // tree was cleaned with -x, so nothing else ignored is there to pick up).
      await this.run(git, ['add', '--all', '--force', '--verbose'], 'add');
      const { name, email } = this.options.author;
      await this.run(
        git,
        [
          '-c', `user.name=${name}`,
          '-c', `user.email=${email}`,
          '-c', 'commit.gpgSign=false',
          'commit', '--no-verify', '--no-gpg-sign', '--allow-empty', '--allow-empty-message',
          '--cleanup=whitespace', '-m', request.message,
        ],
        'commit',
      );
      const sha = (await this.run(git, ['rev-parse', '--verify', 'HEAD^{commit}'], 'rev-parse')).trim();

      try {
        await this.run(
          git,
          ['push', '--porcelain', '--no-verify', 'origin', `HEAD:refs/heads/${branch}`],
          'push',
          { raw: true },
        );
      } catch (error) {
        const text = redact(errorText(error), this.secrets);
        // Porcelain: `!\tHEAD:refs/heads/main\t[rejected] (fetch first|non-fast-forward)`: the
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

  // ---------------------------------------------------------------------------------------------

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private log(line: string): void {
    this.options.log?.(redact(line, this.secrets));
  }

  private simpleGit(baseDir: string): SimpleGit {
    return simpleGit({
      baseDir,
      ...simpleGitEnvOptions(this.env),
      timeout: { block: SILENCE_TIMEOUT_MS },
    }).env(this.env);
  }

  /** Runs git in `dir`, outside the working clone (init, ls-remote). */
  private git(dir: string, args: string[], what: string): Promise<string> {
    return this.run(this.simpleGit(dir), args, what);
  }

  /**
   * Runs one git command. Note: simple-git waits an extra 50 ms after a process that printed
   * nothing at all, so commands here are chosen/flagged to print something where that is cheap
   * (`fetch --verbose`, `add --verbose`, no `--quiet`, `cat-file -t` rather than `-e`).
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
    // git's advice lines add nothing to slipway's message.
    const detail = text
      .split('\n')
      .filter((line) => !line.startsWith('hint:'))
      .join('\n')
      .trim();
    const http = /^https?:\/\//i.test(this.url);
    if (AUTH_FAILURE.test(detail)) {
      const fix = http
        ? 'set SLIPWAY_GIT_TOKEN' + (this.secrets.length > 0 ? ' (the token was rejected)' : '')
        : 'check your SSH key / access rights';
      return new RemoteError(`authentication failed for ${this.description}: ${fix}${detail ? `\n${detail}` : ''}`);
    }
    if (/^(ls-remote|fetch|push)$/.test(what) && NOT_FOUND.test(detail)) {
      const fix = this.local
        ? 'check the path, or let slipway create it'
        : http
          ? "check the URL and the token's access"
          : 'check the URL';
      return new RemoteError(
        `git repository not found or not reachable: ${this.description} (${fix})${detail ? `\n${detail}` : ''}`,
      );
    }
    return new RemoteError(`git ${what} failed for ${this.description}${detail ? `:\n${detail}` : ''}`);
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

    // Never run reset/clean in another repository (e.g. the platform repo around cacheDir).
    const top = (await this.run(git, ['rev-parse', '--show-toplevel'], 'rev-parse')).trim();
    if (fs.realpathSync(top) !== fs.realpathSync(this.cacheDir)) {
      throw new RemoteError(`cache folder ${this.cacheDir} is not the top of its own git clone`);
    }
    // The plain URL (never credentials), only our branch, and blob SHAs of exactly the bytes
    // slipway writes whatever the user's global config says. Written only when different.
    const wanted: Record<string, string> = {
      'remote.origin.url': this.url,
      'remote.origin.fetch': `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`,
      'core.autocrlf': 'false',
    };
    const current = new Map<string, string[]>();
    const listed = await this.run(git, ['config', '--local', '--list'], 'config');
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
        await this.run(git, args, 'fetch', { raw: true });
        return await this.ref(git, tracking);
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
    const out = await this.git(os.tmpdir(), ['ls-remote', this.url, wanted], 'ls-remote');
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
   * Puts the working clone's HEAD, index and files exactly at `commit` (a detached HEAD), or at an
   * empty, unborn scratch branch when there is no commit, removing every untracked and ignored
   * file. Which remote branch the next commit goes to is the push's business, not the clone's.
   */
  private async checkout(git: SimpleGit, commit: string | undefined): Promise<void> {
    if (commit !== undefined) {
      // -f: discard local changes and untracked files in the way.
      await this.run(git, ['-c', 'advice.detachedHead=false', 'checkout', '--force', '--detach', commit], 'checkout');
    } else {
      const ref = `refs/heads/${this.branch}`;
      await this.run(git, ['symbolic-ref', 'HEAD', ref], 'symbolic-ref');
      if ((await this.ref(git, ref)) !== undefined) await this.run(git, ['update-ref', '-d', ref], 'update-ref');
      await this.run(git, ['read-tree', '--empty'], 'read-tree');
    }
    await this.run(git, ['clean', '-ffdx'], 'clean');
  }

  private writeFile(file: string, content: string): void {
    const target = path.join(this.cacheDir, ...file.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content, 'utf8');
  }

  private deleteFile(file: string): void {
    const target = path.join(this.cacheDir, ...file.split('/'));
    fs.rmSync(target, { force: true });
    // Empty folders left behind would block writing a file of the same name.
    let dir = path.dirname(target);
    while (dir.startsWith(this.cacheDir + path.sep) && isEmptyDir(dir)) {
      fs.rmdirSync(dir);
      dir = path.dirname(dir);
    }
  }
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
