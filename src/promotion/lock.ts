/**
 * Promotions from one checkout take turns: they edit the same env files. A lock file created
 * with O_EXCL holds the owner's pid; a lock whose process is gone is taken over.
 */
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../load/config-error.js';

export async function withLock<T>(root: string, work: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const path = join(root, '.slipway', 'promote.lock');
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
        throw new ConfigError(`${path}: another slipway promotion from this checkout has held the lock for ${Math.round(timeoutMs / 1000)} s; wait for it, or remove the file if no slipway is running`);
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
