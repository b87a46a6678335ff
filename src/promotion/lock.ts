/**
 * Promotions from one checkout take turns: they edit the same env files.
 */
import { join } from 'node:path';
import { withLockFile } from '../core/lock-file.js';

export async function withLock<T>(root: string, work: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const path = join(root, '.slipway', 'promote.lock');
  return withLockFile(path, work, {
    timeoutMs,
    busyMessage: (seconds) =>
      `${path}: another slipway promotion from this checkout has held the lock for ${seconds} s; wait for it, or remove the file if no slipway is running`,
  });
}
