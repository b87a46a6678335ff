/**
 * The test GitHub server's history, pull request and contents endpoints, with the real Octokit
 * client and the real git CLI: commits listed from `git log` (path filter, pagination), pull
 * requests stored by the server on real branches, merged as GitHub's merge button merges (a real
 * merge commit on the base branch), and every JSON answer matching GitHub's OpenAPI description.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitAuthEnv, mergePullRequest, startGitHubServer, type StartedGitHubServer } from '../support/github-server/index.js';

const run = promisify(execFile);
const TOKEN = 'ghs_pulls_token_0123456789';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let server: StartedGitHubServer;
let octokit: Octokit;
const dirs: string[] = [];

function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    ...gitAuthEnv(TOKEN),
    GIT_AUTHOR_NAME: 'Ada',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada',
    GIT_COMMITTER_EMAIL: 'ada@example.com',
    ...extra,
  };
}

async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return (await run('git', args, { cwd, env: gitEnv(env) })).stdout.trim();
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
/** A fresh auto-initialized repo, cloned: returns the work tree too. */
async function newRepo() {
  const name = `history-${++repoCounter}`;
  const { data } = await octokit.rest.repos.createForAuthenticatedUser({ name, private: true, auto_init: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-ghs-pulls-'));
  dirs.push(dir);
  const work = path.join(dir, name);
  await run('git', ['clone', '--quiet', `${server.url}/${data.owner.login}/${name}.git`, work], { env: gitEnv() });
  return { owner: data.owner.login, repo: name, work };
}

/** Writes files in the work tree, commits them (with a fixed date when given) and returns the SHA. */
async function commit(work: string, files: Record<string, string | null>, message: string, date?: string): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(work, file);
    if (content === null) {
      fs.rmSync(full);
    } else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
  }
  await git(work, ['add', '-A']);
  const dates: Record<string, string> = date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {};
  await git(work, ['commit', '--quiet', '-m', message], dates);
  return git(work, ['rev-parse', 'HEAD']);
}

async function push(work: string, ...refspecs: string[]): Promise<void> {
  await git(work, ['push', '--quiet', 'origin', ...refspecs]);
}

