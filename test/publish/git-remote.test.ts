/**
 * GitRemote against real git: a local bare repo and the HTTP test server (git http-backend behind
 * token auth). No mocks. A PATH shim in front of the real git binary logs the argv of every git
 * process started by name, and /proc is sampled during pushes, to prove the token never appears
 * in a command line.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BranchMovedError, RemoteError, gitBlobSha } from '../../src/core/env-remote.js';
import { basicAuthorization } from '../../src/publish/git-credentials.js';
import { GitRemote, type GitRemoteOptions } from '../../src/publish/git-remote.js';
import { writeGitShim } from '../support/git-shim.js';
import { startGitServer, type StartedGitServer } from '../support/git-server.js';

const TOKEN = `slipway-test-${Math.random().toString(36).slice(2)}-token`;
const BASIC = basicAuthorization(TOKEN).slice('Basic '.length);
const AUTHOR = { name: 'Slipway Bot', email: 'bot@slipway.test' };

let tmp: string;
let server: StartedGitServer;
let shimLog: string;
let savedPath: string | undefined;
const logLines: string[] = [];
const sampledArgv: string[] = [];

/** Plain git for the test's own checks (no token anywhere). */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: tmp, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();
}

function hashObject(content: string): string {
  return execFileSync('git', ['hash-object', '--stdin'], { input: content }).toString().trim();
}

function remote(url: string, name: string, extra: Partial<GitRemoteOptions> = {}): GitRemote {
  return new GitRemote({
    url,
    branch: 'main',
    cacheDir: path.join(tmp, 'cache', name),
    author: AUTHOR,
    log: (line) => logLines.push(line),
    ...extra,
  });
}

/** Every file below `dir` (including .git internals) as text, for "never on disk" checks. */
function allFileText(dir: string): string {
  let text = '';
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    text += fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1');
  }
  return text;
}

