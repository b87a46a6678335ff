/**
 * Git plumbing on the server's bare repos: every API object (blob, tree, commit, ref) is a real
 * git object or ref, so a `git clone` over smart HTTP sees exactly what the API wrote. Git runs
 * isolated from the machine's configuration (no global/system config, so no commit signing,
 * hooks or default-branch surprises).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface GitResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface GitRunOptions {
  readonly input?: string | Buffer;
  readonly env?: Record<string, string>;
}

/** Environment every git process of the server gets: nothing from the user's configuration. */
export function isolatedGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Runs git in a bare repo; resolves with the exit code (never rejects on a non-zero exit). */
export function runGit(gitDir: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [`--git-dir=${gitDir}`, ...args], {
      env: isolatedGitEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr }));
    child.stdin.on('error', () => {
      /* git may exit before reading all input (EPIPE) */
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs git and returns trimmed stdout; throws with git's stderr on failure. */
export async function git(gitDir: string, args: readonly string[], options: GitRunOptions = {}): Promise<string> {
  const result = await runGit(gitDir, args, options);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  return result.stdout.toString('utf8').trim();
}

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const SHA = /^[0-9a-f]{40}$/;

function isSha(value: unknown): value is string {
  return typeof value === 'string' && SHA.test(value);
}

/** Creates a bare repo whose HEAD names `branch` (unborn until something is committed). */
export async function initBare(gitDir: string, branch: string): Promise<void> {
  fs.mkdirSync(path.dirname(gitDir), { recursive: true });
  await git(gitDir, ['init', '--bare', '--quiet', `--initial-branch=${branch}`, gitDir]);
}

/** The type of an object (`blob`, `tree`, `commit`, `tag`), or undefined when it does not exist. */
export async function objectType(gitDir: string, sha: string): Promise<string | undefined> {
  if (!isSha(sha)) return undefined;
  const result = await runGit(gitDir, ['cat-file', '-t', sha]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}

/** A repo with no ref at all: GitHub's Git Data API answers 409 "Git Repository is empty." */
export async function isEmptyRepo(gitDir: string): Promise<boolean> {
  return (await git(gitDir, ['for-each-ref', '--count=1', '--format=%(refname)'])) === '';
}

export async function writeBlob(gitDir: string, content: Buffer): Promise<string> {
  return git(gitDir, ['hash-object', '-w', '--no-filters', '--stdin'], { input: content });
}

export async function readBlob(gitDir: string, sha: string): Promise<Buffer> {
  const result = await runGit(gitDir, ['cat-file', 'blob', sha]);
  if (result.code !== 0) throw new Error(`git cat-file blob ${sha}: ${result.stderr.trim()}`);
  return result.stdout;
}

export interface TreeEntry {
  readonly mode: string;
  readonly type: 'blob' | 'tree' | 'commit';
  readonly sha: string;
  /** Bytes of a blob; undefined for trees and submodules. */
  readonly size: number | undefined;
  readonly path: string;
}

/** Entries of a tree: `recursive` lists every subtree and file below it too (like GitHub's `recursive=1`). */
export async function listTree(gitDir: string, treeSha: string, recursive: boolean): Promise<TreeEntry[]> {
  const out = await runGit(gitDir, ['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), treeSha]);
  if (out.code !== 0) throw new Error(`git ls-tree ${treeSha}: ${out.stderr.trim()}`);
  const entries: TreeEntry[] = [];
  for (const record of out.stdout.toString('utf8').split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, sha, size] = record.slice(0, tab).split(/\s+/);
    entries.push({
      mode: mode!,
      type: type as TreeEntry['type'],
      sha: sha!,
      size: size === '-' || size === undefined ? undefined : Number(size),
      path: record.slice(tab + 1),
    });
  }
  return entries;
}

export interface TreeEdit {
  readonly path: string;
  readonly mode: string;
  /** The object to place at `path`; null deletes the path (a file or a whole folder). */
  readonly sha: string | null;
}

/**
 * Writes the tree `base` (or an empty tree) with `edits` applied. The flat file list of the base
 * (`ls-tree -r`) is edited in memory (a new file replaces a file where its folder goes and the
 * other way round; deleting a folder deletes everything below it; a `040000` entry brings a
 * whole subtree), then loaded into a temporary index (`GIT_INDEX_FILE`) with one
 * `update-index --index-info` and written with `write-tree`, which builds every nested subtree.
 */
export async function writeTreeWithEdits(gitDir: string, base: string | undefined, edits: readonly TreeEdit[]): Promise<string> {
  const files = new Map<string, { mode: string; sha: string }>();
  if (base) {
    for (const entry of await listTree(gitDir, base, true)) {
      if (entry.type !== 'tree') files.set(entry.path, { mode: entry.mode, sha: entry.sha });
    }
  }
  const removeBelow = (folder: string) => {
    for (const key of [...files.keys()]) if (key === folder || key.startsWith(`${folder}/`)) files.delete(key);
  };
  for (const edit of edits) {
    removeBelow(edit.path);
    if (edit.sha === null) continue;
    const parts = edit.path.split('/');
    for (let i = 1; i < parts.length; i++) files.delete(parts.slice(0, i).join('/'));
    if (edit.mode === '040000') {
      for (const entry of await listTree(gitDir, edit.sha, true)) {
        if (entry.type !== 'tree') files.set(`${edit.path}/${entry.path}`, { mode: entry.mode, sha: entry.sha });
      }
    } else {
      files.set(edit.path, { mode: edit.mode, sha: edit.sha });
    }
  }
  if (files.size === 0) return EMPTY_TREE;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-server-index-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    const info = [...files].map(([p, e]) => `${e.mode} ${e.sha}\t${p}\0`).join('');
    await git(gitDir, ['update-index', '-z', '--add', '--index-info'], { env, input: info });
    return await git(gitDir, ['write-tree'], { env });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes many blobs with one `git hash-object -w --stdin-paths`; returns their SHAs in order. */
export async function writeBlobs(gitDir: string, contents: readonly Buffer[]): Promise<string[]> {
  if (contents.length === 0) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-server-blobs-'));
  try {
    const files = contents.map((content, i) => {
      const file = path.join(dir, String(i));
      fs.writeFileSync(file, content);
      return file;
    });
    const out = await git(gitDir, ['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: files.join('\n') + '\n' });
    return out.split('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface Signature {
  readonly name: string;
  readonly email: string;
  /** ISO 8601, as the API shows it (UTC, no milliseconds). */
  readonly date: string;
}

export interface CommitObject {
  readonly sha: string;
  readonly tree: string;
  readonly parents: string[];
  readonly author: Signature;
  readonly committer: Signature;
  readonly message: string;
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseSignature(value: string): Signature {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) throw new Error(`unparsable signature: ${value}`);
  return { name: match[1]!, email: match[2]!, date: isoSeconds(new Date(Number(match[3]) * 1000)) };
}

export async function readCommit(gitDir: string, sha: string): Promise<CommitObject> {
  const result = await runGit(gitDir, ['cat-file', 'commit', sha]);
  if (result.code !== 0) throw new Error(`git cat-file commit ${sha}: ${result.stderr.trim()}`);
  const text = result.stdout.toString('utf8');
  const split = text.indexOf('\n\n');
  const header = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? '' : text.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  let author: Signature | undefined;
  let committer: Signature | undefined;
  for (const line of header.split('\n')) {
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parseSignature(value);
    else if (key === 'committer') committer = parseSignature(value);
  }
  return { sha, tree, parents, author: author!, committer: committer!, message };
}

/** Git's raw date format (`<unix seconds> +0000`) of an ISO 8601 date: exact, whatever the locale. */
function gitDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`invalid date: ${iso}`);
  return `${Math.floor(ms / 1000)} +0000`;
}

/** `git commit-tree` with an exact message (no cleanup) and the given signatures. */
export async function writeCommit(
  gitDir: string,
  tree: string,
  parents: readonly string[],
  message: string,
  author: Signature,
  committer: Signature,
): Promise<string> {
  return git(gitDir, ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], {
    input: message,
    env: {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: gitDate(author.date),
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: gitDate(committer.date),
    },
  });
}

/** The object a full ref name points at, or undefined. */
export async function resolveRef(gitDir: string, fullRef: string): Promise<string | undefined> {
  const result = await runGit(gitDir, ['show-ref', '--verify', '--hash', fullRef]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}

export interface RefInfo {
  readonly ref: string;
  readonly sha: string;
  readonly type: string;
}

export async function listRefs(gitDir: string): Promise<RefInfo[]> {
  const out = await git(gitDir, ['for-each-ref', '--format=%(refname) %(objectname) %(objecttype)', 'refs/']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref, sha, type] = line.split(' ');
      return { ref: ref!, sha: sha!, type: type! };
    });
}

/** Compare-and-swap of a ref: `old` undefined means "must not exist yet"; false when it moved. */
export async function casRef(gitDir: string, fullRef: string, next: string, old: string | undefined): Promise<boolean> {
  const result = await runGit(gitDir, ['update-ref', fullRef, next, old ?? '']);
  return result.code === 0;
}

export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await runGit(gitDir, ['merge-base', '--is-ancestor', ancestor, descendant]);
  if (result.code > 1) throw new Error(`git merge-base: ${result.stderr.trim()}`);
  return result.code === 0;
}

/** The commit a revision (branch, tag, SHA...) names, or undefined; never reads an option. */
export async function resolveCommit(gitDir: string, rev: string): Promise<string | undefined> {
  if (!rev || rev.startsWith('-')) return undefined;
  const result = await runGit(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}

export interface LogOptions {
  /** Only commits touching this path (a file or a folder), as `git log -- <path>`. */
  readonly path?: string;
  readonly skip?: number;
  readonly max?: number;
  /** `--since` / `--until` (git compares committer dates). */
  readonly since?: string;
  readonly until?: string;
  /** Fixed strings matched against `Name <email>` of the author / committer. */
  readonly author?: string;
  readonly committer?: string;
}

function logFilters(options: LogOptions): string[] {
  return [
    ...(options.since ? [`--since=${options.since}`] : []),
    ...(options.until ? [`--until=${options.until}`] : []),
    ...(options.author ? [`--author=${options.author}`] : []),
    ...(options.committer ? [`--committer=${options.committer}`] : []),
    ...(options.author || options.committer ? ['--fixed-strings'] : []),
  ];
}

/** Paths are literal (no glob magic), and `--` separates them from revisions. */
function pathArgs(options: LogOptions): string[] {
  return options.path ? ['--', options.path] : [];
}

/**
 * `git log` from `tip`, newest first (git's default order: by commit date, every parent of a
 * merge followed, and with a path the default history simplification, as GitHub lists them).
 */
export async function logCommits(gitDir: string, tip: string, options: LogOptions = {}): Promise<CommitObject[]> {
  const fields = ['%H', '%T', '%P', '%an', '%ae', '%at', '%cn', '%ce', '%ct', '%B'];
  const out = await runGit(gitDir, [
    '--literal-pathspecs',
    'log',
    '-z',
    `--format=${fields.join('%x00')}`,
    ...(options.skip ? [`--skip=${options.skip}`] : []),
    ...(options.max !== undefined ? [`--max-count=${options.max}`] : []),
    ...logFilters(options),
    tip,
    ...pathArgs(options),
  ]);
  if (out.code !== 0) throw new Error(`git log ${tip}: ${out.stderr.trim()}`);
  const tokens = out.stdout.toString('utf8').split('\0');
  const commits: CommitObject[] = [];
  for (let i = 0; i + fields.length <= tokens.length; i += fields.length) {
    const [sha, tree, parents, an, ae, at, cn, ce, ct, message] = tokens.slice(i, i + fields.length) as string[];
    if (!sha) break;
    commits.push({
      sha,
      tree: tree!,
      parents: parents ? parents.split(' ') : [],
      author: { name: an!, email: ae!, date: isoSeconds(new Date(Number(at) * 1000)) },
      committer: { name: cn!, email: ce!, date: isoSeconds(new Date(Number(ct) * 1000)) },
      message: message!,
    });
  }
  return commits;
}

/** How many commits `logCommits` would list without `skip`/`max`. */
export async function countCommits(gitDir: string, tip: string, options: LogOptions = {}): Promise<number> {
  return Number(await git(gitDir, ['--literal-pathspecs', 'rev-list', '--count', ...logFilters(options), tip, ...pathArgs(options)]));
}

/** The best common ancestor of two commits, or undefined for unrelated histories. */
export async function mergeBase(gitDir: string, a: string, b: string): Promise<string | undefined> {
  const result = await runGit(gitDir, ['merge-base', a, b]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}

/** A real three-way merge without a work tree (`git merge-tree --write-tree`); undefined on conflicts. */
export async function mergeTrees(gitDir: string, ours: string, theirs: string): Promise<string | undefined> {
  const result = await runGit(gitDir, ['merge-tree', '--write-tree', '--no-messages', ours, theirs]);
  if (result.code === 1) return undefined;
  if (result.code !== 0) throw new Error(`git merge-tree ${ours} ${theirs}: ${result.stderr.trim()}`);
  return result.stdout.toString('utf8').split('\n')[0]!.trim();
}

export interface FileChange {
  readonly status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';
  readonly path: string;
  readonly previousPath: string | undefined;
  /** The blob after the change (before it, for a removed file). */
  readonly sha: string;
  /** Lines; 0 for a binary file. */
  readonly additions: number;
  readonly deletions: number;
}

const CHANGE_STATUS: Record<string, FileChange['status']> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
};

/** Files changed from one tree-ish to another (`git diff-tree -r -M`), with line counts. */
export async function diffFiles(gitDir: string, from: string, to: string): Promise<FileChange[]> {
  const raw = (await git(gitDir, ['diff-tree', '-r', '-z', '-M', '--raw', from, to])).split('\0');
  const numstat = (await git(gitDir, ['diff-tree', '-r', '-z', '-M', '--numstat', from, to])).split('\0');
  const counts: Array<[number, number]> = [];
  for (let i = 0; i < numstat.length; i++) {
    const record = numstat[i]!;
    if (!record) continue;
    const [add, del, file] = record.split('\t');
    counts.push([add === '-' ? 0 : Number(add), del === '-' ? 0 : Number(del)]);
    if (file === '') i += 2; // a rename: "add\tdel\t\0old\0new"
  }
  const changes: FileChange[] = [];
  for (let i = 0; i < raw.length; i++) {
    const meta = raw[i]!;
    if (!meta.startsWith(':')) continue;
    const [, , oldSha, newSha, code] = meta.slice(1).split(' ');
    const letter = code![0]!;
    const renamed = letter === 'R' || letter === 'C';
    const first = raw[++i]!;
    const second = renamed ? raw[++i]! : undefined;
    const [additions, deletions] = counts[changes.length] ?? [0, 0];
    changes.push({
      status: CHANGE_STATUS[letter] ?? 'modified',
      path: second ?? first,
      previousPath: renamed ? first : undefined,
      sha: letter === 'D' ? oldSha! : newSha!,
      additions,
      deletions,
    });
  }
  return changes;
}
