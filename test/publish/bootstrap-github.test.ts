/**
 * End to end, as a user runs it: the real `slipway` CLI against the GitHub-compatible test server
 * (real bare repos, real Octokit with its plugins), then plain git clones of what it wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubRemote } from '../../src/publish/github-remote.js';
import { readTree } from '../../src/write/out-dir.js';
import { run, type Run } from '../support/run.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { gitAuthEnv, startGitHubServer, type StartedGitHubServer } from '../support/github-server/index.js';

const TOKEN = 'test-token-bootstrap-0001';
let server: StartedGitHubServer;
let project: Project;
let home: string;

/** Runs the slipway CLI as a user would; never throws. */
function slipway(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', project.root, '--no-color', ...args], {
    env: { ...process.env, GITHUB_TOKEN: TOKEN, SLIPWAY_HOME: home, SLIPWAY_RETRY_BASE_MS: '50', ...env },
  });
}

/** A plain `git clone` of an env repo from the server, credentials through the environment. */
async function cloneTree(owner: string, repo: string): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-clone-'));
  const r = await run('git', ['clone', '--quiet', `${server.url}/${owner}/${repo}.git`, dir], {
    env: { ...process.env, ...gitAuthEnv(TOKEN) },
  });
  expect(r.code, r.stderr).toBe(0);
  const files = readTree(dir);
  for (const k of [...files.keys()]) if (k.startsWith('.git/')) files.delete(k);
  rmSync(dir, { recursive: true, force: true });
  return files;
}

function commitsOn(owner: string, repo: string): string[] {
  const r = spawnSync('git', ['--git-dir', join(server.reposDir, owner, `${repo}.git`), 'log', '--format=%H %s', 'main'], {
    encoding: 'utf8',
  });
  return r.stdout.trim().split('\n').filter(Boolean);
}

const writes = () => server.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('.git/git-upload-pack'));

beforeAll(async () => {
  server = await startGitHubServer({ token: TOKEN, orgs: ['platform-org'] });
  home = mkdtempSync(join(tmpdir(), 'slipway-home-'));
  project = makeProject((p) => {
    // staging in an org, production under the token's own user: both creation paths.
    p.editYaml('envs/staging.yaml', (d) => {
      d.repo = 'platform-org/env-staging';
      d.github = { apiUrl: server.url };
      delete d.repoURL;
    });
    p.editYaml('envs/production.yaml', (d) => {
      d.repo = 'slipway-bot/env-production';
      d.github = { apiUrl: server.url };
      delete d.repoURL;
    });
  });
});

