/**
 * The lock file every writer takes (promotions of one checkout, synth's output directory, each
 * env repo's clone), as a table of situations, no git.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withLockFile } from '../../src/core/lock-file.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const lockPath = () => join((dir = mkdtempSync(join(tmpdir(), 'slipway-lock-'))), 'sub', 'x.lock');
const busy = (seconds: number, pid: number | undefined) => `busy ${seconds} s, held by ${pid ?? 'nobody known'}`;

describe('withLockFile', () => {
  it('holders take turns: no two works overlap, every one runs, the file is gone after', async () => {
    const path = lockPath();
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withLockFile(
          path,
          async () => {
            inside++;
            most = Math.max(most, inside);
            expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
            await new Promise((r) => setTimeout(r, 5));
            order.push(i);
            inside--;
          },
          { busyMessage: busy },
        ),
      ),
    );
    expect(most).toBe(1);
    expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ['a lock whose process is gone is taken over', '999999999', true],
    ['a lock with garbage in it is not (no pid to check): the wait times out', 'not a pid', false],
    ['a live holder (this very process) is waited for, then the wait times out', String(process.pid), false],
  ] as const)('%s', async (_name, content, acquired) => {
    const path = lockPath();
    await withLockFile(path, async () => undefined, { busyMessage: busy }); // creates the folder
    writeFileSync(path, content);
    const result = withLockFile(path, async () => 'ran', { busyMessage: busy, timeoutMs: 300 });
    if (acquired) await expect(result).resolves.toBe('ran');
    else await expect(result).rejects.toThrow(/^busy 0 s, held by /);
  });

  it("the wait that times out names the holder's pid; the lock is released when the work throws", async () => {
    const path = lockPath();
    await withLockFile(path, async () => undefined, { busyMessage: busy });
    writeFileSync(path, String(process.pid));
    await expect(withLockFile(path, async () => 1, { busyMessage: busy, timeoutMs: 100 })).rejects.toThrow(
      `busy 0 s, held by ${process.pid}`,
    );
    rmSync(path);
    await expect(
      withLockFile(
        path,
        async () => {
          throw new Error('boom');
        },
        { busyMessage: busy },
      ),
    ).rejects.toThrow('boom');
    expect(existsSync(path)).toBe(false);
  });
});
