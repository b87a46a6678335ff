/**
 * The local GitHub-compatible server (test/support/github-server) against the real Octokit client
 * and the real git CLI: what slipway's GitHub client relies on must behave as on GitHub, and
 * every JSON answer must match GitHub's OpenAPI description.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitAuthEnv, startGitHubServer, type StartedGitHubServer } from '../support/github-server/index.js';

const run = promisify(execFile);
const TOKEN = 'ghs_test_token_0123456789';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let server: StartedGitHubServer;
let octokit: Octokit;
const dirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-ghs-test-'));
  dirs.push(dir);
  return dir;
}

function gitEnv(token = TOKEN): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: os.tmpdir(), ...gitAuthEnv(token) };
}

/** `git clone` over smart HTTP with the token in an `http.extraHeader`; returns the work tree. */
async function clone(owner: string, repo: string, branch = 'main'): Promise<string> {
  const dir = path.join(tempDir(), repo);
  await run('git', ['clone', '--quiet', '--branch', branch, `${server.url}/${owner}/${repo}.git`, dir], { env: gitEnv() });
  return dir;
}

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(rel);
      else out[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
    }
  };
  walk('');
  return out;
}

async function status(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (e) {
    return { status: (e as { status: number }).status, message: (e as Error).message };
  }
  throw new Error('expected the request to fail');
}

let repoCounter = 0;
/** A fresh auto-initialized repo of the authenticated user. */
async function newRepo(autoInit = true, isPrivate = true) {
  const name = `env-${++repoCounter}`;
  const { data } = await octokit.rest.repos.createForAuthenticatedUser({
    name,
    private: isPrivate,
    auto_init: autoInit,
    description: 'test env repo',
  });
  return { owner: data.owner.login, repo: data.name };
}

beforeAll(async () => {
  server = await startGitHubServer({ token: TOKEN, orgs: ['acme'] });
  octokit = new Octokit({ baseUrl: server.url, auth: TOKEN, log: silent });
});

afterEach(() => {
  // Every answer of every test matched GitHub's description, and no handler crashed.
  expect(server.schemaViolations).toEqual([]);
  expect(server.serverErrors).toEqual([]);
});