async function branchTip(owner: string, repo: string, branch: string): Promise<string> {
  return (await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object.sha;
}

beforeAll(async () => {
  server = await startGitHubServer({
    token: TOKEN,
    users: { [TOKEN]: { login: 'slipway-bot', type: 'User' }, ghs_reviewer: { login: 'reviewer', type: 'User' } },
  });
  octokit = new Octokit({ baseUrl: server.url, auth: TOKEN, log: silent });
});

afterEach(() => {
  expect(server.schemaViolations).toEqual([]);
  expect(server.serverErrors).toEqual([]);
});

afterAll(async () => {
  await server.stop();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('commits', () => {
  it('lists commits newest first, filtered by path, paginated with Link headers', async () => {
    const { owner, repo, work } = await newRepo();
    const shas: string[] = [];
    shas.push(await commit(work, { 'envs/dev/values.yaml': 'v: 1\n' }, 'dev 1', '2024-01-01T10:00:00Z'));
    shas.push(await commit(work, { 'envs/prod/values.yaml': 'v: 1\n' }, 'prod 1', '2024-01-02T10:00:00Z'));
    shas.push(await commit(work, { 'envs/dev/values.yaml': 'v: 2\n' }, 'dev 2', '2024-01-03T10:00:00Z'));
    shas.push(await commit(work, { 'envs/dev/extra.yaml': 'x\n' }, 'dev 3', '2024-01-04T10:00:00Z'));
    shas.push(await commit(work, { 'README.md': 'changed\n' }, 'readme', '2024-01-05T10:00:00Z'));
    await push(work, 'main');
    const readme = (await octokit.rest.repos.listCommits({ owner, repo, path: 'README.md' })).data;

    const all = await octokit.rest.repos.listCommits({ owner, repo });
    expect(all.data.map((c) => c.commit.message.trim())).toEqual(['readme', 'dev 3', 'dev 2', 'prod 1', 'dev 1', 'Initial commit']);
    expect(all.headers.link).toBeUndefined();
    const first = all.data[0]!;
    expect(first).toMatchObject({
      sha: shas[4],
      url: `${server.url}/repos/${owner}/${repo}/commits/${shas[4]}`,
      commit: { author: { name: 'Ada', email: 'ada@example.com', date: '2024-01-05T10:00:00Z' }, message: 'readme\n' },
      // An email GitHub knows no account of: no user.
      author: null,
      committer: null,
      parents: [{ sha: shas[3] }],
    });
    // The initial commit the server made for auto_init is linked to its account.
    expect(all.data.at(-1)!.author?.login).toBe('slipway-bot');

    // Only commits touching a path (a folder here), newest first.
    const dev = await octokit.rest.repos.listCommits({ owner, repo, path: 'envs/dev' });
    expect(dev.data.map((c) => c.sha)).toEqual([shas[3], shas[2], shas[0]]);
    expect((await octokit.rest.repos.listCommits({ owner, repo, path: 'envs/dev/values.yaml' })).data.map((c) => c.sha)).toEqual([
      shas[2],
      shas[0],
    ]);
    expect(readme.map((c) => c.commit.message.trim())).toEqual(['readme', 'Initial commit']);
    expect((await octokit.rest.repos.listCommits({ owner, repo, path: 'nowhere' })).data).toEqual([]);

    // Pages of 2, with GitHub's Link header; Octokit's paginate follows it.
    const page2 = await octokit.rest.repos.listCommits({ owner, repo, per_page: 2, page: 2 });
    expect(page2.data.map((c) => c.sha)).toEqual([shas[2], shas[1]]);
    const link = page2.headers.link!;
    expect(link).toContain('rel="prev"');
    expect(link).toContain('rel="next"');
    expect(link).toMatch(/[?&]page=3>; rel="last"/);
    expect(link).toMatch(/[?&]page=1>; rel="first"/);
    const paged = await octokit.paginate(octokit.rest.repos.listCommits, { owner, repo, per_page: 2 });
    expect(paged.map((c) => c.sha)).toEqual(all.data.map((c) => c.sha));
    const pagedDev = await octokit.paginate(octokit.rest.repos.listCommits, { owner, repo, path: 'envs/dev', per_page: 1 });
    expect(pagedDev.map((c) => c.sha)).toEqual(dev.data.map((c) => c.sha));

    // `sha`: from a SHA or a branch; since/until.
    expect((await octokit.rest.repos.listCommits({ owner, repo, sha: shas[1] })).data.map((c) => c.sha).slice(0, 2)).toEqual([
      shas[1],
      shas[0],
    ]);
    expect(
      (
        await octokit.rest.repos.listCommits({ owner, repo, sha: 'main', since: '2024-01-03T00:00:00Z', until: '2024-01-04T23:00:00Z' })
      ).data.map((c) => c.sha),
    ).toEqual([shas[3], shas[2]]);
    // `author`: an email, or the login of an account (its noreply address).
    expect((await octokit.rest.repos.listCommits({ owner, repo, author: 'ada@example.com' })).data).toHaveLength(5);
    expect((await octokit.rest.repos.listCommits({ owner, repo, author: 'slipway-bot' })).data.map((c) => c.commit.message)).toEqual([
      'Initial commit',
    ]);
    expect(await status(octokit.rest.repos.listCommits({ owner, repo, sha: 'no-such-branch' }))).toMatchObject({
      status: 404,
      message: expect.stringContaining('No commit found for SHA: no-such-branch'),
    });
  });

  it('gets one commit with its files and stats, by SHA or by a branch with slashes', async () => {
    const { owner, repo, work } = await newRepo();
    await git(work, ['checkout', '--quiet', '-b', 'promote/dev']);
    await commit(work, { 'a.txt': 'one\ntwo\n', 'b.txt': 'b\n' }, 'two files');
    await git(work, ['mv', 'b.txt', 'c.txt']);
    const sha = await commit(work, { 'a.txt': 'one\nTWO\nthree\n', 'README.md': null }, 'change, rename, delete');
    await push(work, 'promote/dev');

    const one = (await octokit.rest.repos.getCommit({ owner, repo, ref: 'promote/dev' })).data;
    expect(one.sha).toBe(sha);
    expect(server.requests.at(-1)!.path).toBe(`/repos/${owner}/${repo}/commits/promote%2Fdev`);
    const files = Object.fromEntries(one.files!.map((f) => [f.filename, f]));
    expect(files['a.txt']).toMatchObject({ status: 'modified', additions: 2, deletions: 1, changes: 3 });
    expect(files['c.txt']).toMatchObject({ status: 'renamed', previous_filename: 'b.txt', additions: 0, deletions: 0 });
    expect(files['README.md']).toMatchObject({ status: 'removed', deletions: 1 });
    expect(one.stats).toEqual({ additions: 2, deletions: 2, total: 4 });
    expect((await octokit.rest.repos.getCommit({ owner, repo, ref: sha })).data.sha).toBe(sha);
    expect((await status(octokit.rest.repos.getCommit({ owner, repo, ref: 'nope' }))).status).toBe(422);
  });

  it('answers 409 for the commits of an empty repo', async () => {
    await octokit.rest.repos.createForAuthenticatedUser({ name: 'empty-history' });
    expect(await status(octokit.rest.repos.listCommits({ owner: 'slipway-bot', repo: 'empty-history' }))).toMatchObject({
      status: 409,
      message: expect.stringContaining('Git Repository is empty.'),
    });
  });
});

describe('pull requests', () => {
  it('create → list by head → get → update → duplicate 422 → merge button → merge commit on base, pull merged', async () => {
    const { owner, repo, work } = await newRepo();
    const baseBefore = await branchTip(owner, repo, 'main');
    await git(work, ['checkout', '--quiet', '-b', 'promote/staging']);
    await commit(work, { 'envs/staging/app.yaml': 'image: v2\n' }, 'Promote app v2 to staging');
    const headSha = await commit(work, { 'envs/staging/db.yaml': 'image: v9\n' }, 'Promote db v9 to staging');
    await push(work, 'promote/staging');

    // Refusals first: missing head, missing base, nothing to merge, no title.
    expect(await status(octokit.rest.pulls.create({ owner, repo, title: 't', head: 'nope', base: 'main' }))).toMatchObject({
      status: 422,
      message: expect.stringContaining('"field":"head"'),
    });
    expect(await status(octokit.rest.pulls.create({ owner, repo, title: 't', head: 'promote/staging', base: 'nope' }))).toMatchObject({
      status: 422,
      message: expect.stringContaining('"field":"base"'),
    });
    expect(await status(octokit.rest.pulls.create({ owner, repo, title: 't', head: 'main', base: 'promote/staging' }))).toMatchObject({
      status: 422,
      message: expect.stringContaining('No commits between promote/staging and main'),
    });
    expect(
      (await status(octokit.request('POST /repos/{owner}/{repo}/pulls', { owner, repo, head: 'promote/staging', base: 'main' }))).status,
    ).toBe(422);

    const created = await octokit.rest.pulls.create({
      owner,
      repo,
      title: 'Promote to staging',
      head: 'promote/staging',
      base: 'main',
      body: 'Two changes.',
    });
    expect(created.status).toBe(201);
    const pr = created.data;
    expect(pr).toMatchObject({
      number: 1,
      state: 'open',
      title: 'Promote to staging',
      body: 'Two changes.',
      merged: false,
      draft: false,
      // GitHub computes mergeability in the background: unknown right after creation.
      mergeable: null,
      mergeable_state: 'unknown',
      head: { ref: 'promote/staging', sha: headSha, label: `${owner}:promote/staging`, repo: { full_name: `${owner}/${repo}` } },
      base: { ref: 'main', sha: baseBefore },
      user: { login: 'slipway-bot' },
      author_association: 'OWNER',
      commits: 2,
      changed_files: 2,
      additions: 2,
      deletions: 0,
      html_url: `${server.url}/${owner}/${repo}/pull/1`,
    });
    expect(created.headers.location).toBe(`${server.url}/repos/${owner}/${repo}/pulls/1`);
    expect((await octokit.rest.repos.get({ owner, repo })).data.open_issues_count).toBe(1);

    // Another open pull, to show the list filters (and GitHub's pitfall of a bare head name).
    await git(work, ['checkout', '--quiet', '-b', 'other', 'main']);
    await commit(work, { 'other.txt': 'x\n' }, 'other');
    await push(work, 'other');
    const other = (await octokit.rest.pulls.create({ owner, repo, title: 'Other', head: `${owner}:other`, base: 'main' })).data;
    expect(other.number).toBe(2);
    const byHead = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:promote/staging`, state: 'open' });
    expect(byHead.data.map((p) => p.number)).toEqual([1]);
    expect(byHead.data[0]).not.toHaveProperty('mergeable');
    expect((await octokit.rest.pulls.list({ owner, repo, head: 'promote/staging' })).data.map((p) => p.number)).toEqual([2, 1]);
    expect(
      (await octokit.rest.pulls.list({ owner, repo, base: 'main', sort: 'created', direction: 'asc' })).data.map((p) => p.number),
    ).toEqual([1, 2]);
    expect((await octokit.rest.pulls.list({ owner, repo, base: 'promote/staging' })).data).toEqual([]);
    expect((await octokit.rest.pulls.list({ owner, repo, state: 'closed' })).data).toEqual([]);

    const got = (await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data;
    expect(got).toMatchObject({ number: 1, mergeable: true, mergeable_state: 'clean', merged: false, merged_by: null });
    expect((await status(octokit.rest.pulls.get({ owner, repo, pull_number: 99 }))).status).toBe(404);

    const updated = await octokit.rest.pulls.update({
      owner,
      repo,
      pull_number: 1,
      title: 'Promote app and db to staging',
      body: 'Updated.',
    });
    expect(updated.data).toMatchObject({ title: 'Promote app and db to staging', body: 'Updated.', state: 'open' });

    expect(await status(octokit.rest.pulls.create({ owner, repo, title: 'again', head: 'promote/staging', base: 'main' }))).toMatchObject({
      status: 422,
      message: expect.stringContaining(`A pull request already exists for ${owner}:promote/staging.`),
    });

    // A human merges it with the merge button.
    const { sha: mergeSha } = await mergePullRequest(server, owner, repo, 1);
    const baseAfter = await branchTip(owner, repo, 'main');
    expect(baseAfter).toBe(mergeSha);
    const merge = (await octokit.rest.git.getCommit({ owner, repo, commit_sha: mergeSha })).data;
    expect(merge.parents.map((p) => p.sha)).toEqual([baseBefore, headSha]);
    expect(merge.message).toBe(`Merge pull request #1 from ${owner}/promote/staging\n\nPromote app and db to staging`);
    expect(merge.committer).toMatchObject({ name: 'GitHub', email: 'noreply@github.com' });

    const merged = (await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data;
    expect(merged).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: mergeSha,
      merged_by: { login: 'slipway-bot' },
      mergeable: null,
      head: { sha: headSha },
      base: { sha: baseBefore },
      commits: 2,
    });
    expect(merged.merged_at).toBeTruthy();
    expect(merged.closed_at).toBe(merged.merged_at);
    expect((await octokit.rest.pulls.list({ owner, repo, state: 'closed' })).data.map((p) => [p.number, p.merged_at !== null])).toEqual([
      [1, true],
    ]);
    expect((await octokit.rest.pulls.list({ owner, repo, state: 'all' })).data.map((p) => p.number)).toEqual([2, 1]);

    // History: the merge commit first, GitHub's web-flow as committer; the path filter follows the merge.
    const history = (await octokit.rest.repos.listCommits({ owner, repo, sha: 'main' })).data;
    expect(history[0]).toMatchObject({ sha: mergeSha, author: { login: 'slipway-bot' }, committer: { login: 'web-flow' } });
    expect(history[0]!.parents.map((p) => p.sha)).toEqual([baseBefore, headSha]);
    expect(
      (await octokit.rest.repos.listCommits({ owner, repo, sha: 'main', path: 'envs/staging/db.yaml' })).data.map((c) => c.sha),
    ).toEqual([headSha]);
    // git sees the merge.
    await git(work, ['fetch', '--quiet', 'origin']);
    expect(await git(work, ['rev-parse', 'origin/main^2'])).toBe(headSha);
    expect(await git(work, ['show', 'origin/main:envs/staging/app.yaml'])).toBe('image: v2');

    // A merged pull cannot be merged again nor reopened; the head branch stays (no auto-delete).
    expect((await status(mergePullRequest(server, owner, repo, 1))).status).toBe(405);
    expect((await status(octokit.rest.pulls.update({ owner, repo, pull_number: 1, state: 'open' }))).status).toBe(422);
    expect(await branchTip(owner, repo, 'promote/staging')).toBe(headSha);
    // Closing and reopening an unmerged pull.
    expect((await octokit.rest.pulls.update({ owner, repo, pull_number: 2, state: 'closed' })).data).toMatchObject({
      state: 'closed',
      merged: false,
    });
    expect((await octokit.rest.pulls.update({ owner, repo, pull_number: 2, state: 'open' })).data).toMatchObject({
      state: 'open',
      closed_at: null,
    });
  });

  it('PUT .../merge: merge, squash and rebase; head moved 409, conflicts 405, protected base 405', async () => {
    const { owner, repo, work } = await newRepo();
    const branchWith = async (branch: string, files: Record<string, string>, from = 'main') => {
      await git(work, ['checkout', '--quiet', '-b', branch, `origin/${from}`]);
      let sha = '';
      for (const [file, content] of Object.entries(files)) sha = await commit(work, { [file]: content }, `${branch}: ${file}`);
      await push(work, branch);
      return sha;
    };
    await git(work, ['fetch', '--quiet', 'origin']);
    const mergeHead = await branchWith('m', { 'm.txt': 'm\n' });
    await branchWith('s', { 's1.txt': '1\n', 's2.txt': '2\n' });
    await branchWith('r', { 'r1.txt': '1\n', 'r2.txt': '2\n' });
    await branchWith('c1', { 'README.md': 'one\n' });
    await branchWith('c2', { 'README.md': 'two\n' });
    const open = async (head: string) =>
      (await octokit.rest.pulls.create({ owner, repo, title: `PR ${head}`, head, base: 'main' })).data.number;
    const [m, s, r, c1, c2] = [await open('m'), await open('s'), await open('r'), await open('c1'), await open('c2')];

    expect(await status(octokit.rest.pulls.merge({ owner, repo, pull_number: m, sha: 'f'.repeat(40) }))).toMatchObject({
      status: 409,
      message: expect.stringContaining('Head branch was modified'),
    });
    const merged = await octokit.rest.pulls.merge({ owner, repo, pull_number: m, sha: mergeHead, merge_method: 'merge' });
    expect(merged.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });
    expect((await octokit.rest.git.getCommit({ owner, repo, commit_sha: merged.data.sha })).data.parents).toHaveLength(2);
    expect((await status(octokit.rest.pulls.merge({ owner, repo, pull_number: m }))).status).toBe(405);

    const squashed = await octokit.rest.pulls.merge({ owner, repo, pull_number: s, merge_method: 'squash' });
    const squash = (await octokit.rest.git.getCommit({ owner, repo, commit_sha: squashed.data.sha })).data;
    expect(squash.parents.map((p) => p.sha)).toEqual([merged.data.sha]);
    expect(squash.message).toBe(`PR s (#${s})\n\n* s: s1.txt\n\n* s: s2.txt`);

    const rebased = await octokit.rest.pulls.merge({ owner, repo, pull_number: r, merge_method: 'rebase' });
    const linear = (await octokit.rest.repos.listCommits({ owner, repo, per_page: 3 })).data;
    expect(linear.map((c) => [c.commit.message.trim(), c.parents.length])).toEqual([
      ['r: r2.txt', 1],
      ['r: r1.txt', 1],
      [`PR s (#${s})\n\n* s: s1.txt\n\n* s: s2.txt`, 1],
    ]);
    expect(linear[0]!.sha).toBe(rebased.data.sha);
    expect(linear[0]!.commit.author).toMatchObject({ name: 'Ada' });
    expect(linear[0]!.commit.committer).toMatchObject({ name: 'GitHub', email: 'noreply@github.com' });

    // c1 and c2 change the same line: after c1, c2 conflicts.
    await octokit.rest.pulls.merge({ owner, repo, pull_number: c1 });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: c2 })).data).toMatchObject({
      mergeable: false,
      mergeable_state: 'dirty',
    });
    expect(await status(octokit.rest.pulls.merge({ owner, repo, pull_number: c2 }))).toMatchObject({
      status: 405,
      message: expect.stringContaining('Pull Request is not mergeable'),
    });

    // A base protected with required reviews, enforced on admins: the API refuses, the (admin) button helper does not.
    await branchWith('p', { 'p.txt': 'p\n' });
    const p = await open('p');
    await octokit.rest.repos.updateBranchProtection({
      owner,
      repo,
      branch: 'main',
      required_status_checks: null,
      enforce_admins: true,
      restrictions: null,
      required_pull_request_reviews: { required_approving_review_count: 1 },
    });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: p })).data.mergeable_state).toBe('blocked');
    expect(await status(octokit.rest.pulls.merge({ owner, repo, pull_number: p }))).toMatchObject({
      status: 405,
      message: expect.stringContaining('At least 1 approving review is required'),
    });
    await server.mergePullRequest(owner, repo, p, { by: 'reviewer' });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: p })).data.merged_by?.login).toBe('reviewer');
  });

  it('follows the branches: a deleted head closes the pull, a head pushed into the base merges it', async () => {
    const { owner, repo, work } = await newRepo();
    await git(work, ['checkout', '--quiet', '-b', 'gone']);
    await commit(work, { 'g.txt': 'g\n' }, 'gone');
    await push(work, 'gone');
    await git(work, ['checkout', '--quiet', '-b', 'ff', 'main']);
    const ff = await commit(work, { 'f.txt': 'f\n' }, 'ff');
    await push(work, 'ff');
    const gone = (await octokit.rest.pulls.create({ owner, repo, title: 'gone', head: 'gone', base: 'main' })).data.number;
    const pushed = (await octokit.rest.pulls.create({ owner, repo, title: 'ff', head: 'ff', base: 'main' })).data.number;

    // The head moves with pushes.
    const moved = await commit(work, { 'f2.txt': 'f2\n' }, 'ff 2');
    await push(work, 'ff');
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: pushed })).data).toMatchObject({ head: { sha: moved }, commits: 2 });
    expect(ff).not.toBe(moved);

    await octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/gone' });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: gone })).data).toMatchObject({ state: 'closed', merged: false });
    expect(await status(octokit.rest.pulls.update({ owner, repo, pull_number: gone, state: 'open' }))).toMatchObject({ status: 422 });

    await push(work, 'ff:main');
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: pushed })).data).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: moved,
      merged_by: null,
    });
    expect((await octokit.rest.pulls.list({ owner, repo })).data).toEqual([]);
  });
});

