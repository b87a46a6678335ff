/**
 * Writing what init and add planned: every file checked first (nothing exists that must not),
 * then each written through a temp file and a rename, so no file is ever half-written.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '../write/file-atomically.js';

/** Repo-relative path -> content. */
export type PlannedFiles = ReadonlyMap<string, string>;

export function writePlanned(root: string, files: PlannedFiles): void {
  for (const [path, content] of files) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileAtomically(abs, content);
  }
}

/** The planned paths that exist already. */
export function existing(root: string, files: PlannedFiles): string[] {
  return [...files.keys()].filter((p) => existsSync(join(root, p)));
}
