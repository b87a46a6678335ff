/**
 * Step 3 of synth: replace `out/` with a new tree, never leaving it half old, half new.
 *
 * rename(2) cannot replace a non-empty directory, so the swap takes two renames:
 *   1. write everything to `.out.new/`;
 *   2. rename `out/` → `.out.old/`;   3. rename `.out.new/` → `out/`;   4. delete `.out.old/`.
 * A crash before 2 leaves the old `out/`; between 2 and 3, no `out/` and a complete `.out.old/`,
 * which the next run (or `recoverOutDir`) renames back; after 3, the new `out/`. Readers never
 * see a mix. Files that left the model are simply absent from the new tree.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export type FileTree = ReadonlyMap<string, string>;

function siblings(outDir: string): { next: string; old: string } {
  const base = outDir.replace(/\/+$/, '');
  const name = base.slice(base.lastIndexOf('/') + 1);
  return { next: join(dirname(base), `.${name}.new`), old: join(dirname(base), `.${name}.old`) };
}

/** Finishes or undoes a swap a crash interrupted. */
export function recoverOutDir(outDir: string): void {
  const { next, old } = siblings(outDir);
  if (existsSync(old)) {
    if (existsSync(outDir)) rmSync(old, { recursive: true, force: true });
    else renameSync(old, outDir);
  }
  rmSync(next, { recursive: true, force: true });
}

/** Atomically replaces `outDir` with exactly `files` (paths relative to it). */
export function writeOutDir(outDir: string, files: FileTree, hooks: { beforeSwap?: () => void } = {}): void {
  recoverOutDir(outDir);
  const { next, old } = siblings(outDir);
  mkdirSync(next, { recursive: true });
  for (const [path, content] of files) {
    const target = join(next, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  hooks.beforeSwap?.();
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(next, outDir);
  rmSync(old, { recursive: true, force: true });
}

/** Reads a directory back as a tree (for `--check` and tests). */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** What differs between the tree on disk and the expected one: `+ path`, `- path`, `~ path`. */
export function diffTrees(actual: FileTree, expected: FileTree): string[] {
  const lines: string[] = [];
  for (const [path, content] of expected) {
    if (!actual.has(path)) lines.push(`+ ${path}`);
    else if (actual.get(path) !== content) lines.push(`~ ${path}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) lines.push(`- ${path}`);
  return lines.sort((a, b) => a.slice(2).localeCompare(b.slice(2)));
}