afterAll(async () => {
  await server.stop();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('authentication and headers', () => {
  it('answers 401 without a token or with a wrong one, REST and git alike', async () => {
    const anonymous = new Octokit({ baseUrl: server.url, log: silent });
    expect(await status(anonymous.rest.users.getAuthenticated())).toMatchObject({
      status: 401,
      message: expect.stringContaining('Requires authentication'),
    });
    const wrong = new Octokit({ baseUrl: server.url, auth: 'nope', log: silent });
    expect(await status(wrong.rest.repos.get({ owner: 'slipway-bot', repo: 'x' }))).toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });

    const { owner, repo } = await newRepo();
    const info = await fetch(`${server.url}/${owner}/${repo}.git/info/refs?service=git-upload-pack`);
    expect(info.status).toBe(401);
    expect(info.headers.get('www-authenticate')).toBe('Basic realm="GitHub"');
    await expect(run('git', ['ls-remote', `${server.url}/${owner}/${repo}.git`], { env: gitEnv('wrong-token') })).rejects.toThrow(
      /401|Authentication failed|could not read Username/,
    );
  });

  it('sends GitHub headers: rate limits, request id, JSON content type', async () => {
    const response = await octokit.rest.users.getAuthenticated();
    expect(response.data).toMatchObject({ login: 'slipway-bot', type: 'User' });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(response.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(Number(response.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(response.headers['x-ratelimit-resource']).toBe('core');
    expect(response.headers['x-github-request-id']).toMatch(/^[0-9A-F:]+$/);
  });

  it('authenticates the first configured user, and other users by their tokens', async () => {
    const other = await startGitHubServer({
      token: 'a',
      users: { a: { login: 'alice', type: 'User' }, b: { login: 'bob', type: 'User' } },
    });
    try {
      const as = (token: string) => new Octokit({ baseUrl: other.url, auth: token, log: silent }).rest.users.getAuthenticated();
      expect((await as('a')).data.login).toBe('alice');
      expect((await as('b')).data.login).toBe('bob');
      expect(other.schemaViolations).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});

describe('repositories', () => {
  it('creates a repo for the user with auto_init, reads it back, sets topics', async () => {
    const created = await octokit.rest.repos.createForAuthenticatedUser({
      name: 'team-env',
      private: true,
      auto_init: true,
      description: 'Team environments',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      full_name: 'slipway-bot/team-env',
      private: true,
      visibility: 'private',
      default_branch: 'main',
      description: 'Team environments',
    });
    expect(created.data.clone_url).toBe(`${server.url}/slipway-bot/team-env.git`);
    expect(fs.existsSync(path.join(server.reposDir, 'slipway-bot', 'team-env.git', 'HEAD'))).toBe(true);

    const got = await octokit.rest.repos.get({ owner: 'slipway-bot', repo: 'team-env' });
    expect(got.data.id).toBe(created.data.id);
    expect(got.data.topics).toEqual([]);

    const topics = await octokit.rest.repos.replaceAllTopics({
      owner: 'slipway-bot',
      repo: 'team-env',
      names: ['slipway', 'GitOps', 'argocd'],
    });
    expect(topics.data.names).toEqual(['slipway', 'gitops', 'argocd']);
    expect((await octokit.rest.repos.getAllTopics({ owner: 'slipway-bot', repo: 'team-env' })).data.names).toEqual([
      'slipway',
      'gitops',
      'argocd',
    ]);
    expect((await octokit.rest.repos.get({ owner: 'slipway-bot', repo: 'team-env' })).data.topics).toEqual(['slipway', 'gitops', 'argocd']);
    expect(
      (await status(octokit.rest.repos.replaceAllTopics({ owner: 'slipway-bot', repo: 'team-env', names: ['not valid!'] }))).status,
    ).toBe(422);

    // The README of auto_init is on main, where git sees it.
    expect(files(await clone('slipway-bot', 'team-env'))).toEqual({ 'README.md': '# team-env\nTeam environments\n' });
  });

  it('creates a repo in an organization; unknown repos and orgs are 404', async () => {
    const created = await octokit.rest.repos.createInOrg({ org: 'acme', name: 'platform-env', private: true, auto_init: true });
    expect(created.data.owner).toMatchObject({ login: 'acme', type: 'Organization' });
    expect(created.data.organization?.login).toBe('acme');
    expect((await octokit.rest.repos.get({ owner: 'ACME', repo: 'Platform-Env' })).data.full_name).toBe('acme/platform-env');
    expect(await status(octokit.rest.repos.get({ owner: 'acme', repo: 'missing' }))).toMatchObject({
      status: 404,
      message: expect.stringContaining('Not Found'),
    });
    expect((await status(octokit.rest.repos.createInOrg({ org: 'nobody', name: 'x' }))).status).toBe(404);
    expect((await status(octokit.rest.repos.createInOrg({ org: 'acme', name: 'platform-env' }))).status).toBe(422);
  });

  it('turns what a name cannot hold into hyphens, and adopts bare repos put under reposDir', async () => {
    expect((await octokit.rest.repos.createForAuthenticatedUser({ name: 'Team Environment' })).data.full_name).toBe(
      'slipway-bot/Team-Environment',
    );
    await run('git', ['init', '--bare', '--quiet', '--initial-branch=trunk', path.join(server.reposDir, 'someone', 'manual.git')], {
      env: gitEnv(),
    });
    expect((await octokit.rest.repos.get({ owner: 'someone', repo: 'manual' })).data).toMatchObject({
      private: true,
      default_branch: 'trunk',
      owner: { login: 'someone' },
    });
  });

  it('an empty repo (no auto_init) answers 409 on the Git Data API', async () => {
    const { owner, repo } = await newRepo(false);
    expect((await octokit.rest.repos.get({ owner, repo })).data.default_branch).toBe('main');
    const empty = { status: 409, message: expect.stringContaining('Git Repository is empty.') };
    expect(
      await status(octokit.rest.git.createTree({ owner, repo, tree: [{ path: 'a', mode: '100644', type: 'blob', content: 'a' }] })),
    ).toMatchObject(empty);
    expect(await status(octokit.rest.git.createBlob({ owner, repo, content: 'a' }))).toMatchObject(empty);
    expect(await status(octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' }))).toMatchObject(empty);
    expect(
      await status(octokit.rest.git.createCommit({ owner, repo, message: 'm', tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904' })),
    ).toMatchObject(empty);
  });
});

describe('Git Data API on real git', () => {
  it('blob, tree (base_tree, nested paths, deletion), commit, ref: then git clone sees it', async () => {
    const { owner, repo } = await newRepo();
    const head = (await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;
    const base = (await octokit.rest.git.getCommit({ owner, repo, commit_sha: head })).data;

    const blob = await octokit.rest.git.createBlob({
      owner,
      repo,
      content: Buffer.from('binary\u0000ok').toString('base64'),
      encoding: 'base64',
    });
    const first = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: base.tree.sha,
      tree: [
        { path: 'charts/a/templates/x.yaml', mode: '100644', type: 'blob', content: 'kind: ConfigMap\n' },
        { path: 'charts/a/Chart.yaml', mode: '100644', type: 'blob', content: 'name: a\n' },
        { path: 'charts/b/values.yaml', mode: '100644', type: 'blob', content: 'b: 1\n' },
        { path: 'bin/data', mode: '100644', type: 'blob', sha: blob.data.sha },
        { path: 'run.sh', mode: '100755', type: 'blob', content: '#!/bin/sh\n' },
      ],
    });
    const c1 = await octokit.rest.git.createCommit({ owner, repo, message: 'Add charts', tree: first.data.sha, parents: [head] });
    expect(c1.data.parents.map((p) => p.sha)).toEqual([head]);
    expect(c1.data.author.name).toBe('slipway-bot');

    // Second commit: delete a file and a whole folder (sha: null), change one file.
    const second = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: first.data.sha,
      tree: [
        { path: 'README.md', mode: '100644', type: 'blob', sha: null },
        { path: 'charts/b', mode: '040000', type: 'tree', sha: null },
        { path: 'charts/a/Chart.yaml', mode: '100644', type: 'blob', content: 'name: a\nversion: 2\n' },
      ],
    });
    const c2 = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: 'Update charts\n\nBody.',
      tree: second.data.sha,
      parents: [c1.data.sha],
      author: { name: 'Ada', email: 'ada@example.com', date: '2024-05-01T12:00:00Z' },
    });
    expect(c2.data.author).toEqual({ name: 'Ada', email: 'ada@example.com', date: '2024-05-01T12:00:00Z' });
    expect(c2.data.committer).toEqual(c2.data.author);
    const moved = await octokit.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: c2.data.sha, force: false });
    expect(moved.data.object.sha).toBe(c2.data.sha);

    // Read back through the API...
    const commit = (await octokit.rest.git.getCommit({ owner, repo, commit_sha: c2.data.sha })).data;
    expect(commit.message).toBe('Update charts\n\nBody.');
    const tree = (await octokit.rest.git.getTree({ owner, repo, tree_sha: commit.tree.sha, recursive: 'true' })).data;
    expect(tree.truncated).toBe(false);
    expect(tree.tree.filter((e) => e.type === 'blob').map((e) => [e.path, e.mode])).toEqual([
      ['bin/data', '100644'],
      ['charts/a/Chart.yaml', '100644'],
      ['charts/a/templates/x.yaml', '100644'],
      ['run.sh', '100755'],
    ]);
    expect(tree.tree.filter((e) => e.type === 'tree').map((e) => e.path)).toEqual(['bin', 'charts', 'charts/a', 'charts/a/templates']);
    const chart = tree.tree.find((e) => e.path === 'charts/a/Chart.yaml')!;
    const read = (await octokit.rest.git.getBlob({ owner, repo, file_sha: chart.sha! })).data;
    expect(read.encoding).toBe('base64');
    expect(Buffer.from(read.content, 'base64').toString('utf8')).toBe('name: a\nversion: 2\n');
    // A tree can be named by a branch too; without `recursive` only the top level.
    expect((await octokit.rest.git.getTree({ owner, repo, tree_sha: 'main' })).data.tree.map((e) => e.path)).toEqual([
      'bin',
      'charts',
      'run.sh',
    ]);

    // ...and through git over smart HTTP.
    const dir = await clone(owner, repo);
    expect(files(dir)).toEqual({
      'bin/data': 'binary\u0000ok',
      'charts/a/Chart.yaml': 'name: a\nversion: 2\n',
      'charts/a/templates/x.yaml': 'kind: ConfigMap\n',
      'run.sh': '#!/bin/sh\n',
    });
    expect(fs.statSync(path.join(dir, 'run.sh')).mode & 0o100).toBeTruthy();
    const log = (await run('git', ['log', '--format=%H %an <%ae> %s'], { cwd: dir, env: gitEnv() })).stdout.trim().split('\n');
    expect(log).toEqual([
      `${c2.data.sha} Ada <ada@example.com> Update charts`,
      `${c1.data.sha} slipway-bot <${c1.data.author.email}> Add charts`,
      `${head} slipway-bot <${c1.data.author.email}> Initial commit`,
    ]);

    // A git push is visible to the API.
    fs.writeFileSync(path.join(dir, 'pushed.txt'), 'from git\n');
    await run('git', ['add', '.'], { cwd: dir, env: gitEnv() });
    await run('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'pushed'], {
      cwd: dir,
      env: gitEnv(),
    });
    await run('git', ['push', '--quiet', 'origin', 'main'], { cwd: dir, env: gitEnv() });
    const pushed = (await run('git', ['rev-parse', 'HEAD'], { cwd: dir, env: gitEnv() })).stdout.trim();
    expect((await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha).toBe(pushed);
  });

  it('refuses a non-fast-forward ref update unless forced', async () => {
    const { owner, repo } = await newRepo();
    const head = (await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;
    const treeSha = (await octokit.rest.git.getCommit({ owner, repo, commit_sha: head })).data.tree.sha;
    const commitOn = async (parent: string, message: string) => {
      const tree = await octokit.rest.git.createTree({
        owner,
        repo,
        base_tree: treeSha,
        tree: [{ path: 'f.txt', mode: '100644', type: 'blob', content: message }],
      });
      return (await octokit.rest.git.createCommit({ owner, repo, message, tree: tree.data.sha, parents: [parent] })).data.sha;
    };
    const ours = await commitOn(head, 'ours');
    const theirs = await commitOn(head, 'theirs');
    await octokit.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: theirs });
    // Someone committed first: our commit (on the old head) is not a fast-forward.
    expect(await status(octokit.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: ours, force: false }))).toMatchObject({
      status: 422,
      message: expect.stringContaining('Update is not a fast forward'),
    });
    expect((await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha).toBe(theirs);
    await octokit.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: ours, force: true });
    expect((await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha).toBe(ours);

    // Missing branch: getRef 404, update-ref 422 (as GitHub: not 404); create, list, delete.
    expect((await status(octokit.rest.git.getRef({ owner, repo, ref: 'heads/feature/x' }))).status).toBe(404);
    expect(await status(octokit.rest.git.updateRef({ owner, repo, ref: 'heads/feature/x', sha: ours }))).toMatchObject({
      status: 422,
      message: expect.stringContaining('Reference does not exist'),
    });
    const created = await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/feature/x', sha: theirs });
    expect(created.status).toBe(201);
    expect((await status(octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/feature/x', sha: theirs }))).message).toContain(
      'Reference already exists',
    );
    expect((await octokit.rest.git.getRef({ owner, repo, ref: 'heads/feature/x' })).data.object.sha).toBe(theirs);
    // Octokit percent-encodes the slashes of `ref`; plain slashes work as well.
    expect(server.requests.some((r) => r.path.endsWith('/git/ref/heads%2Ffeature%2Fx'))).toBe(true);
    expect((await octokit.request(`GET /repos/${owner}/${repo}/git/ref/heads/feature/x`)).data.object.sha).toBe(theirs);
    expect((await octokit.rest.git.listMatchingRefs({ owner, repo, ref: 'heads/' })).data.map((r) => r.ref)).toEqual([
      'refs/heads/feature/x',
      'refs/heads/main',
    ]);
    await octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/feature/x' });
    expect((await status(octokit.rest.git.getRef({ owner, repo, ref: 'heads/feature/x' }))).status).toBe(404);
  });

  it('rejects bad objects like GitHub (422)', async () => {
    const { owner, repo } = await newRepo();
    const missing = 'f'.repeat(40);
    expect((await status(octokit.rest.git.createCommit({ owner, repo, message: 'm', tree: missing }))).message).toContain(
      'Tree SHA does not exist',
    );
    expect((await status(octokit.rest.git.createTree({ owner, repo, base_tree: missing, tree: [] }))).status).toBe(422);
    expect(
      (await status(octokit.rest.git.createTree({ owner, repo, tree: [{ path: '../x', mode: '100644', type: 'blob', content: 'x' }] })))
        .status,
    ).toBe(422);
    expect((await status(octokit.rest.git.getBlob({ owner, repo, file_sha: missing }))).status).toBe(404);
    // A request body that does not match GitHub's description is refused before any handler.
    expect(
      await status(
        octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { owner, repo, ref: 'heads/main', sha: 42 as unknown as string }),
      ),
    ).toMatchObject({ status: 422, message: expect.stringContaining('Invalid request') });
  });
});

describe('deploy keys and branch protection', () => {
  it('creates, lists, gets and deletes deploy keys', async () => {
    const { owner, repo } = await newRepo();
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVz argocd@cluster';
    const created = await octokit.rest.repos.createDeployKey({ owner, repo, title: 'argocd', key, read_only: true });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ title: 'argocd', read_only: true, key: key.split(' ').slice(0, 2).join(' ') });
    expect((await octokit.rest.repos.listDeployKeys({ owner, repo })).data.map((k) => k.id)).toEqual([created.data.id]);
    expect((await octokit.rest.repos.getDeployKey({ owner, repo, key_id: created.data.id })).data.title).toBe('argocd');
    expect((await status(octokit.rest.repos.createDeployKey({ owner, repo, title: 'again', key }))).message).toContain(
      'key is already in use',
    );
    expect((await status(octokit.rest.repos.createDeployKey({ owner, repo, title: 'bad', key: 'not a key' }))).status).toBe(422);
    expect((await octokit.rest.repos.deleteDeployKey({ owner, repo, key_id: created.data.id })).status).toBe(204);
    expect((await octokit.rest.repos.listDeployKeys({ owner, repo })).data).toEqual([]);
    expect((await status(octokit.rest.repos.deleteDeployKey({ owner, repo, key_id: created.data.id }))).status).toBe(404);
  });

  it('stores branch protection, which then refuses force pushes', async () => {
    const { owner, repo } = await newRepo();
    expect(await status(octokit.rest.repos.getBranchProtection({ owner, repo, branch: 'main' }))).toMatchObject({
      status: 404,
      message: expect.stringContaining('Branch not protected'),
    });
    const put = await octokit.rest.repos.updateBranchProtection({
      owner,
      repo,
      branch: 'main',
      required_status_checks: null,
      enforce_admins: false,
      required_pull_request_reviews: null,
      restrictions: null,
      allow_force_pushes: false,
      allow_deletions: false,
    });
    expect(put.data).toMatchObject({
      enforce_admins: { enabled: false },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
    });
    expect((await octokit.rest.repos.getBranchProtection({ owner, repo, branch: 'main' })).data.allow_force_pushes?.enabled).toBe(false);
    expect(
      (
        await status(
          octokit.rest.repos.updateBranchProtection({
            owner,
            repo,
            branch: 'nope',
            required_status_checks: null,
            enforce_admins: null,
            required_pull_request_reviews: null,
            restrictions: null,
          }),
        )
      ).status,
    ).toBe(404);

    const head = (await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;
    const root = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: 'unrelated',
      tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
      parents: [],
    });
    expect(
      (await status(octokit.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: root.data.sha, force: true }))).message,
    ).toContain('Cannot force-push');
    expect((await status(octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/main' }))).status).toBe(422);
    expect((await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha).toBe(head);

    expect((await octokit.rest.repos.deleteBranchProtection({ owner, repo, branch: 'main' })).status).toBe(204);
    await octokit.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: root.data.sha, force: true });
  });

  it('answers 403 "Upgrade to GitHub Pro" for private repos when configured', async () => {
    const free = await startGitHubServer({ token: TOKEN, protectionNeedsPro: true });
    try {
      const client = new Octokit({ baseUrl: free.url, auth: TOKEN, log: silent });
      await client.rest.repos.createForAuthenticatedUser({ name: 'private-env', private: true, auto_init: true });
      await client.rest.repos.createForAuthenticatedUser({ name: 'public-env', private: false, auto_init: true });
      const body = {
        branch: 'main',
        required_status_checks: null,
        enforce_admins: false,
        required_pull_request_reviews: null,
        restrictions: null,
      };
      expect(await status(client.rest.repos.updateBranchProtection({ owner: 'slipway-bot', repo: 'private-env', ...body }))).toMatchObject({
        status: 403,
        message: expect.stringContaining('Upgrade to GitHub Pro or make this repository public to enable this feature.'),
      });
      expect((await client.rest.repos.updateBranchProtection({ owner: 'slipway-bot', repo: 'public-env', ...body })).status).toBe(200);
      expect(free.schemaViolations).toEqual([]);
    } finally {
      await free.stop();
    }
  });
});

