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

/**
 * A git shim that runs `<parent>/before-push.sh` once, if a test wrote it, right before a
 * `git push` (to race the push: someone else pushes first); a failing script fails that push.
 */
export function writeRacingPushShim(parent: string): GitShim & { readonly beforePush: string } {
  const beforePush = join(parent, 'before-push.sh');
  const shim = writeGitShim(parent, [
    `if [ "$1" = push ] && [ -z "$SLIPWAY_TEST_NO_HOOK" ] && [ -f '${beforePush}' ]; then`,
    `  mv '${beforePush}' '${beforePush}.ran' && SLIPWAY_TEST_NO_HOOK=1 sh '${beforePush}.ran' >/dev/null 2>&1 || exit 99`,
    'fi',
  ]);
  return { ...shim, beforePush };
}
