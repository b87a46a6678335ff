/** out/ is replaced atomically, byte-identically, and reflects exactly the current model. */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffTrees, readTree, recoverOutDir, writeOutDir } from '../../src/write/out-dir.js';
import { generateSample } from '../support/generated.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'slipway-write-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const oldTree = new Map([
  ['a.txt', 'old a\n'],
  ['sub/b.txt', 'old b\n'],
  ['gone.txt', 'bye\n'],
]);
const newTree = new Map([
  ['a.txt', 'new a\n'],
  ['sub/b.txt', 'new b\n'],
  ['sub/c.txt', 'new c\n'],
]);

describe('writeOutDir', () => {
  it('replaces the whole tree: new files appear, changed ones change, removed ones disappear', () => {
    const out = join(tempDir(), 'out');
    writeOutDir(out, oldTree);
    writeOutDir(out, newTree);
    expect(readTree(out)).toEqual(newTree);
    expect(existsSync(join(out, 'gone.txt'))).toBe(false);
  });

  it('a crash while writing the new tree leaves the old one whole', () => {
    const out = join(tempDir(), 'out');
    writeOutDir(out, oldTree);
    expect(() =>
      writeOutDir(out, newTree, {
        beforeSwap: () => {
          throw new Error('killed');
        },
      }),
    ).toThrow('killed');
    expect(readTree(out)).toEqual(oldTree);
    // The next run cleans up the half-written tree and succeeds.
    writeOutDir(out, newTree);
    expect(readTree(out)).toEqual(newTree);
    expect(existsSync(join(out, '..', '.out.new'))).toBe(false);
  });

  it('a crash between the two renames is undone: the old tree comes back, never a mix', () => {
    const root = tempDir();
    const out = join(root, 'out');
    writeOutDir(out, oldTree);
    // State after rename 1 (out → .out.old) with the new tree still at .out.new.
    mkdirSync(join(root, '.out.new', 'sub'), { recursive: true });
    writeFileSync(join(root, '.out.new', 'a.txt'), 'half');
    renameSync(out, join(root, '.out.old'));
    recoverOutDir(out);
    expect(readTree(out)).toEqual(oldTree);
    expect(existsSync(join(root, '.out.old'))).toBe(false);
    expect(existsSync(join(root, '.out.new'))).toBe(false);
  });

  it('a crash after the swap only leaves the old copy to delete', () => {
    const root = tempDir();
    const out = join(root, 'out');
    writeOutDir(out, newTree);
    mkdirSync(join(root, '.out.old'));
    writeFileSync(join(root, '.out.old', 'a.txt'), 'old');
    recoverOutDir(out);
    expect(readTree(out)).toEqual(newTree);
    expect(existsSync(join(root, '.out.old'))).toBe(false);
  });

  it('diffTrees names what was added, changed and removed', () => {
    expect(diffTrees(oldTree, newTree)).toEqual(['~ a.txt', '- gone.txt', '~ sub/b.txt', '+ sub/c.txt']);
    expect(diffTrees(newTree, newTree)).toEqual([]);
  });
});

describe('synth output', () => {
  it('is byte-identical across runs', async () => {
    const a = (await generateSample()).output.files;
    const b = (await generateSample()).output.files;
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, content] of a) expect(b.get(path), path).toBe(content);
    const out1 = join(tempDir(), 'out');
    const out2 = join(tempDir(), 'out');
    writeOutDir(out1, a);
    writeOutDir(out2, b);
    for (const path of a.keys()) expect(readFileSync(join(out1, path))).toEqual(readFileSync(join(out2, path)));
  });

  it('lists files in sorted order and has no timestamps', async () => {
    const files = (await generateSample()).output.files;
    const keys = [...files.keys()];
    expect(keys).toEqual([...keys].sort());
    const year = String(new Date().getFullYear());
    for (const [path, content] of files) expect(content.includes(`${year}-`), path).toBe(false);
  });
});