describe('faults, with the real Octokit plugins', () => {
  const Client = Octokit.plugin(throttling, retry);

  it('5xx: plugin-retry retries, the third attempt succeeds', async () => {
    const client = new Client({
      baseUrl: server.url,
      auth: TOKEN,
      log: silent,
      // Real backoff is 1 s then 4 s; shortened here (plugin-retry multiplies by this base).
      retry: { retries: 3, retryAfterBaseValue: 20 },
      throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false },
    });
    server.failNext({ status: 500 }, 2, { path: /^\/user$/ });
    const before = server.requests.length;
    expect((await client.rest.users.getAuthenticated()).data.login).toBe('slipway-bot');
    expect(server.requests.slice(before).map((r) => r.status)).toEqual([500, 500, 200]);

    server.failNext({ status: 503 }, 4, { path: /^\/user$/ });
    expect((await status(client.rest.users.getAuthenticated())).status).toBe(503);
  });

  it('primary (403 and 429) and secondary rate limits reach plugin-throttling, which waits and retries', async () => {
    const calls: Array<[string, number]> = [];
    const client = new Client({
      baseUrl: server.url,
      auth: TOKEN,
      log: silent,
      retry: { enabled: false },
      throttle: {
        onRateLimit: (after: number, _o: unknown, _k: unknown, count: number) => {
          calls.push(['primary', after]);
          return count < 1;
        },
        onSecondaryRateLimit: (after: number, _o: unknown, _k: unknown, count: number) => {
          calls.push(['secondary', after]);
          return count < 1;
        },
      },
    });
    const { owner, repo } = await newRepo();
    const started = Date.now();
    server.failNext({ rateLimit: 'primary', resetInSeconds: 1 }, 1, { path: /\/topics$/ });
    expect((await client.rest.repos.getAllTopics({ owner, repo })).status).toBe(200);
    server.failNext({ rateLimit: 'secondary', resetInSeconds: 1 }, 1, { path: /\/topics$/ });
    expect((await client.rest.repos.getAllTopics({ owner, repo })).status).toBe(200);
    expect(calls.map(([kind]) => kind)).toEqual(['primary', 'secondary']);
    // Primary: reset (now + 1 s, whole seconds) + the plugin's 1 s margin; secondary: retry-after.
    expect(calls[0]![1]).toBeGreaterThanOrEqual(1);
    expect(calls[0]![1]).toBeLessThanOrEqual(2);
    expect(calls[1]![1]).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);

    // 429 is a primary rate limit too; giving up surfaces the error.
    server.failNext({ rateLimit: 'primary', status: 429, resetInSeconds: 1 }, 1, { path: /\/topics$/ });
    const noRetry = new Client({
      baseUrl: server.url,
      auth: TOKEN,
      log: silent,
      retry: { enabled: false },
      throttle: {
        onRateLimit: () => {
          calls.push(['primary', 0]);
          return false;
        },
        onSecondaryRateLimit: () => false,
      },
    });
    expect((await status(noRetry.rest.repos.getAllTopics({ owner, repo }))).status).toBe(429);
    expect(calls).toHaveLength(3);
  });

  it('a hung request never answers; the client times out and the server still stops', async () => {
    server.failNext({ hang: true }, 1, { path: /^\/user$/ });
    const client = new Octokit({
      baseUrl: server.url,
      auth: TOKEN,
      log: silent,
      request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(300) }) },
    });
    await expect(client.rest.users.getAuthenticated()).rejects.toThrow(/aborted|timeout/i);
    expect(server.requests.at(-1)).toMatchObject({ path: '/user', status: 0 });
    expect((await octokit.rest.users.getAuthenticated()).status).toBe(200);
  });

  it('git requests fail only when a fault names their path', async () => {
    const { owner, repo } = await newRepo();
    server.failNext({ status: 500 }, 1, { path: /info\/refs$/ });
    await expect(clone(owner, repo)).rejects.toThrow(/500/);
    expect(files(await clone(owner, repo))).toHaveProperty('README.md');
  });
});

