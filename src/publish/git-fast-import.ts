/**
 * Builds the commits a `GitRemote` pushes, in its working clone and without a working tree or
 * index: `fastImport` writes the parent's tree plus exactly the requested changes with one `git
 * fast-import`; `mergeCommit` writes git's three-way merge of two commits (`merge-tree
 * --write-tree`, then `commit-tree`). Both return the new commit's id; pushing it is the caller's.
 */
import { Buffer } from 'node:buffer';
import * as path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { BranchMovedError, COMMIT_ID, MergeConflictError, RemoteError } from '../core/env-remote.js';
import type { GitClone } from './git-clone.js';

/** A commit's author (and committer). */
export interface GitIdent {
  readonly name: string;
  readonly email: string;
}

/** What `fastImport` commits. */
export interface FastImportCommit {
  /** The parent; undefined: a root commit. */
  readonly parent: string | undefined;
  readonly deletes: readonly string[];
  readonly writes: ReadonlyArray<{ readonly file: string; readonly content: string; readonly mode: string }>;
  /** As stored (see `cleanupMessage`). */
  readonly message: string;
  readonly author: GitIdent;
}

/** Scratch refs `git fast-import` builds commits on (each deleted again by the same run). */
const SCRATCH_REF_PREFIX = 'refs/slipway/import-';
let scratchRefs = 0;

/**
 * Creates the commit `parent` + `deletes` + `writes` (no working tree, no index: the parent's
 * tree with exactly these changes) with `git fast-import`, and returns its id. The commit is
 * built on a scratch ref the same run deletes again; it is pushed by id.
 */
export async function fastImport(clone: GitClone, commit: FastImportCommit): Promise<string> {
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
  const out = await clone.run(
    clone.simpleGit(clone.cacheDir, Buffer.concat(parts)),
    ['-c', `fastimport.unpackLimit=${2 ** 31 - 1}`, 'fast-import', '--quiet', '--date-format=now'],
    'fast-import',
  );
  const sha = out.trim();
  if (!COMMIT_ID.test(sha)) throw clone.error('fast-import', `unexpected output: ${out.slice(0, 200)}`);
  clone.known.add(sha);
  return sha;
}

/**
 * The merge commit of `merge` into `parent` (parents in that order): git's three-way merge of
 * the two trees (`merge-tree --write-tree`, no working tree), `MergeConflictError` naming the
 * conflicting files when there is none. Both commits must be in the clone (read their branches).
 */
export async function mergeCommit(
  clone: GitClone,
  git: SimpleGit,
  parent: string,
  merge: string,
  message: string,
  author: GitIdent,
): Promise<string> {
  for (const sha of [parent, merge]) {
    if (!clone.known.has(sha) && !(await clone.hasCommit(git, sha)))
      throw new BranchMovedError(clone.description, { cause: new Error(`commit ${sha} is not in the clone (read its branch again)`) });
  }
  // (git 2.38 or later.) Exit 1 with the conflicting files after the tree id; simple-git resolves (nothing on stderr).
  const [tree, ...conflicts] = (
    await clone.run(git, ['merge-tree', '--write-tree', '--name-only', '--no-messages', parent, merge], 'merge-tree')
  )
    .split('\n')
    .filter((l) => l !== '');
  if (conflicts.length > 0) throw new MergeConflictError(clone.description, [...new Set(conflicts)]);
  if (!tree || !COMMIT_ID.test(tree)) throw clone.error('merge-tree', `unexpected output: ${String(tree).slice(0, 200)}`);
  const out = await clone.run(
    clone.simpleGit(clone.cacheDir, Buffer.from(message, 'utf8')),
    [
      '-c',
      `user.name=${author.name}`,
      '-c',
      `user.email=${author.email}`,
      'commit-tree',
      '--no-gpg-sign',
      tree,
      '-p',
      parent,
      '-p',
      merge,
      '-F',
      '-',
    ],
    'commit-tree',
  );
  const sha = out.trim();
  if (!COMMIT_ID.test(sha)) throw clone.error('commit-tree', `unexpected output: ${out.slice(0, 200)}`);
  clone.known.add(sha);
  return sha;
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
export function identPart(value: string): string {
  const crud = /^[\x00-\x20,:;<>"\\']+|[\x00-\x20,:;<>"\\']+$/g;
  return value.replace(crud, '').replace(/[\n<>]/g, '');
}

/** A repo-relative file path, normalised; rejects anything that could escape the working tree. */
export function checkFilePath(file: string): string {
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

/** A path for a fast-import command: always C-quoted, so no name can be taken for syntax. */
function quotePath(file: string): string {
  return `"${file.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    if (c === '\\' || c === '"') return `\\${c}`;
    return `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
  })}"`;
}
