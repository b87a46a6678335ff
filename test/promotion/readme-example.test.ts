/**
 * The README's promotion example ("On the sample after `slipway bootstrap`, in this order"), run
 * as written, line by line through a shell, on the sample: a git platform repo with a bare
 * `origin`, its env repos bootstrapped. Only `npx slipway` becomes this checkout's executable.
 * Every line must exit 0 with no error, and the block must do what its comments say.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformWithOrigin } from '../support/platform-origin.js';
import { run } from '../support/run.js';
import { REPO_ROOT } from '../support/project-fixture.js';
import { GIT_ID, git } from '../support/git-id.js';

/** The sh block just before the line naming this test in README.md. */
function readmeBlock(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const marker = readme.indexOf('`test/promotion/readme-example.test.ts` runs this block as written.');
  expect(marker).toBeGreaterThan(0);
  const before = readme.slice(0, marker);
  const start = before.lastIndexOf('```sh\n');
  const block = before.slice(start + '```sh\n'.length, before.lastIndexOf('```'));
  return block.split('\n').filter((l) => l.trim() !== '');
}

describe("the README's promotion example", () => {
  it('runs as written on the sample after bootstrap: every line exits 0', async () => {
    const lines = readmeBlock();
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).toMatch(/^npx slipway /);

    const tmp = mkdtempSync(join(tmpdir(), 'slipway-readme-'));
    const { p, origin } = platformWithOrigin(tmp, undefined, ['status.html']);
    const slipway = `'${process.execPath}' '${join(REPO_ROOT, 'src/cli/slipway.mjs')}'`;
    const env = { ...process.env, ...GIT_ID, NO_COLOR: '1', SLIPWAY_ACTOR: 'reader', GITHUB_ACTOR: '', SLIPWAY_HOME: join(tmp, 'home') };
    const sh = (line: string) => run('sh', ['-c', line.replace(/^npx slipway /, `${slipway} `)], { cwd: p.root, env });
    const production = join(p.root, '.slipway', 'remotes', 'production.git');
    const show = (rev: string, path: string) => git(tmp, '--git-dir', production, 'show', `${rev}:${path}`);
    try {
      const boot = await sh('npx slipway bootstrap -q');
      expect(boot.code, boot.stderr).toBe(0);
      for (const line of lines) {
        const r = await sh(line);
        expect(r.code, `${line}\n${r.stdout}${r.stderr}`).toBe(0);
        expect(r.stderr, line).not.toMatch(/^error:/m);
      }
      // What the comments say: approved and pulled; a bundle and a forced hotfix for review; the rollback for review.
      expect(p.read('envs/production.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');
      expect(git(tmp, '--git-dir', origin, 'show', 'main:envs/production.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');
      expect(show('main', 'values/go-demo-9.yaml')).toContain('tag: "0.0.2"');
      expect(show('slipway/bundle-production', 'values/devops-toolkit.yaml')).toContain('tag: "2.9.18"');
      expect(show('slipway/bundle-production', 'values/devops-paradox.yaml')).toContain('tag: "1.72"');
      expect(git(tmp, '--git-dir', production, 'log', '-1', '--format=%B', 'slipway/promote-production-devops-toolkit')).toContain(
        'Slipway-Forced: CVE hotfix',
      );
      expect(show('slipway/promote-production-go-demo-9', 'values/go-demo-9.yaml')).toContain('tag: "0.0.1"');
      expect(git(tmp, '--git-dir', production, 'log', '-1', '--format=%B', 'slipway/promote-production-go-demo-9')).toContain(
        'Slipway-Rollback: true',
      );
      expect(existsSync(join(p.root, 'status.html'))).toBe(true);
    } finally {
      p.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);
});
