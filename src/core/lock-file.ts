/**
 * One writer at a time across processes: a lock file created with O_EXCL holds the owner's pid;
 * a lock whose process is gone is taken over. Promotions from one checkout, synth's output
 * directory and each env repo's cache clone take one.
 */
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config-error.js';

export interface LockFileOptions {
  /** How long to wait for another holder. @default 120_000 */
  readonly timeoutMs?: number;
  /** The one-line message when the wait times out (given the waited seconds and the holder's pid, when readable). */
  readonly busyMessage: (seconds: number, holderPid: number | undefined) => string;
}

/** Runs `work` holding the lock file `path` (created with O_EXCL, holding this pid); waits, bounded, for another holder. */
export async function withLockFile<T>(path: string, work: () => Promise<T>, options: LockFileOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  mkdirSync(dirname(path), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (stale(path)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new ConfigError(options.busyMessage(Math.round(timeoutMs / 1000), holder(path)));
      }
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}

function holder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function stale(path: string): boolean {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
