/**
 * The launchers run the compiled dist/ only while it was built from exactly the sources on disk,
 * and the TypeScript sources otherwise; both write the same out/. Run on a copy of the checkout,
 * with dist/slipway.js marked, so which one ran shows.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree } from '../../src/write/out-dir.js';
import { REPO_ROOT } from '../support/project-fixture.js';
import { run } from '../support/run.js';

let copy: string;
beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'slipway-launch-'));
  for (const dir of ['src', 'generators', 'envs', 'charts-src', 'scripts'])
    cpSync(join(REPO_ROOT, dir), join(copy, dir), { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
  const built = await run(process.execPath, [join(copy, 'scripts/build.mjs'), '--quiet'], { cwd: copy });
  expect(built.code, built.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const slipway = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [join(copy, 'src/cli/slipway.mjs'), ...args], { cwd: copy, env: { ...process.env, NO_COLOR: '1', ...env } });
const synth = (env: Record<string, string> = {}) =>
  run(process.execPath, [join(copy, 'src/cli/synth.mjs')], { cwd: copy, env: { ...process.env, NO_COLOR: '1', ...env } });

describe('launch: dist/ when fresh, the sources otherwise', () => {
  it('synth from dist/ and from the sources write the same out/', async () => {
    const fromDist = await synth();
    expect(fromDist.code, fromDist.stderr).toBe(0);
    const distTree = readTree(join(copy, 'out'));
    const fromSource = await synth({ SLIPWAY_FROM_SOURCE: '1' });
    expect(fromSource.code, fromSource.stderr).toBe(0);
    expect(readTree(join(copy, 'out'))).toEqual(distTree);
    expect(distTree.size).toBeGreaterThan(50);
  }, 60_000);

  it('runs dist/ while it is fresh; a source edited since the build (size or time) runs the sources', async () => {
    const bundle = join(copy, 'dist/slipway.js');
    writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}\nprocess.stderr.write('ran dist\\n');\n`);
    expect((await slipway(['--help'])).stderr).toContain('ran dist');

    const file = join(copy, 'src/cli/reports.ts');
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    const stale = await slipway(['--help']);
    expect(stale.code, stale.stderr).toBe(0);
    expect(stale.stdout).toMatch(/^Usage: slipway/m);
    expect(stale.stderr).not.toContain('ran dist');
  }, 60_000);

  it('a reader that closes stdout first (| head) ends either entry quietly: no stack, exit 0', async () => {
    for (const args of [
      [join(copy, 'src/cli/synth.mjs'), '--json'],
      [join(copy, 'src/cli/slipway.mjs'), 'validate', '--json'],
    ]) {
      const child = spawn(process.execPath, args, { cwd: copy, env: { ...process.env, NO_COLOR: '1' } });
      child.stdout.destroy(); // the read end is closed before anything is written: every write gets EPIPE
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr, args.join(' ')).not.toMatch(/EPIPE|\n\s+at /);
      expect(code, stderr).toBe(0);
    }
  }, 60_000);
});
