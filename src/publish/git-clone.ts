/**
 * The working clone a `GitRemote` keeps in a cache folder (one per environment repo), and the
 * git processes it runs there:
 *
 * - One operation at a time on the clone (`serial`): within this process by a queue, across
 *   processes by a lock file beside the folder (two `status` runs, a `plan` beside a `promote`),
 *   since git's own ref and config locks would fail one of them rather than wait.
 * - Opened once per instance (`open`): created on first use (`git init` + origin with the
 *   remote's branch only), checked to be its own clone (never the platform repo around it).
 * - Each operation fetches exactly the branch refs it needs into `refs/remotes/origin/<branch>`
 *   (`fetch`) and works on commit ids only, never on a working tree, index or local branch.
 * - Reads go through `ls-tree` (`listTree`, which also remembers file modes for a commit on top)
 *   and one `cat-file --batch` per group of files (`catBlobs`).
 * - Every git process has a deadline (see git-deadline.ts and the file comment of
 *   git-remote.ts); everything git prints is redacted before it reaches a log line or an error.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { withLockFile } from '../core/lock-file.js';
import { COMMIT_ID, RemoteError, RemoteUnavailableError } from '../core/env-remote.js';
import { basicAuthorization, DEFAULT_TOKEN_USER, gitProcessEnv, gitTimeoutConfig, redact, simpleGitEnvOptions } from './git-credentials.js';
import { GitRun } from './git-deadline.js';
import { classifyGitError, errorText, remoteSilenceMs, TIMED_OUT, type GitErrorContext } from './git-errors.js';

/** Properties for `GitClone`: the remote as `GitRemote` checked it. */
export interface GitCloneProps {
  /** The URL, or the absolute path of a local bare repo. */
  readonly url: string;
  /** `url` is a local path. */
  readonly local: boolean;
  /** The remote's branch (the clone's initial branch and origin's fetch refspec). */
  readonly branch: string;
  /** Where the clone lives, absolute. */
  readonly cacheDir: string;
  /** For messages, never with credentials. */
  readonly description: string;
  /** Token for http(s) remotes, see git-credentials.ts. */
  readonly token?: string;
  /** User name sent with the token. @default 'x-access-token' */
  readonly username?: string;
  /** Seconds git may wait on the remote without receiving anything. */
  readonly timeoutSeconds: number;
  /** Progress/verbose lines; never contain the token. */
  readonly log?: (line: string) => void;
}

/** A local git command (no remote involved) prints nothing for this long (ms): hung, killed. */
const SILENCE_TIMEOUT_MS = 5 * 60_000;

/** How many trees' file modes (by commit) are remembered for `commit`. */
const MODE_CACHE_SIZE = 8;

/** `refs/remotes/origin/<branch>`: where a fetch of `branch` lands in the working clone. */
function trackingRef(branch: string): string {
  return `refs/remotes/origin/${branch}`;
}

export class GitClone implements GitErrorContext {
  readonly url: string;
  readonly local: boolean;
  readonly branch: string;
  readonly cacheDir: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly withToken: boolean;
  /** Commits known to be in the clone: branch heads it fetched, commits it made. */
  readonly known = new Set<string>();
  private readonly secrets: string[];
  private readonly env: Record<string, string>;
  private readonly logLine: ((line: string) => void) | undefined;
  /** Serialises the operations of this instance on its working clone. */
  private queue: Promise<unknown> = Promise.resolve();
  private cacheReady = false;
  /** Per commit (the last few listed): paths whose mode is not 100644 (executables, symlinks). */
  private readonly modes = new Map<string, ReadonlyMap<string, string>>();

  constructor(props: GitCloneProps) {
    this.url = props.url;
    this.local = props.local;
    this.branch = props.branch;
    this.cacheDir = props.cacheDir;
    this.description = props.description;
    this.timeoutSeconds = props.timeoutSeconds;
    this.logLine = props.log;
    const token = props.token && props.token.length > 0 ? props.token : undefined;
    const user = props.username || DEFAULT_TOKEN_USER;
    this.secrets = token ? [token, basicAuthorization(token, user).slice('Basic '.length)] : [];
    this.withToken = this.secrets.length > 0;
    // A local path never goes through curl: no http config for it.
    this.env = gitProcessEnv(token, user, this.local ? [] : gitTimeoutConfig(this.timeoutSeconds));
  }

