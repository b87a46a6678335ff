/**
 * Promotions as users run them: the slipway CLI against real env repos (local bare repos for the
 * direct flow, the GitHub-compatible server for pull requests), with a real platform repo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Run } from '../support/run.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { startGitHubServer, type StartedGitHubServer } from '../support/github-server/index.js';
import { GIT_ID, git } from '../support/git-id.js';
import { commitAsPlatformRepo } from '../support/platform-origin.js';

/** The sample as a real platform repo (git), its env repos local bare repos, bootstrapped. */
async function platform(edit?: (p: Project) => void): Promise<Project & { cli: (...args: string[]) => Promise<Run> }> {
  const p = makeProject(edit);
  commitAsPlatformRepo(p.root);
  const cli = (...args: string[]) =>
    run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', p.root, '--no-color', ...args], {
      env: { ...process.env, ...GIT_ID, USER: 'tester', SLIPWAY_ACTOR: 'tester' },
    });
  const boot = await cli('bootstrap', '-q');
  expect(boot.code, boot.stderr).toBe(0);
  return Object.assign(p, { cli });
}

const bare = (p: Project, env: string) => join(p.root, '.slipway', 'remotes', `${env}.git`);
const envRepoFile = (p: Project, env: string, path: string, ref = 'main') =>
  git(p.root, '--git-dir', bare(p, env), 'show', `${ref}:${path}`);
const envRepoLog = (p: Project, env: string, ref = 'main') => git(p.root, '--git-dir', bare(p, env), 'log', '--format=%s', ref).split('\n');