describe('contents', () => {
  it('reads a file (base64), a folder, at a ref; 404 for what is not there', async () => {
    const { owner, repo, work } = await newRepo();
    const long = 'x'.repeat(100);
    const first = await commit(work, { 'envs/dev/values.yaml': `v: 1\n${long}\n`, 'envs/dev/sub/a.txt': 'a\n' }, 'add');
    await commit(work, { 'envs/dev/values.yaml': 'v: 2\n' }, 'change');
    await push(work, 'main');

    const file = (await octokit.rest.repos.getContent({ owner, repo, path: 'envs/dev/values.yaml' })).data;
    if (Array.isArray(file) || file.type !== 'file') throw new Error('expected a file');
    expect(file).toMatchObject({ name: 'values.yaml', path: 'envs/dev/values.yaml', encoding: 'base64', size: 5 });
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe('v: 2\n');
    const old = (await octokit.rest.repos.getContent({ owner, repo, path: 'envs/dev/values.yaml', ref: first })).data;
    if (Array.isArray(old) || old.type !== 'file') throw new Error('expected a file');
    expect(old.content.split('\n').every((line) => line.length <= 60)).toBe(true);
    expect(Buffer.from(old.content, 'base64').toString('utf8')).toBe(`v: 1\n${long}\n`);
    expect(old.sha).toBe(await git(work, ['rev-parse', `${first}:envs/dev/values.yaml`]));

    const folder = (await octokit.rest.repos.getContent({ owner, repo, path: 'envs/dev' })).data;
    if (!Array.isArray(folder)) throw new Error('expected a folder');
    expect(folder.map((e) => [e.name, e.path, e.type])).toEqual([
      ['sub', 'envs/dev/sub', 'dir'],
      ['values.yaml', 'envs/dev/values.yaml', 'file'],
    ]);
    expect((await octokit.request(`GET /repos/${owner}/${repo}/contents/envs/dev/sub/a.txt`)).data).toMatchObject({
      type: 'file',
      path: 'envs/dev/sub/a.txt',
    });

    expect((await status(octokit.rest.repos.getContent({ owner, repo, path: 'envs/nope' }))).status).toBe(404);
    expect((await status(octokit.rest.repos.getContent({ owner, repo, path: 'envs/dev/values.yaml', ref: 'nope' }))).status).toBe(404);
  });
});

