/**
 * One file written whole or not at all: a temporary file beside it (same folder, so the rename
 * stays on one file system), then a rename; on failure the temporary file is removed. For the
 * files commands write besides out/: a saved plan, the status page, what init and add create.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `fail` turns the file system's error into the caller's one-line error. */
export function writeFileAtomically(file: string, text: string, fail: (reason: string) => Error = (r) => new Error(r)): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: 0o644 });
    renameSync(temporary, file);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw fail((e as Error).message);
  }
}
