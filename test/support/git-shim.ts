/**
 * A `git` in front of the real one on PATH that logs the arguments of every git process (to prove
 * a token never reaches argv), optionally running shell lines before it execs the real binary.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GitShim {
  /** Folder to put first on PATH. */
  readonly dir: string;
  /** One line per git process: `git <args...>`. */
  readonly log: string;
}

export function writeGitShim(parent: string, beforeExec: readonly string[] = []): GitShim {
  const realGit = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  const dir = join(parent, 'shim');
  const log = join(parent, 'git-argv.log');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'git'),
    [
      '#!/bin/sh',
      `{ printf 'git'; for a in "$@"; do printf ' %s' "$a"; done; printf '\\n'; } >> '${log}'`,
      ...beforeExec,
      `exec '${realGit}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  writeFileSync(log, '');
  return { dir, log };
}