describe('OpenAPI validation of the new answers', () => {
  it("a pull request or a commit that does not match GitHub's description becomes a 500", async () => {
    const { owner, repo, work } = await newRepo();
    await git(work, ['checkout', '--quiet', '-b', 'feature']);
    await commit(work, { 'f.txt': 'f\n' }, 'f');
    await push(work, 'feature');
    const pr = (await octokit.rest.pulls.create({ owner, repo, title: 't', head: 'feature', base: 'main' })).data;

    server.tamperNext(
      (body: { head: { sha?: string }; merged: unknown }) => {
        delete body.head.sha;
        body.merged = 'no';
      },
      { path: /\/pulls\/\d+$/ },
    );
    expect((await status(octokit.rest.pulls.get({ owner, repo, pull_number: pr.number }))).status).toBe(500);
    server.tamperNext(
      (body: Array<{ author: unknown }>) => {
        body[0]!.author = { login: 'half a user' };
      },
      { path: /\/commits$/ },
    );
    expect((await status(octokit.rest.repos.listCommits({ owner, repo }))).status).toBe(500);
    server.tamperNext(
      (body: Array<{ state: unknown }>) => {
        body[0]!.state = 42;
      },
      { path: /\/pulls$/ },
    );
    expect((await status(octokit.rest.pulls.list({ owner, repo }))).status).toBe(500);

    const violations = server.schemaViolations.splice(0);
    expect(violations.map((v) => v.operation)).toEqual([
      'GET /repos/{owner}/{repo}/pulls/{pull_number}',
      'GET /repos/{owner}/{repo}/commits',
      'GET /repos/{owner}/{repo}/pulls',
    ]);
    expect(violations[0]!.errors.join('\n')).toMatch(/\/head must have required property 'sha'/);
    expect(violations[0]!.errors.join('\n')).toMatch(/\/merged must be boolean/);
    expect(violations[1]!.errors.join('\n')).toMatch(/\/0\/author/);
    expect(violations[2]!.errors.join('\n')).toMatch(/\/0\/state must be string/);
  });
});
