/**
 * `promote --all` (a bundle) as users run it: the CLI, a real platform repo (git), the sample's
 * env repos as local bare repos. One bundle: one env-repo commit, one platform-repo commit, the
 * `Slipway-Bundle` trailer; `--app` for a subset; one blocked app refuses it unless
 * --skip-blocked; a rerun changes nothing; history shows one change and rollback restores every
 * app of it; --pr makes one review branch (slipway/bundle-<env>) that approve --bundle merges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Run } from '../support/run.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { GIT_ID, git } from '../support/git-id.js';
import { commitAsPlatformRepo } from '../support/platform-origin.js';

type Platform = Project & { cli: (...args: string[]) => Promise<Run> };

// Several CLI runs per case (each renders an env), beside other test files on 2 cores.
const SLOW = 300_000;

describe('promote --all: a whole environment in one commit', () => {
  let p: Platform;
  beforeAll(async () => {
    p = makeProject((x) => x.replace('envs/production.yaml', 'promotion: pr', 'promotion: direct')) as Platform;
    commitAsPlatformRepo(p.root);
    p.cli = (...args: string[]) =>
      run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', p.root, '--no-color', ...args], {
        env: { ...process.env, ...GIT_ID, USER: 'tester', SLIPWAY_ACTOR: 'tester' },
      });
    await ok(p.cli('bootstrap', '-q'));
    // staging runs newer go-demo-9 and devops-paradox; devops-toolkit differs already (2.9.17 / 2.9.9).
    await ok(p.cli('promote', 'go-demo-9', '0.0.2', '--env', 'staging', '-q'));
    await ok(p.cli('promote', 'devops-paradox', '1.72', '--env', 'staging', '-q'));
  }, SLOW);
  afterAll(() => p?.cleanup());

  const bare = (env: string) => join(p.root, '.slipway', 'remotes', `${env}.git`);
  const envGit = (env: string, ...args: string[]) => git(p.root, '--git-dir', bare(env), ...args);
  const repoTag = (env: string, app: string, ref = 'main') =>
    /tag: "?([^"\n]+)"?/.exec(envGit(env, 'show', `${ref}:values/${app}.yaml`))![1];
  const count = (env: string) => Number(envGit(env, 'rev-list', '--count', 'main'));
  const platformCount = () => Number(git(p.root, 'rev-list', '--count', 'main'));
  const errors = (r: Run) => r.stderr.split('\n').filter((l) => l.startsWith('error:'));

  it(
    '--app: a subset as one commit in each repo, every app from → to in the message, the set in Slipway-Bundle; --dry-run writes nothing',
    async () => {
      const [before, platformBefore] = [count('production'), platformCount()];
      const subset = ['--all', '--from', 'staging', '--env', 'production', '--app', 'go-demo-9', '--app', 'devops-paradox'];
      const dry = await ok(p.cli('promote', ...subset, '--dry-run', '--json'));
      const plan = JSON.parse(dry.stdout) as { status: string; apps: Array<{ app: string; action: string; current: string; tag: string }> };
      expect(plan.status).toBe('dry-run');
      expect(plan.apps.map((a) => [a.app, a.current, a.tag, a.action])).toEqual([
        ['devops-paradox', '1.71', '1.72', 'would-promote'],
        ['go-demo-9', '0.0.1', '0.0.2', 'would-promote'],
      ]);
      expect([count('production'), platformCount()]).toEqual([before, platformBefore]);

      const r = await ok(p.cli('promote', ...subset));
      const title = 'promote 2 apps (production): devops-paradox 1.71 → 1.72, go-demo-9 0.0.1 → 0.0.2';
      expect(r.stdout).toContain(`${title}: committed`);
      expect([count('production'), platformCount()]).toEqual([before + 1, platformBefore + 1]);
      const message = envGit('production', 'log', '-1', '--format=%B', 'main');
      expect(message.split('\n')[0]).toBe(title);
      for (const t of [
        'Slipway-Env: production',
        'Slipway-Bundle: devops-paradox=1.72,go-demo-9=0.0.2',
        'Slipway-Bundle-Previous: devops-paradox=1.71,go-demo-9=0.0.1',
        'Slipway-Promoted-From-Env: staging',
        'Slipway-Actor: tester',
      ])
        expect(message).toContain(t);
      expect(message).not.toContain('Slipway-App:');
      expect([
        repoTag('production', 'go-demo-9'),
        repoTag('production', 'devops-paradox'),
        repoTag('production', 'devops-toolkit'),
      ]).toEqual(['0.0.2', '1.72', '2.9.9']);
      // The platform repo: envs/production.yaml alone, both tags, one commit titled as the env repo's.
      expect(git(p.root, 'log', '-1', '--format=%s')).toBe(title);
      expect(git(p.root, 'show', '--name-only', '--format=', 'HEAD')).toBe('envs/production.yaml');
      expect(git(p.root, 'log', '-1', '--format=%B')).toContain('Slipway-Bundle: devops-paradox=1.72,go-demo-9=0.0.2');
      const envFile = readFileSync(join(p.root, 'envs/production.yaml'), 'utf8');
      expect(envFile).toContain('go-demo-9:\n    tag: "0.0.2"');
      expect(envFile).toContain('devops-paradox:\n    tag: "1.72"');
    },
    SLOW,
  );

  it(
    'gating blocks one app: the bundle is refused (one line naming it, nothing written) unless --skip-blocked; a rerun changes nothing',
    async () => {
      // production pins tags: a floating tag in staging is blocked there.
      await ok(p.cli('promote', 'devops-paradox', 'latest', '--env', 'staging', '-q'));
      await ok(p.cli('promote', 'go-demo-9', '0.0.3', '--env', 'staging', '-q'));
      const [before, platformBefore] = [count('production'), platformCount()];
      const all = ['promote', '--all', '--from', 'staging', '--env', 'production'];
      const refused = await p.cli(...all);
      expect(refused.code).toBe(1);
      expect(errors(refused)).toHaveLength(1);
      expect(errors(refused)[0]).toMatch(
        /^error: production: blocked, so nothing was promoted: devops-paradox: .*'latest' floats; .*--skip-blocked/,
      );
      expect([count('production'), platformCount()]).toEqual([before, platformBefore]);
      expect(git(p.root, 'status', '--porcelain')).toBe('');

      const skipped = await ok(p.cli(...all, '--skip-blocked', '--json'));
      const result = JSON.parse(skipped.stdout) as { status: string; apps: Array<{ app: string; action: string; reason: string }> };
      expect(result.status).toBe('committed');
      expect(result.apps.map((a) => [a.app, a.action])).toEqual([
        ['devops-paradox', 'blocked'],
        ['devops-toolkit', 'promoted'],
        ['go-demo-9', 'promoted'],
      ]);
      expect(result.apps[0]!.reason).toContain("'latest' floats");
      expect([count('production'), platformCount()]).toEqual([before + 1, platformBefore + 1]);
      expect(envGit('production', 'log', '-1', '--format=%s', 'main')).toBe(
        'promote 2 apps (production): devops-toolkit 2.9.9 → 2.9.17, go-demo-9 0.0.2 → 0.0.3',
      );
      expect(repoTag('production', 'devops-paradox')).toBe('1.72');

      const rerun = await ok(p.cli(...all, '--skip-blocked'));
      expect(rerun.stdout).toContain('nothing to promote to production from staging (2 up-to-date, 1 blocked)');
      expect([count('production'), platformCount()]).toEqual([before + 1, platformBefore + 1]);
    },
    SLOW,
  );

  it(
    'history shows the bundle as one change; rollback of one of its apps restores every app of it, in one commit',
    async () => {
      const bundleSha = envGit('production', 'rev-parse', 'main');
      const h = await ok(p.cli('history', 'go-demo-9', '--env', 'production', '--json'));
      const [entry] = JSON.parse(h.stdout).entries as Array<{ sha: string; from: string; to: string; bundle: unknown }>;
      expect(entry).toMatchObject({ sha: bundleSha, from: '0.0.2', to: '0.0.3' });
      expect(entry!.bundle).toEqual([
        { app: 'devops-toolkit', from: '2.9.9', to: '2.9.17' },
        { app: 'go-demo-9', from: '0.0.2', to: '0.0.3' },
      ]);
      const text = await ok(p.cli('history', 'devops-toolkit', '--env', 'production'));
      expect(text.stdout).toContain('bundle: devops-toolkit 2.9.9 → 2.9.17, go-demo-9 0.0.2 → 0.0.3');

      const before = count('production');
      const r = await ok(p.cli('rollback', 'go-demo-9', '--env', 'production'));
      expect(r.stdout).toContain('rollback 2 apps (production): devops-toolkit 2.9.17 → 2.9.9, go-demo-9 0.0.3 → 0.0.2: committed');
      expect(count('production')).toBe(before + 1);
      expect([repoTag('production', 'go-demo-9'), repoTag('production', 'devops-toolkit')]).toEqual(['0.0.2', '2.9.9']);
      const message = envGit('production', 'log', '-1', '--format=%B', 'main');
      expect(message).toContain('Slipway-Bundle: devops-toolkit=2.9.9,go-demo-9=0.0.2');
      expect(message).toContain('Slipway-Rollback: true');
      const envFile = readFileSync(join(p.root, 'envs/production.yaml'), 'utf8');
      expect(envFile).toContain('devops-toolkit:\n    tag: "2.9.9"');
      expect(envFile).toContain('go-demo-9:\n    tag: "0.0.2"');
    },
    SLOW,
  );

  it(
    '--pr: one review branch (slipway/bundle-<env>) with one commit; approve --bundle merges it; history follows the merge',
    async () => {
      const main = envGit('production', 'rev-parse', 'main');
      const r = await ok(p.cli('promote', '--all', '--from', 'staging', '--env', 'production', '--skip-blocked', '--pr'));
      expect(r.stdout).toContain('pushed slipway/bundle-production');
      expect(r.stdout).toContain('slipway approve production --bundle');
      expect(envGit('production', 'rev-parse', 'main')).toBe(main);
      expect(envGit('production', 'rev-list', '--count', `main..slipway/bundle-production`)).toBe('1');
      expect(envGit('production', 'log', '-1', '--format=%B', 'slipway/bundle-production')).toContain(
        'Slipway-Bundle: devops-toolkit=2.9.17,go-demo-9=0.0.3',
      );
      // status shows the bundle pending for the apps it changes, not for the others.
      const status = JSON.parse((await p.cli('status', '--env', 'production', '--json')).stdout) as {
        rows: Array<{ app: string; pending?: { branch: string } }>;
      };
      expect(
        status.rows
          .filter((row) => row.pending)
          .map((row) => [row.app, row.pending!.branch])
          .sort(),
      ).toEqual([
        ['devops-toolkit', 'slipway/bundle-production'],
        ['go-demo-9', 'slipway/bundle-production'],
      ]);
      await ok(p.cli('approve', 'production', '--bundle'));
      expect([repoTag('production', 'go-demo-9'), repoTag('production', 'devops-toolkit')]).toEqual(['0.0.3', '2.9.17']);
      const h = await ok(p.cli('history', 'go-demo-9', '--env', 'production', '--json'));
      const [entry] = JSON.parse(h.stdout).entries as Array<{ merged?: { branch?: string }; bundle?: unknown[] }>;
      expect(entry!.merged?.branch).toBe('slipway/bundle-production');
      expect(entry!.bundle).toHaveLength(2);
    },
    SLOW,
  );

  it(
    'bad input is one line: --all without --from, an app not in the env, <app> beside --all',
    async () => {
      for (const [args, line] of [
        [['--all', '--env', 'production'], 'error: promote --all needs --from <env>: the environment whose tags to take'],
        [
          ['--all', '--from', 'staging', '--env', 'production', '--app', 'nope'],
          "error: envs/production.yaml: apps.nope: 'nope' is not in production",
        ],
        [['go-demo-9', '--all', '--from', 'staging', '--env', 'production'], "error: promote --all takes no <app> ('go-demo-9')"],
      ] as const) {
        const r = await p.cli('promote', ...args);
        expect(r.code).toBe(1);
        expect(errors(r)).toHaveLength(1);
        expect(errors(r)[0]).toContain(line);
      }
    },
    SLOW,
  );
});

async function ok(r: Promise<Run>): Promise<Run> {
  const done = await r;
  expect(done.code, done.stdout + done.stderr).toBe(0);
  return done;
}