  /**
   * Runs `task` after this instance's earlier ones, holding the clone's lock file: two slipway
   * processes on one checkout (two `status` runs, a `plan` beside a `promote`) share the clone,
   * and git's own ref and config locks would fail one of them rather than wait.
   */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const locked = () =>
      withLockFile(`${this.cacheDir}.lock`, task, {
        busyMessage: (seconds, pid) =>
          `${this.cacheDir}: another slipway${pid === undefined ? '' : ` (pid ${pid})`} has been using this env repo's clone for ${seconds} s; wait for it, or remove ${this.cacheDir}.lock if no slipway is running`,
      });
    const next = this.queue.then(locked, locked);
    this.queue = next.catch(() => undefined);
    return next;
  }

  log(line: string): void {
    this.logLine?.(redact(line, this.secrets));
  }

  /** What git printed, with the token (and its Basic form) taken out. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** The error for git command `what` that printed `text` (redacted), see git-errors.ts. */
  error(what: string, text: string): RemoteError {
    return classifyGitError(this, what, text);
  }

  /**
   * `input`: what the git process reads on stdin (simple-git writes it and closes stdin).
   * `silenceMs`: the process is stopped when it prints nothing for this long. `extraEnv`: added
   * to the process's environment (names outside simple-git's guard only).
   */
  simpleGit(baseDir: string, input?: Buffer, silenceMs = SILENCE_TIMEOUT_MS, extraEnv: Record<string, string> = {}): SimpleGit {
    return simpleGit({
      baseDir,
      ...simpleGitEnvOptions(this.env),
      timeout: { block: silenceMs },
      ...(input === undefined ? {} : { input: () => input }),
    }).env({ ...this.env, ...extraEnv });
  }

  /** Runs git in `dir`, outside the working clone (init). */
  git(dir: string, args: string[], what: string): Promise<string> {
    return this.run(this.simpleGit(dir), args, what);
  }

  /**
   * Runs a git command that talks to the remote (ls-remote, fetch, push): stopped when it prints
   * nothing for `remoteSilenceMs`, and then what it started is stopped too.
   */
  async remoteGit(dir: string, args: string[], what: string, opts: { raw?: boolean } = {}): Promise<string> {
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
  async run(git: SimpleGit, args: string[], what: string, opts: { raw?: boolean } = {}): Promise<string> {
    this.log(`git ${args.join(' ')}`);
    try {
      return await git.raw(args);
    } catch (error) {
      if (opts.raw) throw error;
      throw this.error(what, this.redact(errorText(error)));
    }
  }

  /**
   * The working clone: created on first use (`git init` + origin with this branch only), checked
   * and configured once per instance.
   */
  async open(): Promise<SimpleGit> {
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
  async fetch(git: SimpleGit, branch: string): Promise<string | undefined> {
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
        const text = this.redact(errorText(error));
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
        throw this.error('fetch', text);
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

  async hasCommit(git: SimpleGit, sha: string): Promise<boolean> {
    if (!COMMIT_ID.test(sha)) return false;
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
  async listTree(git: SimpleGit, commit: string): Promise<Map<string, { sha: string; size: number }>> {
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
  async treeModes(git: SimpleGit, commit: string): Promise<ReadonlyMap<string, string>> {
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
  async catBlobs(ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
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
}

/** The git object id of a blob with these bytes (SHA-1, or SHA-256 in a SHA-256 repository). */
function blobId(body: Buffer, hexLength: number): string {
  return createHash(hexLength === 64 ? 'sha256' : 'sha1')
    .update(`blob ${body.length}\0`)
    .update(body)
    .digest('hex');
}

export function isEmptyDir(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}