describe('direct promotions (local env repos)', () => {
  let p: Awaited<ReturnType<typeof platform>>;
  beforeAll(async () => {
    // production promotes directly here; the PR flow is tested against the GitHub server below.
    p = await platform((x) =>
      x.editYaml('envs/production.yaml', (d) => {
        d.promotion = 'direct';
      }),
    );
  }, 60_000);
  afterAll(() => p?.cleanup());

  it('promote to staging: one tag line in the env repo, the edit recorded in the platform repo', async () => {
    const envBefore = readFileSync(join(p.root, 'envs/staging.yaml'), 'utf8');
    const r = await p.cli('promote', 'go-demo-9', '0.0.2', '--env', 'staging');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('promote go-demo-9 0.0.1 → 0.0.2 (staging): committed');
    // The env repo diff: exactly the tag line (and the README row naming the tag).
    const diff = git(p.root, '--git-dir', bare(p, 'staging'), 'diff', '--unified=0', 'main~1', 'main');
    const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed.filter((l) => !l.includes('| go-demo-9 |'))).toEqual(['-  tag: "0.0.1"', '+  tag: "0.0.2"']);
    const message = git(p.root, '--git-dir', bare(p, 'staging'), 'log', '-1', '--format=%B', 'main');
    for (const t of [
      'Slipway-App: go-demo-9',
      'Slipway-Env: staging',
      'Slipway-Previous-Tag: 0.0.1',
      'Slipway-To: 0.0.2',
      'Slipway-Actor: tester',
    ])
      expect(message).toContain(t);
    expect(message).toMatch(/Slipway-Source-Commit: [0-9a-f]{40}/);
    // envs/staging.yaml: only the tag changed, comments kept, committed alone in the platform repo.
    const envAfter = readFileSync(join(p.root, 'envs/staging.yaml'), 'utf8');
    expect(envAfter).toBe(envBefore.replace('go-demo-9:\n    tag: "0.0.1"', 'go-demo-9:\n    tag: "0.0.2"'));
    expect(git(p.root, 'log', '-1', '--format=%s')).toBe('promote go-demo-9 0.0.1 → 0.0.2 (staging)');
    expect(git(p.root, 'show', '--name-only', '--format=', 'HEAD')).toBe('envs/staging.yaml');
    // The next synth reproduces what is deployed.
    expect((await p.cli('plan', '--env', 'staging')).code).toBe(0);
  }, 30_000);

  it('--from staging takes the tag staging runs; gating refuses anything else unless forced with a reason', async () => {
    const refused = await p.cli('promote', 'go-demo-9', '0.0.7', '--env', 'production');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'error: production promotes from staging, whose env repo has go-demo-9 0.0.2, not 0.0.7: promote 0.0.7 to staging first, or use --from staging, or --force --reason "<why>"',
    );
    const from = await p.cli('promote', 'go-demo-9', '--from', 'staging', '--env', 'production');
    expect(from.code, from.stderr).toBe(0);
    expect(envRepoFile(p, 'production', 'values/go-demo-9.yaml')).toContain('tag: "0.0.2"');
    const forced = await p.cli('promote', 'go-demo-9', '0.0.3', '--env', 'production', '--force', '--reason', 'hotfix for CVE-2026-0001');
    expect(forced.code, forced.stderr).toBe(0);
    expect(git(p.root, '--git-dir', bare(p, 'production'), 'log', '-1', '--format=%B', 'main')).toContain(
      'Slipway-Forced: hotfix for CVE-2026-0001',
    );
  }, 60_000);

  it('rollback restores the previous tag as a new commit, and history shows it all', async () => {
    const r = await p.cli('rollback', 'go-demo-9', '--env', 'production');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rollback go-demo-9 0.0.3 → 0.0.2 (production)');
    expect(envRepoFile(p, 'production', 'values/go-demo-9.yaml')).toContain('tag: "0.0.2"');
    const h = await p.cli('history', 'go-demo-9', '--env', 'production', '--json');
    const entries = JSON.parse(h.stdout).entries as Array<{ kind: string; from?: string; to?: string; forced?: string; who: string }>;
    expect(entries.slice(0, 3).map((e) => `${e.kind} ${e.from}→${e.to}`)).toEqual([
      'rollback 0.0.3→0.0.2',
      'promote 0.0.2→0.0.3',
      'promote 0.0.1→0.0.2',
    ]);
    expect(entries[1]!.forced).toBe('hotfix for CVE-2026-0001');
    expect(entries[0]!.who).toBe('tester');
    const text = await p.cli('history', 'go-demo-9', '--env', 'production');
    expect(text.stdout).toMatch(/rollback\s+0\.0\.3\s+0\.0\.2\s+tester/);
  }, 60_000);

  it('10 promotions of different apps started at once all land, in a linear history, none lost', async () => {
    const ten = await platform((x) => {
      for (let i = 0; i < 10; i++) {
        x.write(
          `charts-src/svc-${i}.ts`,
          `import { defineApp } from '../generators/index.js';\nexport default defineApp({ name: 'svc-${i}', image: 'example/svc-${i}', ingress: false });\n`,
        );
      }
      x.editYaml('envs/staging.yaml', (d) => {
        for (let i = 0; i < 10; i++) d.apps[`svc-${i}`] = { tag: '1.0.0' };
      });
    });
    try {
      const runs = await Promise.all(
        Array.from({ length: 10 }, (_, i) => ten.cli('promote', `svc-${i}`, '2.0.0', '--env', 'staging', '-q')),
      );
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      for (let i = 0; i < 10; i++) expect(envRepoFile(ten, 'staging', `values/svc-${i}.yaml`)).toContain('tag: "2.0.0"');
      const merges = git(ten.root, '--git-dir', bare(ten, 'staging'), 'rev-list', '--merges', 'main');
      expect(merges).toBe(''); // linear
      expect(envRepoLog(ten, 'staging').filter((s) => s.startsWith('promote svc-'))).toHaveLength(10);
      const envFile = readFileSync(join(ten.root, 'envs/staging.yaml'), 'utf8');
      for (let i = 0; i < 10; i++) expect(envFile).toMatch(new RegExp(`svc-${i}:\\n    tag: "2.0.0"`));
    } finally {
      ten.cleanup();
    }
  }, 180_000);

  it('a second clone promoting the same app: no regression, a clear message; pull adopts, then it may promote', async () => {
    // Another machine: a copy of the platform repo as it was before the promotions above.
    const other = makeProject();
    try {
      // Same env repos: point its envs at this platform's bare repos.
      for (const env of ['staging', 'production']) {
        other.editYaml(`envs/${env}.yaml`, (d) => {
          d.repo = bare(p, env);
          d.promotion = 'direct';
        });
      }
      const cli = (...args: string[]) =>
        run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', other.root, '--no-color', ...args], {
          env: { ...process.env, ...GIT_ID },
        });
      const before = envRepoLog(p, 'staging');
      const stale = await cli('promote', 'go-demo-9', '0.0.1', '--env', 'staging');
      expect(stale.code).toBe(1);
      expect(stale.stderr.trim()).toBe(
        'error: envs/staging.yaml says go-demo-9 0.0.1, but the env repo has 0.0.2 (promoted from another machine, or a merged pull request): run slipway pull to adopt it, then promote again (or --force --reason)',
      );
      expect(envRepoLog(p, 'staging')).toEqual(before); // nothing pushed
      const pulled = await cli('pull');
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(pulled.stdout).toContain('staging: go-demo-9 0.0.1 → 0.0.2 (adopted from the env repo)');
      expect(other.read('envs/staging.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');
      const now = await cli('promote', 'go-demo-9', '0.0.4', '--env', 'staging');
      expect(now.code, now.stderr).toBe(0);
    } finally {
      other.cleanup();
    }
  }, 60_000);

  it.each([
    {
      name: 'unknown app',
      args: ['promote', 'nope', '1.0', '--env', 'staging'],
      line: "error: envs/staging.yaml: apps.nope: 'nope' is not in staging (its apps: devops-toolkit, devops-paradox, go-demo-9)",
    },
    {
      name: 'unknown env',
      args: ['promote', 'go-demo-9', '1.0', '--env', 'qa'],
      line: 'error: --env qa: no envs/qa.yaml (known: production, staging)',
    },
    {
      name: 'a tag Docker rejects',
      args: ['promote', 'go-demo-9', 'bad tag!', '--env', 'staging'],
      line: "error: tag 'bad tag!' is not one Docker accepts (letters, digits, _ . -, starting with a letter, digit or _, at most 128; optionally @sha256:<64 hex>)",
    },
    {
      name: 'a 129-character tag',
      args: ['promote', 'go-demo-9', 'v'.repeat(129), '--env', 'staging'],
      line: `error: tag '${'v'.repeat(129)}' is not one Docker accepts (letters, digits, _ . -, starting with a letter, digit or _, at most 128; optionally @sha256:<64 hex>)`,
    },
    {
      name: 'latest into a pinned env',
      args: ['promote', 'go-demo-9', 'latest', '--env', 'production'],
      line: "error: envs/production.yaml: apps.go-demo-9.tag: 'latest' floats; production pins tags (pinnedTags: true): promote a version tag",
    },
    {
      name: 'an env from itself',
      args: ['promote', 'go-demo-9', '--from', 'staging', '--env', 'staging'],
      line: 'error: --from staging: an environment cannot promote from itself',
    },
    {
      name: '--force without --reason',
      args: ['promote', 'go-demo-9', '0.0.9', '--env', 'production', '--force'],
      line: 'error: --force needs --reason "<why>": the reason goes into the commit',
    },
  ])(
    'bad input: $name → one line, exit 1, nothing pushed',
    async ({ args, line }) => {
      const before = [envRepoLog(p, 'staging'), envRepoLog(p, 'production'), git(p.root, 'rev-parse', 'HEAD')];
      const r = await p.cli(...args);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([line]);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect([envRepoLog(p, 'staging'), envRepoLog(p, 'production'), git(p.root, 'rev-parse', 'HEAD')]).toEqual(before);
    },
    30_000,
  );

  it('--dry-run prints the plan and writes nothing', async () => {
    const before = [envRepoLog(p, 'staging'), readFileSync(join(p.root, 'envs/staging.yaml'), 'utf8')];
    const r = await p.cli('promote', 'devops-paradox', '1.72', '--env', 'staging', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('~ update values/devops-paradox.yaml');
    expect(r.stdout).toContain('+  tag: "1.72"');
    expect([envRepoLog(p, 'staging'), readFileSync(join(p.root, 'envs/staging.yaml'), 'utf8')]).toEqual(before);
  }, 30_000);
});