describe('OpenAPI validation and request log', () => {
  it("an answer that does not match GitHub's description becomes a 500 and is recorded", async () => {
    const { owner, repo } = await newRepo();
    server.tamperNext(
      (body: { id: unknown; owner: Record<string, unknown> }) => {
        body.id = 'not-a-number';
        delete body.owner.login;
      },
      { path: /^\/repos\/[^/]+\/[^/]+$/ },
    );
    const answer = await status(octokit.rest.repos.get({ owner, repo }));
    expect(answer.status).toBe(500);
    expect(answer.message).toContain("does not match GitHub's OpenAPI description");
    const violations = server.schemaViolations.splice(0);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ operation: 'GET /repos/{owner}/{repo}', status: 200 });
    expect(violations[0]!.errors.join('\n')).toMatch(/\/id must be integer/);
    expect(violations[0]!.errors.join('\n')).toMatch(/\/owner must have required property 'login'/);
    // Undocumented success statuses are caught too.
    server.tamperNext(() => ({ unexpected: true }), { path: /\/topics$/ });
    expect((await status(octokit.rest.repos.getAllTopics({ owner, repo }))).status).toBe(500);
    expect(server.schemaViolations.splice(0)).toHaveLength(1);
  });

  it('records every request with its body, for "no API write" assertions', async () => {
    const before = server.requests.length;
    const { owner, repo } = await newRepo();
    await octokit.rest.repos.get({ owner, repo });
    await octokit.rest.repos.replaceAllTopics({ owner, repo, names: ['x'] });
    const log = server.requests.slice(before);
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /user/repos 201',
      `GET /repos/${owner}/${repo} 200`,
      `PUT /repos/${owner}/${repo}/topics 200`,
    ]);
    expect(log[2]!.body).toEqual({ names: ['x'] });
    expect(log.filter((r) => r.method !== 'GET')).toHaveLength(2);
  });

  it("answers unknown paths with GitHub's 404", async () => {
    const response = await fetch(`${server.url}/nope/nope`, { headers: { authorization: `token ${TOKEN}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: 'Not Found' });
  });
});
