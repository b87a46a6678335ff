import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { init } from '../../src/scaffold/init.js';

const GIT_ID = {
  GIT_AUTHOR_NAME: 'init test',
  GIT_AUTHOR_EMAIL: 'init@example.com',
  GIT_COMMITTER_NAME: 'init test',
  GIT_COMMITTER_EMAIL: 'init@example.com',
};

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-init-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('slipway init', () => {
  it('writes a platform repo that depends on slipway, with one app in staging and production, and commits it', () => {
    const dir = join(scratch(), 'acme-platform');
    const saved = { ...process.env };
    Object.assign(process.env, GIT_ID);
    try {
      const r = init({ dir, version: '1.2.3' });
      expect(r.written).toEqual([
        '.github/workflows/platform.yaml',
        '.gitignore',
        'README.md',
        'cdk8s.yaml',
        'charts-src/podinfo.ts',
        'envs/production.yaml',
        'envs/staging.yaml',
        'package.json',
        'tsconfig.json',
      ]);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(pkg).toMatchObject({
        name: 'acme-platform',
        type: 'module',
        dependencies: { slipway: '^1.2.3' },
        scripts: { synth: 'slipway synth' },
      });
      expect(parse(readFileSync(join(dir, 'envs/production.yaml'), 'utf8'))).toMatchObject({
        promotesFrom: 'staging',
        promotion: 'pr',
        apps: { podinfo: { tag: '6.9.2' } },
      });
      expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^\/out\/$/m);
      expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^\/\.slipway\/$/m);
      expect(r.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
      expect(execFileSync('git', ['log', '--format=%s'], { cwd: dir, encoding: 'utf8' }).trim()).toBe('slipway init');
    } finally {
      process.env = saved;
    }
  });

  it('takes a folder holding only what `npm install slipway` leaves, keeping its package.json dependency', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', dependencies: { slipway: 'file:../slipway-0.1.0.tgz' } }));
    writeFileSync(join(dir, 'package-lock.json'), '{}');
    mkdirSync(join(dir, 'node_modules'));
    init({ dir, version: '0.1.0', git: false });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies.slipway).toBe('file:../slipway-0.1.0.tgz');
    expect(pkg.name).toBe('x');
  });

  it('brings the book sample with --example book', () => {
    const dir = scratch();
    const r = init({ dir, version: '0.1.0', git: false, example: 'book' });
    expect(r.apps).toEqual(['devops-paradox', 'devops-toolkit', 'go-demo-9']);
    expect(readFileSync(join(dir, 'envs/staging.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/node_modules\/slipway\/envs\/env\.schema\.json$/m,
    );
    expect(readFileSync(join(dir, 'charts-src/devops-toolkit.ts'), 'utf8')).toContain("from 'slipway'");
  });

  it.each([
    [
      'a non-empty folder',
      (dir: string) => writeFileSync(join(dir, 'notes.txt'), 'mine'),
      {},
      'not empty (notes.txt); init writes into an empty folder, or pass --force',
    ],
    ['an unknown example', () => {}, { example: 'kargo' }, "--example: 'kargo' is not minimal or book"],
    ['a broken package.json', (dir: string) => writeFileSync(join(dir, 'package.json'), '{'), {}, 'package.json: not a JSON object'],
  ])('refuses %s with one line and writes nothing', (_what, prepare, options, message) => {
    const dir = scratch();
    prepare(dir);
    const before = readdirSync(dir).sort();
    expect(() => init({ dir, version: '0.1.0', git: false, ...options })).toThrow(message);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('writes into a non-empty folder with --force, leaving the files it does not write', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    init({ dir, version: '0.1.0', git: false, force: true });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(join(dir, 'charts-src'))).toEqual(['podinfo.ts']);
  });
});