afterAll(async () => {
  project?.cleanup();
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('bootstrap against the GitHub-compatible server', () => {
  it('synth → plan (exit 2) → bootstrap → clones equal out/envs → plan (exit 0) → second bootstrap writes nothing', async () => {
    const synth = await slipway(['synth']);
    expect(synth.code, synth.stderr).toBe(0);

    const plan = await slipway(['plan']);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
    expect(plan.stderr).toContain('does not exist yet; bootstrap creates it');
    expect(writes()).toEqual([]); // plan writes nothing anywhere

    const boot = await slipway(['bootstrap']);
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stdout).toContain('Hand staging over to Argo CD');

    for (const [env, owner, repo] of [
      ['staging', 'platform-org', 'env-staging'],
      ['production', 'slipway-bot', 'env-production'],
    ] as const) {
      const clone = await cloneTree(owner, repo);
      expect(clone).toEqual(readTree(join(project.root, 'out', 'envs', env)));
      const [head, init] = commitsOn(owner, repo);
      expect(head).toMatch(new RegExp(`slipway: sync ${env} \\(\\d+ added, 1 changed, 0 removed\\)`)); // README.md came from auto_init
      expect(init).toBeDefined(); // auto_init's first commit: history is linear on top of it
    }
    const created = server.requests.filter((r) => r.method === 'POST' && /\/(user|orgs\/platform-org)\/repos$/.test(r.path));
    expect(created.map((r) => r.path).sort()).toEqual(['/orgs/platform-org/repos', '/user/repos']);
    expect(
      created.every((r) => (r.body as { private: boolean; auto_init: boolean }).private && (r.body as { auto_init: boolean }).auto_init),
    ).toBe(true);

    // Argo CD's read access: a read-only deploy key, and the Secret in a 0600 file outside every repo.
    const secretFile = join(home, 'argocd', 'production-repository.yaml');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile, 'utf8');
    expect(secret).toContain('argocd.argoproj.io/secret-type: repository');
    expect(secret).toContain('git@127.0.0.1');
    expect(secret).toContain('BEGIN PRIVATE KEY');
    expect(boot.stdout).toContain(`kubectl apply -f ${secretFile}`);
    const keys = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/keys'));
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => (k.body as { read_only: boolean }).read_only === true)).toBe(true);

    const again = await slipway(['plan']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to add, 0 to change, 0 to destroy.');

    const before = {
      writes: writes().length,
      staging: commitsOn('platform-org', 'env-staging'),
      production: commitsOn('slipway-bot', 'env-production'),
    };
    const second = await slipway(['bootstrap']);
    expect(second.code, second.stderr).toBe(0);
    expect(writes().length).toBe(before.writes); // no API write at all
    expect(commitsOn('platform-org', 'env-staging')).toEqual(before.staging);
    expect(commitsOn('slipway-bot', 'env-production')).toEqual(before.production);
    expect(second.stdout).toContain('already up to date; no commit');

    // The token never reached any output.
    for (const run of [synth, plan, boot, again, second]) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(server.schemaViolations).toEqual([]);
  }, 120_000);

  it("history from a given commit is asked of GitHub once (the status page walks main per app); the head's is asked each time", async () => {
    const remote = new GitHubRemote({
      owner: 'platform-org',
      repo: 'env-staging',
      branch: 'main',
      token: TOKEN,
      apiUrl: server.url,
      description: 'history test',
    });
    const { head } = await remote.read();
    const listings = () => server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/commits')).length;
    const before = listings();
    const first = await remote.commits({ at: head, limit: 50 });
    expect(await remote.commits({ at: head, limit: 50 })).toEqual(first);
    expect(first[0]!.sha).toBe(head);
    await remote.commits({ at: head, limit: 50, path: 'README.md' });
    expect(listings() - before).toBe(2); // the same walk once; another path is another walk
    await remote.commits({ limit: 50 });
    await remote.commits({ limit: 50 });
    expect(listings() - before).toBe(4); // from the head: asked again, it may have moved
  }, 60_000);

  it('a changed source commits exactly the changed files, with trailers naming the source commit', async () => {
    project.editYaml('envs/staging.yaml', (d) => {
      d.apps['go-demo-9'].replicas = 3;
    });
    const plan = await slipway(['plan', '--env', 'staging', '--json']);
    expect(plan.code).toBe(2);
    const json = JSON.parse(plan.stdout);
    expect(json.envs[0].changes.map((c: { path: string; action: string }) => `${c.action} ${c.path}`)).toEqual([
      'update values/go-demo-9.yaml',
    ]);
    const boot = await slipway(['bootstrap', '--env', 'staging']);
    expect(boot.code, boot.stderr).toBe(0);
    const log = spawnSync(
      'git',
      ['--git-dir', join(server.reposDir, 'platform-org', 'env-staging.git'), 'log', '-1', '--format=%B', 'main'],
      { encoding: 'utf8' },
    ).stdout;
    expect(log).toContain('slipway: sync staging (0 added, 1 changed, 0 removed)');
    expect(log).toContain('~ values/go-demo-9.yaml');
    expect(log).toMatch(/Slipway-Source-Commit: (none|[0-9a-f]{40}(-dirty)?)/);
    expect(log).toContain('Slipway-Env: staging');
  }, 60_000);

  it('files a person added outside what slipway owns are left alone; files slipway no longer generates are removed', async () => {
    // A person adds CODEOWNERS and a stray file under apps/ through git.
    const dir = mkdtempSync(join(tmpdir(), 'slipway-person-'));
    const env = {
      ...process.env,
      ...gitAuthEnv(TOKEN),
      GIT_AUTHOR_NAME: 'p',
      GIT_AUTHOR_EMAIL: 'p@x',
      GIT_COMMITTER_NAME: 'p',
      GIT_COMMITTER_EMAIL: 'p@x',
    };
    const git = (...a: string[]) => run('git', a, { cwd: dir, env });
    expect((await git('clone', '--quiet', `${server.url}/platform-org/env-staging.git`, '.')).code).toBe(0);
    spawnSync('sh', ['-c', 'echo "* @platform" > CODEOWNERS && echo "kind: Nope" > apps/stray.yaml'], { cwd: dir });
    await git('add', '-A');
    await git('commit', '-qm', 'hand edit');
    expect((await git('push', '-q', 'origin', 'main')).code).toBe(0);
    rmSync(dir, { recursive: true, force: true });

    const plan = await slipway(['plan', '--env', 'staging']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('- delete apps/stray.yaml');
    expect(plan.stdout).toContain("left alone, not slipway's: CODEOWNERS");
    expect((await slipway(['bootstrap', '--env', 'staging'])).code).toBe(0);
    const clone = await cloneTree('platform-org', 'env-staging');
    expect(clone.has('apps/stray.yaml')).toBe(false);
    expect(clone.get('CODEOWNERS')).toBe('* @platform\n');
  }, 60_000);
});