describe('pull-request promotions (GitHub-compatible server)', () => {
  const TOKEN = 'test-token-promote-0001';
  let server: StartedGitHubServer;
  let p: Project;
  let cli: (...args: string[]) => Promise<Run>;

  beforeAll(async () => {
    server = await startGitHubServer({ token: TOKEN });
    p = makeProject((x) => {
      for (const env of ['staging', 'production']) {
        x.editYaml(`envs/${env}.yaml`, (d) => {
          d.repo = `slipway-bot/env-${env}`;
          d.github = { apiUrl: server.url };
          delete d.repoURL;
        });
      }
    });
    const home = mkdtempSync(join(tmpdir(), 'slipway-home-'));
    cli = (...args: string[]) =>
      run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', p.root, '--no-color', ...args], {
        env: { ...process.env, ...GIT_ID, GITHUB_TOKEN: TOKEN, SLIPWAY_HOME: home, SLIPWAY_RETRY_BASE_MS: '50' },
      });
    expect((await cli('bootstrap', '-q')).code).toBe(0);
  }, 90_000);
  afterAll(async () => {
    p?.cleanup();
    await server?.stop();
  });

  it('opens one PR whose body is the plan; a second promotion adds a commit on its branch and updates it', async () => {
    expect((await cli('promote', 'go-demo-9', '0.0.2', '--env', 'staging', '-q')).code).toBe(0);
    const first = await cli('promote', 'go-demo-9', '--from', 'staging', '--env', 'production');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/opened pull request #1 .* from slipway\/promote-production-go-demo-9/);
    expect((await cli('promote', 'go-demo-9', '0.0.3', '--env', 'staging', '-q')).code).toBe(0);
    const second = await cli('promote', 'go-demo-9', '--from', 'staging', '--env', 'production');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/updated pull request #1 /);
    const pulls = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pulls'));
    expect(pulls).toHaveLength(1);
    const updates = server.requests.filter((r) => r.method === 'PATCH' && /\/pulls\/1$/.test(r.path));
    expect((updates.at(-1)!.body as { title: string; body: string }).title).toBe('promote go-demo-9 0.0.1 → 0.0.3 (production)');
    expect((updates.at(-1)!.body as { body: string }).body).toContain('+  tag: "0.0.3"');
    // Two commits on the branch, on top of main; main and envs/production.yaml unchanged.
    const gitDir = join(server.reposDir, 'slipway-bot', 'env-production.git');
    expect(git(p.root, '--git-dir', gitDir, 'log', '--format=%s', 'main..slipway/promote-production-go-demo-9').split('\n')).toEqual([
      'promote go-demo-9 0.0.1 → 0.0.3 (production)',
      'promote go-demo-9 0.0.1 → 0.0.2 (production)',
    ]);
    expect(p.read('envs/production.yaml')).toMatch(/go-demo-9:\n {4}tag: "?0\.0\.1"?\n/);
    const status = JSON.parse((await cli('status', '--json')).stdout).rows as Array<{
      app: string;
      env: string;
      pullRequest?: { number: number };
    }>;
    expect(status.find((r) => r.app === 'go-demo-9' && r.env === 'production')!.pullRequest?.number).toBe(1);
  }, 120_000);

  it('once the PR is merged, plan refuses until pull adopts the merged tag into envs/', async () => {
    const { Octokit } = await import('@octokit/rest');
    const octokit = new Octokit({ auth: TOKEN, baseUrl: server.url });
    await octokit.rest.pulls.merge({ owner: 'slipway-bot', repo: 'env-production', pull_number: 1 });
    const refused = await cli('plan', '--env', 'production');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(go-demo-9 0.0.1 here, 0.0.3 there): run slipway pull');
    const pulled = await cli('pull', '--env', 'production');
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(p.read('envs/production.yaml')).toContain('go-demo-9:\n    tag: "0.0.3"');
    expect((await cli('plan', '--env', 'production')).code).toBe(0);
    const rows = JSON.parse((await cli('status', '--json')).stdout).rows as Array<{
      app: string;
      env: string;
      committed: string;
      differs: boolean;
      pullRequest?: unknown;
    }>;
    const row = rows.find((r) => r.app === 'go-demo-9' && r.env === 'production')!;
    expect(row).toMatchObject({ committed: '0.0.3', differs: false });
    expect(row.pullRequest).toBeUndefined();
  }, 60_000);
});