/** Reads every process's command line over and over while `work` runs. */
async function sampleCommandLines<T>(work: () => Promise<T>): Promise<T> {
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const pid of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        try {
          const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`).toString().replace(/\0/g, ' ');
          if (cmdline.includes('git')) sampledArgv.push(cmdline);
        } catch {
          // the process ended meanwhile
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  try {
    return await work();
  } finally {
    running = false;
    await loop;
  }
}

beforeAll(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-git-remote-')));
  // PATH shim: logs the argv of every `git` started by name (simple-git, git http-backend).
  const shim = writeGitShim(tmp);
  shimLog = shim.log;
  const shimDir = shim.dir;
  savedPath = process.env.PATH;
  process.env.PATH = `${shimDir}${path.delimiter}${process.env.PATH ?? ''}`;
  server = await startGitServer({ token: TOKEN });
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('GitRemote on a local bare repo', () => {
  it('ensure creates the repo, read/commit round-trip with nested paths and deletions', async () => {
    const bare = path.join(tmp, 'local', 'env-dev.git');
    const r = remote(bare, 'local-dev');
    expect(r.description).toBe(bare);
    await expect(r.ensure()).resolves.toEqual({ created: true });
    expect(git(bare, 'rev-parse', '--is-bare-repository').trim()).toBe('true');
    expect(git(bare, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main');
    await expect(r.ensure()).resolves.toEqual({ created: false });

    const empty = await r.read();
    expect(empty.head).toBeUndefined();
    expect(empty.blobs.size).toBe(0);

    const files = new Map([
      ['README.md', '# dev\n'],
      ['apps/web/deployment.yaml', 'kind: Deployment\n'],
      ['apps/web/config/values.yaml', 'no trailing newline'],
      ['apps/api/service.yaml', 'kind: Service\n'],
    ]);
    const first = await r.commit({ parent: undefined, write: files, delete: [], message: 'slipway: first' });
    expect(first.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git(bare, 'rev-parse', 'refs/heads/main').trim()).toBe(first.sha);
    expect(git(bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s|%P', 'main').trim()).toBe(
      'Slipway Bot <bot@slipway.test>|Slipway Bot <bot@slipway.test>|slipway: first|',
    );

    const tree = await r.read();
    expect(tree.head).toBe(first.sha);
    expect([...tree.blobs.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [file, content] of files) {
      expect(tree.blobs.get(file)).toBe(hashObject(content));
      expect(tree.blobs.get(file)).toBe(await gitBlobSha(content));
      expect(await tree.read(file)).toBe(content);
    }
    await expect(tree.read('missing.yaml')).rejects.toBeInstanceOf(RemoteError);

    // Delete a whole folder's files and write a file where the folder was.
    const second = await r.commit({
      parent: tree.head,
      write: new Map([
        ['apps/web', 'now a file\n'],
        ['apps/api/service.yaml', 'kind: Service\nspec: {}\n'],
        ['infra/a/b/c/d.yaml', 'deep: true\n'],
      ]),
      delete: ['apps/web/deployment.yaml', 'apps/web/config/values.yaml', 'README.md'],
      message: 'slipway: second',
    });
    expect(git(bare, 'rev-parse', 'main^').trim()).toBe(first.sha);
    expect(git(bare, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n').sort()).toEqual([
      'apps/api/service.yaml',
      'apps/web',
      'infra/a/b/c/d.yaml',
    ]);
    const after = await r.read();
    expect(after.head).toBe(second.sha);
    expect(after.blobs.get('apps/web')).toBe(hashObject('now a file\n'));
    expect(await after.read('infra/a/b/c/d.yaml')).toBe('deep: true\n');

    // Stray files in the clone's folder never reach a commit (commits are built from the parent's
    // tree, not from a working tree).
    const cache = path.join(tmp, 'cache', 'local-dev');
    fs.mkdirSync(path.join(cache, 'apps', 'api'), { recursive: true });
    fs.writeFileSync(path.join(cache, 'stray.txt'), 'junk');
    fs.writeFileSync(path.join(cache, 'apps', 'api', 'service.yaml'), 'locally modified');
    const third = await r.commit({ parent: second.sha, write: new Map([['x.yaml', 'x\n']]), delete: [], message: 'third' });
    expect(git(bare, 'ls-tree', '-r', '--name-only', third.sha).trim().split('\n').sort()).toEqual([
      'apps/api/service.yaml',
      'apps/web',
      'infra/a/b/c/d.yaml',
      'x.yaml',
    ]);
    expect(git(bare, 'show', `${third.sha}:apps/api/service.yaml`)).toBe('kind: Service\nspec: {}\n');
    expect(git(cache, 'config', '--get', 'remote.origin.url').trim()).toBe(bare);
  });

  it('several remotes on one clone (as several slipway processes on one checkout) take turns instead of failing', async () => {
    const bare = path.join(tmp, 'local', 'env-shared.git');
    const first = remote(bare, 'shared');
    await first.ensure();
    const { sha } = await first.commit({ parent: undefined, write: new Map([['a.txt', 'a\n']]), delete: [], message: 'first' });
    fs.rmSync(path.join(tmp, 'cache', 'shared'), { recursive: true, force: true });
    // A fresh clone: each one would `git init`, configure and fetch into the same folder at once.
    const readers = Array.from({ length: 8 }, () => remote(bare, 'shared'));
    const trees = await Promise.all(readers.map(async (r, i) => (i % 2 === 0 ? r.read() : r.commits())));
    for (const [i, tree] of trees.entries()) {
      if (i % 2 === 0) expect((tree as Awaited<ReturnType<GitRemote['read']>>).head).toBe(sha);
      else expect((tree as Awaited<ReturnType<GitRemote['commits']>>).map((c) => c.sha)).toEqual([sha]);
    }
    expect(fs.existsSync(path.join(tmp, 'cache', 'shared.lock'))).toBe(false);
  });

  it('rejects paths that escape the working tree', async () => {
    const bare = path.join(tmp, 'local', 'env-paths.git');
    const r = remote(bare, 'local-paths');
    await r.ensure();
    for (const bad of ['../escape.yaml', '/etc/passwd', '.git/config', 'a/../../b', '']) {
      await expect(r.commit({ parent: undefined, write: new Map([[bad, 'x']]), delete: [], message: 'bad' })).rejects.toBeInstanceOf(
        RemoteError,
      );
    }
    expect(fs.existsSync(path.join(tmp, 'cache', 'escape.yaml'))).toBe(false);
    expect((await r.read()).head).toBeUndefined();
  });

  it('a missing local repo is a clear RemoteError for read', async () => {
    const r = remote(path.join(tmp, 'local', 'nope.git'), 'local-nope');
    await expect(r.read()).rejects.toThrow(/not found or not reachable: .*nope\.git/);
  });
});

describe('GitRemote over HTTP with a token', () => {
  it('ensure checks reachability and reports auth and not-found failures without the token', async () => {
    server.createBareRepo('envs/staging');
    const url = `${server.url}/envs/staging.git`;
    await expect(remote(url, 'http-ensure', { token: TOKEN }).ensure()).resolves.toEqual({ created: false });

    const missing = `${server.url}/envs/missing.git`;
    const notFound = await remote(missing, 'http-missing', { token: TOKEN })
      .ensure()
      .catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(RemoteError);
    expect((notFound as Error).message).toContain(`not found or not reachable: ${missing}`);

    const wrong = 'wrong-token-value-123';
    for (const [name, token] of [
      ['http-wrong', wrong],
      ['http-none', undefined],
    ] as const) {
      const error = await remote(url, name, { token })
        .ensure()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      const message = (error as Error).message;
      expect(message).toContain(`authentication failed for ${url}: set SLIPWAY_GIT_TOKEN`);
      expect(message).not.toContain(wrong);
      expect(message).not.toContain(TOKEN);
      expect(message).not.toContain(basicAuthorization(wrong).slice(6));
      const readError = await remote(url, name, { token })
        .read()
        .catch((e: unknown) => e);
      expect((readError as Error).message).toContain(`authentication failed for ${url}`);
    }
    expect(server.requests.some((r) => r.status === 401 && r.authorization === basicAuthorization(wrong))).toBe(true);
  });

  it('refuses a URL with credentials in it', () => {
    expect(() => remote(`http://u:${TOKEN}@127.0.0.1:1/x.git`, 'http-cred', {})).toThrow(RemoteError);
    try {
      remote(`http://u:${TOKEN}@127.0.0.1:1/x.git`, 'http-cred', {});
    } catch (error) {
      expect((error as Error).message).not.toContain(TOKEN);
    }
  });

  it('commits, detects a concurrent push as BranchMovedError, retries on top, never leaks the token', async () => {
    const bare = server.createBareRepo('env-prod');
    const url = `${server.url}/env-prod.git`;
    const r = remote(url, 'http-prod', { token: TOKEN });
    fs.writeFileSync(shimLog, '');
    const firstRequest = server.requests.length;

    expect((await r.ensure()).created).toBe(false);
    const empty = await r.read();
    expect(empty.head).toBeUndefined();
    const first = await sampleCommandLines(() =>
      r.commit({ parent: undefined, write: new Map([['apps/a.yaml', 'a: 1\n']]), delete: [], message: 'first' }),
    );
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(first.sha);
    const read1 = await r.read();
    expect(read1.head).toBe(first.sha);
    expect(read1.blobs.get('apps/a.yaml')).toBe(hashObject('a: 1\n'));

    // Someone else pushes between our read and our commit (a plain clone of the bare repo).
    const other = path.join(tmp, 'other');
    git(tmp, 'clone', '--quiet', bare, other);
    fs.writeFileSync(path.join(other, 'theirs.yaml'), 'theirs: true\n');
    git(other, 'add', '-A');
    git(other, '-c', 'user.name=Other', '-c', 'user.email=o@x', 'commit', '--quiet', '-m', 'theirs');
    git(other, 'push', '--quiet', 'origin', 'HEAD:main');
    const theirs = git(other, 'rev-parse', 'HEAD').trim();

    const ours = { write: new Map([['apps/b.yaml', 'b: 2\n']]), delete: ['apps/a.yaml'], message: 'ours' };
    const moved = await sampleCommandLines(() => r.commit({ parent: read1.head, ...ours }).catch((e: unknown) => e));
    expect(moved).toBeInstanceOf(BranchMovedError);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(theirs);

    // Re-read, re-apply: lands on top of theirs, linear, nothing lost.
    const read2 = await r.read();
    expect(read2.head).toBe(theirs);
    expect([...read2.blobs.keys()].sort()).toEqual(['apps/a.yaml', 'theirs.yaml']);
    const retried = await sampleCommandLines(() => r.commit({ parent: read2.head, ...ours }));
    const history = git(bare, 'log', '--format=%H %P', 'main').trim().split('\n');
    expect(history).toEqual([`${retried.sha} ${theirs}`, `${theirs} ${first.sha}`, `${first.sha}`]);
    expect(git(bare, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n').sort()).toEqual(['apps/b.yaml', 'theirs.yaml']);

    // A fault that is not a moved branch: a RemoteError, redacted; the branch did not move, and
    // the same commit succeeds afterwards.
    const read3 = await r.read();
    server.rejectPushes(1);
    const fault = await sampleCommandLines(() =>
      r.commit({ parent: read3.head, write: new Map([['c.yaml', 'c\n']]), delete: [], message: 'c' }).catch((e: unknown) => e),
    );
    expect(fault).toBeInstanceOf(RemoteError);
    expect(fault).not.toBeInstanceOf(BranchMovedError);
    expect((fault as Error).message).toContain(`git push failed for ${url}`);
    expect((fault as Error).message).toMatch(/503/);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(retried.sha);
    const last = await r.commit({ parent: read3.head, write: new Map([['c.yaml', 'c\n']]), delete: [], message: 'c' });
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(last.sha);

    // The token was sent on the wire...
    const ours_ = server.requests.slice(firstRequest).filter((q) => q.authorization !== undefined);
    expect(ours_.length).toBeGreaterThan(5);
    expect(ours_.every((q) => q.authorization === `Basic ${BASIC}`)).toBe(true);
    expect(
      server.requests.slice(firstRequest).some((q) => q.method === 'POST' && q.path.endsWith('/git-receive-pack') && q.status === 200),
    ).toBe(true);
    expect(server.requests.slice(firstRequest).some((q) => q.status === 503)).toBe(true);

    // ...and nowhere else: not in the clone's config or any file of the cache or server repos,
    // not in a log line, an error, or the argv of any git process.
    const cache = path.join(tmp, 'cache', 'http-prod');
    const config = fs.readFileSync(path.join(cache, '.git', 'config'), 'utf8');
    expect(config).toContain(`url = ${url}\n`);
    expect(config).not.toMatch(/extraheader|Authorization/i);
    for (const secret of [TOKEN, BASIC]) {
      expect(allFileText(cache)).not.toContain(secret);
      expect(allFileText(server.root)).not.toContain(secret);
      expect(logLines.join('\n')).not.toContain(secret);
      expect(String((moved as Error).message) + String((moved as Error).cause)).not.toContain(secret);
      expect((fault as Error).message).not.toContain(secret);
    }
    const argv = fs.readFileSync(shimLog, 'utf8');
    expect(argv).not.toContain(TOKEN);
    expect(argv).not.toContain(BASIC);
    expect(argv).toMatch(new RegExp(`^git push --porcelain --no-verify origin ${last.sha}:refs/heads/main$`, 'm'));
    expect(argv).toMatch(/^git fetch /m);
    expect(argv).toMatch(/^git http-backend$/m); // the server's side went through the shim too
    expect(sampledArgv.length).toBeGreaterThan(0);
    for (const line of sampledArgv) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(BASIC);
    }
    expect(logLines.some((l) => l.startsWith('git push'))).toBe(true);
  });

  it('two writers on the same parent: exactly one wins, the other gets BranchMovedError', async () => {
    server.createBareRepo('env-race');
    const url = `${server.url}/env-race.git`;
    const a = remote(url, 'race-a', { token: TOKEN });
    const b = remote(url, 'race-b', { token: TOKEN });
    // Both think the repo is empty: the branch does not exist yet.
    const [ta, tb] = await Promise.all([a.read(), b.read()]);
    expect(ta.head).toBeUndefined();
    expect(tb.head).toBeUndefined();
    const results = await Promise.allSettled([
      a.commit({ parent: undefined, write: new Map([['a.yaml', 'a\n']]), delete: [], message: 'a' }),
      b.commit({ parent: undefined, write: new Map([['b.yaml', 'b\n']]), delete: [], message: 'b' }),
    ]);
    const won = results.filter((x) => x.status === 'fulfilled');
    const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(BranchMovedError);

    // The loser re-reads and lands on top.
    const loser = results[0]?.status === 'rejected' ? a : b;
    const again = await loser.read();
    expect(again.head).toBeDefined();
    const file = loser === a ? 'a.yaml' : 'b.yaml';
    await loser.commit({ parent: again.head, write: new Map([[file, `${file}\n`]]), delete: [], message: 'retry' });
    const final = await (loser === a ? b : a).read();
    expect([...final.blobs.keys()].sort()).toEqual(['a.yaml', 'b.yaml']);
  });
});