describe('tags move only through promotions', () => {
  it('plan and bootstrap refuse to write a tag over a different one in the env repo, and say how to adopt', async () => {
    project.editYaml('envs/staging.yaml', (d) => {
      d.apps['go-demo-9'].tag = '0.0.9';
    });
    for (const args of [
      ['plan', '--env', 'staging'],
      ['bootstrap', '--env', 'staging'],
    ]) {
      const r = await slipway(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'error: envs/staging.yaml and its env repo disagree on tags (go-demo-9 0.0.9 here, 0.0.1 there): run slipway pull',
      );
    }
    const forced = await slipway(['plan', '--env', 'staging', '--force']);
    expect(forced.code).toBe(2);
    project.editYaml('envs/staging.yaml', (d) => {
      d.apps['go-demo-9'].tag = '0.0.1';
    });
  }, 30_000);
});

describe('faults', () => {
  it('500 twice, then success: bootstrap succeeds', async () => {
    project.editYaml('envs/staging.yaml', (d) => {
      d.apps['go-demo-9'].replicas = 4;
    });
    server.failNext({ status: 500 }, 2, { method: 'POST', path: /git\/trees$/ });
    const boot = await slipway(['bootstrap', '--env', 'staging']);
    expect(boot.code, boot.stderr).toBe(0);
    expect((await cloneTree('platform-org', 'env-staging')).get('values/go-demo-9.yaml')).toContain('replicaCount: 4');
  }, 60_000);

  it('rate limited (primary, then secondary): waits, then succeeds', async () => {
    project.editYaml('envs/staging.yaml', (d) => {
      d.apps['go-demo-9'].replicas = 5;
    });
    server.failNext({ rateLimit: 'primary', resetInSeconds: 1 }, 1, { method: 'GET', path: /git\/ref\// });
    server.failNext({ rateLimit: 'secondary', resetInSeconds: 1 }, 1, { method: 'POST', path: /git\/commits$/ });
    const boot = await slipway(['bootstrap', '--env', 'staging']);
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stderr).toMatch(/primary rate limit .* waiting/);
    expect(boot.stderr).toMatch(/secondary rate limit .* waiting/);
    expect((await cloneTree('platform-org', 'env-staging')).get('values/go-demo-9.yaml')).toContain('replicaCount: 5');
  }, 60_000);

  it('server down: a clear error, exit 4, nothing half done locally; a rerun after it is back completes', async () => {
    project.editYaml('envs/staging.yaml', (d) => {
      d.apps['go-demo-9'].replicas = 6;
    });
    const before = commitsOn('platform-org', 'env-staging');
    const outBefore = readTree(join(project.root, 'out'));
    // The API URL points at a port nothing listens on.
    project.editYaml('envs/staging.yaml', (d) => {
      d.github = { apiUrl: 'http://127.0.0.1:9' };
    });
    const refused = await slipway(['bootstrap', '--env', 'staging']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/^error: 127\.0\.0\.1:9\/platform-org\/env-staging: .*did not answer.*run again/m);
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(commitsOn('platform-org', 'env-staging')).toEqual(before);
    expect(readTree(join(project.root, 'out'))).toEqual(outBefore);
    project.editYaml('envs/staging.yaml', (d) => {
      d.github = { apiUrl: server.url };
    });
    const back = await slipway(['bootstrap', '--env', 'staging']);
    expect(back.code, back.stderr).toBe(0);
    expect((await cloneTree('platform-org', 'env-staging')).get('values/go-demo-9.yaml')).toContain('replicaCount: 6');
  }, 90_000);

  it('401 and a missing token give one line saying what to fix', async () => {
    const bad = await slipway(['plan', '--env', 'production'], { GITHUB_TOKEN: 'test-token-wrong-0002' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*GitHub answered 401: the token \(GITHUB_TOKEN or GH_TOKEN\) is missing, invalid or expired$/m);
    expect(bad.stderr).not.toContain('test-token-wrong');
    const none = await slipway(['plan', '--env', 'production'], { GITHUB_TOKEN: '', GH_TOKEN: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      "error: envs/production.yaml: repo: 'slipway-bot/env-production' is on GitHub; set GITHUB_TOKEN (or GH_TOKEN)",
    );
  }, 30_000);
});

describe('resuming and branch protection', () => {
  it('a run that died after creating the repo completes; opt-in protection is set once, then left alone', async () => {
    const { Octokit } = await import('@octokit/rest');
    const octokit = new Octokit({ auth: TOKEN, baseUrl: server.url });
    // The state a run leaves when it dies right after creating the repo: auto_init commit only.
    await octokit.rest.repos.createForAuthenticatedUser({ name: 'env-resumed', private: true, auto_init: true });
    project.editYaml('envs/production.yaml', (d) => {
      d.repo = 'slipway-bot/env-resumed';
      d.github = { apiUrl: server.url, branchProtection: true };
    });
    expect((await slipway(['synth'])).code).toBe(0);
    const createsBefore = server.requests.filter((r) => r.method === 'POST' && r.path === '/user/repos').length;
    const boot = await slipway(['bootstrap', '--env', 'production']);
    expect(boot.code, boot.stderr).toBe(0);
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/user/repos').length).toBe(createsBefore);
    expect(await cloneTree('slipway-bot', 'env-resumed')).toEqual(readTree(join(project.root, 'out', 'envs', 'production')));
    const protection = await octokit.rest.repos.getBranchProtection({ owner: 'slipway-bot', repo: 'env-resumed', branch: 'main' });
    expect(protection.data.allow_force_pushes?.enabled).toBe(false);

    const writesBefore = writes().length;
    expect((await slipway(['bootstrap', '--env', 'production'])).code).toBe(0);
    expect(writes().length).toBe(writesBefore);
  }, 60_000);

  it('a plan that cannot protect private repos: a warning, not a failure', async () => {
    const pro = await startGitHubServer({ token: TOKEN, protectionNeedsPro: true });
    try {
      project.editYaml('envs/production.yaml', (d) => {
        d.repo = 'slipway-bot/env-free';
        d.github = { apiUrl: pro.url, branchProtection: true };
      });
      const boot = await slipway(['bootstrap', '--env', 'production']);
      expect(boot.code, boot.stderr).toBe(0);
      expect(boot.stderr).toMatch(/^warning: .*cannot protect branches of private repos on this plan; main is unprotected$/m);
    } finally {
      await pro.stop();
    }
  }, 60_000);
});
