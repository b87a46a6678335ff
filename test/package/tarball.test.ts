/**
 * slipway as a team installs it: `npm pack`, then in an empty folder `npm install <tarball>`,
 * `npx slipway init`, synth, add, validate, bootstrap, promote, and the new repo's own
 * `npm test`. Dependencies come from the npm registry (or npm's cache), as for any user.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { REPO_ROOT } from '../support/project-fixture.js';
import { run } from '../support/run.js';

const GIT_ID = {
  GIT_AUTHOR_NAME: 'pack test',
  GIT_AUTHOR_EMAIL: 'pack@example.com',
  GIT_COMMITTER_NAME: 'pack test',
  GIT_COMMITTER_EMAIL: 'pack@example.com',
};
const env = {
  ...process.env,
  ...GIT_ID,
  NO_COLOR: '1',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
// What these tests start must not take slipway from the checkout: only from the installed package.
delete (env as Record<string, string | undefined>)['SLIPWAY_FROM_SOURCE'];

let scratch: string;
let tarball: string;
let files: string[];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'slipway-pack-'));
  if (!existsSync(join(REPO_ROOT, 'dist/slipway.js'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
  // What `prepack` adds to the build: the public API's declarations (dist/types/, next to dist/).
  const types = await run('npx', ['tsc', '-p', 'tsconfig.types.json'], { cwd: REPO_ROOT, limitMs: 120_000 });
  if (types.code !== 0) throw new Error(`declarations: ${types.stdout}${types.stderr}`);
  // --ignore-scripts: prepack would rebuild dist/ under the feet of the other test files.
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
    cwd: REPO_ROOT,
    env,
    limitMs: 120_000,
  });
  if (pack.code !== 0) throw new Error(`npm pack: ${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(scratch, info!.filename);
  files = info!.files.map((f) => f.path);
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the npm package', () => {
  it('holds the CLI, compiled code, declarations and schema; no tests, caches, sources or source maps', () => {
    for (const f of [
      'src/cli/slipway.mjs',
      'dist/slipway.js',
      'dist/generators.js',
      'dist/core-fields.json',
      'dist/env-schema-validate.cjs',
      'dist/types/generators/index.d.ts',
      'envs/env.schema.json',
      'README.md',
      'LICENSE',
    ]) {
      expect(files).toContain(f);
    }
    const unwanted = files.filter((f) =>
      /^(test|bench|scripts|generators|out|\.slipway)\/|\.cache|\.map$|^dist\/sources\.json$|^src\/(?!cli\/[\w-]+\.mjs$)/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it("installs into an empty folder, and init, synth, add, validate, bootstrap, promote and the new repo's npm test all work", async () => {
    const dir = join(scratch, 'acme-platform');
    const step = async (command: string, args: string[], expected = 0) => {
      const r = await run(command, args, { cwd: dir, env, limitMs: 240_000 });
      expect(r.code, `${command} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(expected);
      return r;
    };
    const slipway = (...args: string[]) => step(join(dir, 'node_modules/.bin/slipway'), args);
    mkdirSync(dir);
    await step('npm', ['install', '--prefer-offline', tarball]);
    await slipway('init');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies.slipway).toMatch(/slipway-.*\.tgz$/);
    await step('npm', ['install', '--prefer-offline']);
    const synth = await step('npm', ['run', 'synth']);
    expect(synth.stdout + synth.stderr).toMatch(/1 apps × 2 envs/);
    expect(existsSync(join(dir, 'out/envs/production/values/podinfo.yaml'))).toBe(true);

    await slipway('add', 'app', 'billing', '--delivery', 'canary', '--port', '8080');
    expect(parse(readFileSync(join(dir, 'envs/staging.yaml'), 'utf8')).apps.billing).toEqual({ tag: '0.1.0' });
    await slipway('validate');
    await step('git', ['add', '-A']);
    await step('git', ['commit', '-qm', 'billing']);
    await slipway('bootstrap', '-q');
    const promote = await slipway('promote', 'podinfo', '6.9.3', '--env', 'staging');
    expect(promote.stdout).toContain('promote podinfo 6.9.2 → 6.9.3 (staging): committed');
    const log = await step('git', ['--git-dir', join(dir, '.slipway/remotes/staging.git'), 'log', '-1', '--format=%s']);
    expect(log.stdout).toContain('podinfo');
    await step('npm', ['test']);

    // Bad input: one line, exit 1, nothing written.
    const head = (await step('git', ['rev-parse', 'HEAD'])).stdout;
    for (const args of [
      ['init'],
      ['add', 'app', 'billing'],
      ['add', 'app', 'Bad_Name'],
      ['add', 'env', 'staging'],
      ['add', 'app', 'x', '--delivery', 'lambda'],
    ]) {
      const r = await step(join(dir, 'node_modules/.bin/slipway'), args, 1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect((await step('git', ['status', '--porcelain'])).stdout).toBe('');
    expect((await step('git', ['rev-parse', 'HEAD'])).stdout).toBe(head);

    // An upgrade of slipway (here: its version moved on) shows in plan as exactly what it changes:
    // the version each env repo records, nothing else.
    const installed = join(dir, 'node_modules/slipway/package.json');
    const version = JSON.parse(readFileSync(installed, 'utf8')).version as string;
    writeFileSync(installed, readFileSync(installed, 'utf8').replace(`"version": "${version}"`, '"version": "99.0.0"'));
    const plan = await step(join(dir, 'node_modules/.bin/slipway'), ['plan', '--json'], 2);
    const envs = JSON.parse(plan.stdout).envs as Array<{ env: string; changes: Array<{ path: string; diff: string }> }>;
    expect(envs.map((e) => e.env).sort()).toEqual(['production', 'staging']);
    for (const e of envs) {
      expect(
        e.changes.map((c) => c.path),
        e.env,
      ).toEqual(['README.md']);
      expect(e.changes[0]!.diff).toContain(`-Generated by slipway ${version} from`);
      expect(e.changes[0]!.diff).toContain('+Generated by slipway 99.0.0 from');
    }
  }, 600_000);
});
