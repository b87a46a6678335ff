/**
 * GitRemote with several branches on one working clone: reading another branch, pull-request style
 * branches created from the main branch's head, fast-forwards and stale parents on them, and
 * history (`commits`). Real git against local bare repos and the HTTP test server; no mocks. A
 * PATH shim in front of git can run a scripted "someone else pushes now" right before one of
 * GitRemote's pushes, to hit the race between the pre-check and the push deterministically.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BranchMovedError, RemoteError } from '../../src/core/env-remote.js';
import { basicAuthorization } from '../../src/publish/git-credentials.js';
import { GitRemote, type GitRemoteOptions } from '../../src/publish/git-remote.js';
import { writeRacingPushShim } from '../support/git-shim.js';
import { startGitServer, type StartedGitServer } from '../support/git-server.js';

const TOKEN = `slipway-test-${Math.random().toString(36).slice(2)}-token`;
const BASIC = basicAuthorization(TOKEN).slice('Basic '.length);
const AUTHOR = { name: 'Slipway Bot', email: 'bot@slipway.test' };
const PR = 'slipway/promote-production-devops-toolkit';

let tmp: string;
let server: StartedGitServer;
let shimLog: string;
/** When this file exists, the shim runs it (sh) right before the next `git push`, once. */
let beforePush: string;
let savedPath: string | undefined;
const logLines: string[] = [];

/** Plain git for the test's own setup and checks (no token anywhere, never through the hook). */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: tmp, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', SLIPWAY_TEST_NO_HOOK: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();
}

function lines(text: string): string[] {
  return text.trim() === '' ? [] : text.trim().split('\n');
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

/** A plain clone of `bare` where "someone else" commits and pushes. */
function otherClone(
  bare: string,
  name: string,
): { dir: string; push: (branch: string, file: string, content: string, message: string) => string } {
  const dir = path.join(tmp, 'others', name);
  git(tmp, 'clone', '--quiet', bare, dir);
  return {
    dir,
    push(branch, file, content, message) {
      git(dir, 'fetch', '--quiet', 'origin');
      const exists = git(dir, 'ls-remote', 'origin', `refs/heads/${branch}`).trim() !== '';
      git(dir, 'checkout', '--quiet', '--force', '-B', branch, exists ? `origin/${branch}` : 'origin/main');
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
      git(dir, 'add', '-A');
      git(dir, '-c', 'user.name=Other Person', '-c', 'user.email=o@x', 'commit', '--quiet', '-m', message);
      git(dir, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
      return git(dir, 'rev-parse', 'HEAD').trim();
    },
  };
}

beforeAll(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-git-branches-')));
  // PATH shim: logs every git's argv; runs before-push.sh once, just before a `git push`, to race it.
  const shim = writeRacingPushShim(tmp);
  beforePush = shim.beforePush;
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

describe('GitRemote branches on a local bare repo', () => {
  it('reads a second branch and a missing one; reads of one branch do not disturb another', async () => {
    const bare = path.join(tmp, 'local', 'env-read.git');
    const r = remote(bare, 'read');
    await r.ensure();
    const base = await r.commit({
      parent: undefined,
      write: new Map([
        ['a.yaml', 'a: main\n'],
        ['shared.yaml', 's\n'],
      ]),
      delete: [],
      message: 'base',
    });
    const other = otherClone(bare, 'read');
    const release = other.push('release', 'a.yaml', 'a: release\n', 'release change');
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(base.sha);

    const main = await r.read();
    const rel = await r.read('release');
    const missing = await r.read('no/such-branch');
    expect(main.head).toBe(base.sha);
    expect(rel.head).toBe(release);
    expect(missing.head).toBeUndefined();
    expect(missing.blobs.size).toBe(0);
    expect([...rel.blobs.keys()].sort()).toEqual(['a.yaml', 'shared.yaml']);
    // Each tree reads its own branch's content, whatever was read after it.
    expect(await main.read('a.yaml')).toBe('a: main\n');
    expect(await rel.read('a.yaml')).toBe('a: release\n');
    expect((await r.read('main')).head).toBe(base.sha);
    expect(await main.read('a.yaml')).toBe('a: main\n');
    await expect(rel.read('nope.yaml')).rejects.toThrow(/no file "nope\.yaml" on branch release/);

    // Invalid branch names are refused before git sees them.
    for (const bad of ['-x', '--upload-pack=evil', 'a..b', 'a b', '']) {
      await expect(r.read(bad)).rejects.toBeInstanceOf(RemoteError);
      await expect(r.commits({ branch: bad })).rejects.toBeInstanceOf(RemoteError);
      await expect(r.commit({ parent: base.sha, branch: bad, write: new Map(), delete: [], message: 'x' })).rejects.toBeInstanceOf(
        RemoteError,
      );
    }
  });

  it('creates a PR branch from main, fast-forwards it, refuses stale parents, leaves main alone', async () => {
    const bare = path.join(tmp, 'local', 'env-pr.git');
    const r = remote(bare, 'pr');
    await r.ensure();
    const m1 = await r.commit({
      parent: undefined,
      write: new Map([
        ['apps/web.yaml', 'image: v1\n'],
        ['apps/api.yaml', 'image: a1\n'],
      ]),
      delete: [],
      message: 'm1',
    });
    const m2 = await r.commit({ parent: m1.sha, write: new Map([['apps/web.yaml', 'image: v2\n']]), delete: [], message: 'm2' });
    const main = await r.read();
    expect(main.head).toBe(m2.sha);
    expect((await r.read(PR)).head).toBeUndefined();

    // The PR branch does not exist: created at a new commit whose parent is main's head.
    const p1 = await r.commit({
      parent: main.head,
      branch: PR,
      write: new Map([['apps/web.yaml', 'image: v3\n']]),
      delete: [],
      message: 'promote web to v3',
    });
    expect(git(bare, 'rev-parse', `refs/heads/${PR}`).trim()).toBe(p1.sha);
    expect(lines(git(bare, 'log', '--format=%H', PR))).toEqual([p1.sha, m2.sha, m1.sha]);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(m2.sha);
    expect(lines(git(bare, 'diff', '--name-only', m2.sha, p1.sha))).toEqual(['apps/web.yaml']);
    expect(git(bare, 'show', `${p1.sha}:apps/web.yaml`)).toBe('image: v3\n');
    expect(git(bare, 'show', `${p1.sha}:apps/api.yaml`)).toBe('image: a1\n');

    const pr = await r.read(PR);
    expect(pr.head).toBe(p1.sha);
    expect(await pr.read('apps/web.yaml')).toBe('image: v3\n');

    // A second commit on the branch (parent = the branch's head): fast-forward.
    const p2 = await r.commit({
      parent: pr.head,
      branch: PR,
      write: new Map([['apps/api.yaml', 'image: a2\n']]),
      delete: [],
      message: 'promote api to a2',
    });
    expect(lines(git(bare, 'log', '--format=%H', PR))).toEqual([p2.sha, p1.sha, m2.sha, m1.sha]);
    expect(lines(git(bare, 'diff', '--name-only', p1.sha, p2.sha))).toEqual(['apps/api.yaml']);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(m2.sha);

    // Stale parents (the branch's previous head, main's head, an older main commit): moved.
    for (const stale of [p1.sha, m2.sha, m1.sha]) {
      const error = await r
        .commit({ parent: stale, branch: PR, write: new Map([['x.yaml', 'x\n']]), delete: [], message: 'stale' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BranchMovedError);
    }
    expect(git(bare, 'rev-parse', PR).trim()).toBe(p2.sha);

    // Committing on main after working on the PR branch: main's tree, not the branch's.
    const m3 = await r.commit({ parent: main.head, write: new Map([['infra/db.yaml', 'db: 1\n']]), delete: [], message: 'm3' });
    expect(git(bare, 'rev-parse', 'main^').trim()).toBe(m2.sha);
    expect(lines(git(bare, 'ls-tree', '-r', '--name-only', 'main')).sort()).toEqual(['apps/api.yaml', 'apps/web.yaml', 'infra/db.yaml']);
    expect(git(bare, 'show', 'main:apps/web.yaml')).toBe('image: v2\n');
    expect(git(bare, 'rev-parse', PR).trim()).toBe(p2.sha);
    expect((await r.read()).head).toBe(m3.sha);
    const prAgain = await r.read(PR);
    expect(prAgain.head).toBe(p2.sha);
    expect(prAgain.blobs.has('infra/db.yaml')).toBe(false);

    // A PR branch that exists at an older main commit while main moved on: the caller computed
    // against main's head, but the branch is not at that parent, so it moved (no silent
    // fast-forward from the old base).
    const old = 'slipway/old-base';
    git(bare, 'update-ref', `refs/heads/${old}`, m1.sha);
    const fromOld = await r
      .commit({ parent: m3.sha, branch: old, write: new Map([['y.yaml', 'y\n']]), delete: [], message: 'y' })
      .catch((e: unknown) => e);
    expect(fromOld).toBeInstanceOf(BranchMovedError);
    expect(git(bare, 'rev-parse', old).trim()).toBe(m1.sha);
    // With the branch's own head as parent it moves on.
    const y = await r.commit({ parent: m1.sha, branch: old, write: new Map([['y.yaml', 'y\n']]), delete: [], message: 'y' });
    expect(git(bare, 'rev-parse', `${old}^`).trim()).toBe(m1.sha);
    expect(git(bare, 'rev-parse', old).trim()).toBe(y.sha);

    // A parent the remote does not know at all: moved (the caller re-reads).
    const unknown = await r
      .commit({ parent: 'f'.repeat(40), branch: 'slipway/unknown', write: new Map(), delete: [], message: 'u' })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(BranchMovedError);
    expect(git(bare, 'for-each-ref', 'refs/heads/slipway/unknown').trim()).toBe('');

    // Only plain pushes, to the branch asked for.
    const pushes = fs
      .readFileSync(shimLog, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('git push'));
    expect(pushes.length).toBeGreaterThan(0);
    for (const push of pushes.filter((l) => l.includes('--porcelain'))) {
      expect(push).toMatch(/^git push --porcelain --no-verify origin [0-9a-f]{40}:refs\/heads\/[^ +]+$/);
    }
    expect(pushes.join('\n')).not.toMatch(/--force|\s\+/);
  });

  it('a branch rewound to an ancestor after the read is moved, not fast-forwarded; few git processes', async () => {
    const bare = path.join(tmp, 'local', 'env-rewind.git');
    const r = remote(bare, 'rewind');
    await r.ensure();
    const m1 = await r.commit({
      parent: undefined,
      write: new Map([
        ['apps/a.yaml', 'a: 1\n'],
        ['README.md', 'r\n'],
      ]),
      delete: [],
      message: 'm1',
    });
    const m2 = await r.commit({ parent: m1.sha, write: new Map([['apps/a.yaml', 'a: 2\n']]), delete: [], message: 'm2' });
    // The git processes started since `from` (an offset in the shim's log): one line each, though
    // lines of processes running side by side may interleave; so count lines and commands.
    const logText = () => fs.readFileSync(shimLog, 'utf8');
    const subcommands = (from: number) => {
      const text = logText().slice(from);
      const names = ['fetch', 'for-each-ref', 'ls-tree', 'cat-file', 'fast-import', 'ls-remote', 'push'];
      const found = names.flatMap((name) => Array<string>(text.split(new RegExp(`(?<![\\w-])${name}(?![\\w-])`)).length - 1).fill(name));
      expect(found).toHaveLength(text.split('\n').length - 1);
      return found.sort();
    };

    // A read: fetch, the head, the listing; the files of a folder (and the top-level ones) in one cat-file.
    let mark = logText().length;
    const read = await r.read();
    expect(read.head).toBe(m2.sha);
    expect(subcommands(mark)).toEqual(['fetch', 'for-each-ref', 'ls-tree']);
    mark = logText().length;
    expect(await read.read('apps/a.yaml')).toBe('a: 2\n');
    expect(await read.read('apps/a.yaml')).toBe('a: 2\n');
    expect(await read.read('README.md')).toBe('r\n');
    expect(subcommands(mark)).toEqual(['cat-file']);

    // Someone rewinds main to m1 after our read (a force push): a plain push of a child of m2 would
    // fast-forward main and bring m2 back. The check right before the push refuses it.
    git(bare, 'update-ref', 'refs/heads/main', m1.sha);
    mark = logText().length;
    const rewound = await r
      .commit({ parent: read.head, write: new Map([['b', 'b\n']]), delete: [], message: 'b' })
      .catch((e: unknown) => e);
    expect(rewound).toBeInstanceOf(BranchMovedError);
    expect(subcommands(mark)).toEqual(['fast-import', 'ls-remote']);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(m1.sha);

    // Deleted and re-created at an ancestor (a PR branch closed and reopened from an older base): the same.
    git(bare, 'update-ref', `refs/heads/${PR}`, m2.sha);
    const pr = await r.read(PR);
    git(bare, 'update-ref', '-d', `refs/heads/${PR}`);
    git(bare, 'update-ref', `refs/heads/${PR}`, m1.sha);
    const recreated = await r
      .commit({ parent: pr.head, branch: PR, write: new Map([['c', 'c\n']]), delete: [], message: 'c' })
      .catch((e: unknown) => e);
    expect(recreated).toBeInstanceOf(BranchMovedError);
    expect(git(bare, 'rev-parse', PR).trim()).toBe(m1.sha);

    // Re-read and commit: no fetch before the push (the read brought the parent); the remote is
    // asked where the branch is while the commit is built.
    const again = await r.read();
    expect(again.head).toBe(m1.sha);
    mark = logText().length;
    const c = await r.commit({ parent: again.head, write: new Map([['b', 'b\n']]), delete: [], message: 'b' });
    expect(subcommands(mark)).toEqual(['fast-import', 'ls-remote', 'push']);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(c.sha);
    expect(lines(git(bare, 'log', '--format=%H', 'main'))).toEqual([c.sha, m1.sha]);
  });

  it('a large first commit reaches the env repo delta-compressed, as a git add + push would', async () => {
    const bare = path.join(tmp, 'local', 'env-large.git');
    const r = remote(bare, 'large');
    await r.ensure();
    // 200 files, in turns from two families, each sharing 8 KiB of incompressible text: ~1.6 MiB
    // stored whole, a few KiB as deltas (which git add + push finds; fast-import alone deltas a
    // blob only against the one before it, here always of the other family).
    const noise = () =>
      Array.from(
        { length: 512 },
        () => Math.random().toString(36).slice(2, 10).padEnd(8, '0') + Math.random().toString(36).slice(2, 10).padEnd(8, '0'),
      ).join('');
    const shared = [noise(), noise()];
    const files = new Map(
      Array.from({ length: 200 }, (_, i) => [`charts/c${i}/values.yaml`, `index: ${i}\n${shared[i % 2]}\n`] as [string, string]),
    );
    const first = await r.commit({ parent: undefined, write: files, delete: [], message: 'bootstrap' });
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(first.sha);
    const stats = Object.fromEntries(lines(git(bare, 'count-objects', '-v')).map((l) => l.split(': ') as [string, string]));
    expect(Number(stats['size-pack']) + Number(stats.size)).toBeLessThan(256); // KiB
    const tree = await r.read();
    expect(await tree.read('charts/c7/values.yaml')).toBe(files.get('charts/c7/values.yaml'));
  });

  it('a PR branch whose parent another instance read (not yet in this clone) is found on main', async () => {
    const bare = path.join(tmp, 'local', 'env-parent.git');
    const writer = remote(bare, 'parent-writer');
    await writer.ensure();
    const m1 = await writer.commit({ parent: undefined, write: new Map([['a', '1\n']]), delete: [], message: 'm1' });
    const fresh = remote(bare, 'parent-fresh'); // never read main: m1 is not in its clone
    const p = await fresh.commit({ parent: m1.sha, branch: PR, write: new Map([['b', '2\n']]), delete: [], message: 'p' });
    expect(git(bare, 'rev-parse', `${PR}^`).trim()).toBe(m1.sha);
    expect(lines(git(bare, 'ls-tree', '-r', '--name-only', PR)).sort()).toEqual(['a', 'b']);
    expect(p.sha).toBe(git(bare, 'rev-parse', PR).trim());
  });

  it('a deleted branch `a` and a new `a/b` (clashing tracking refs) still read and commit', async () => {
    const bare = path.join(tmp, 'local', 'env-df.git');
    const r = remote(bare, 'df');
    await r.ensure();
    const m = await r.commit({ parent: undefined, write: new Map([['x', 'x\n']]), delete: [], message: 'm' });
    const a = await r.commit({ parent: m.sha, branch: 'slipway/a', write: new Map([['a', 'a\n']]), delete: [], message: 'a' });
    expect((await r.read('slipway/a')).head).toBe(a.sha);
    git(bare, 'update-ref', '-d', 'refs/heads/slipway/a');
    const before = logLines.length;
    const ab = await r.commit({ parent: m.sha, branch: 'slipway/a/b', write: new Map([['ab', 'ab\n']]), delete: [], message: 'ab' });
    expect(git(bare, 'rev-parse', 'slipway/a/b').trim()).toBe(ab.sha);
    expect((await r.read('slipway/a/b')).head).toBe(ab.sha);
    // The stale tracking ref of `slipway/a` was in the way of `slipway/a/b` and was dropped.
    expect(logLines.slice(before)).toContain('git update-ref -d refs/remotes/origin/slipway/a');
    expect((await r.read('slipway/a')).head).toBeUndefined();
    expect((await r.commits({ branch: 'slipway/a/b' })).map((c) => c.sha)).toEqual([ab.sha, m.sha]);
    // And the other way round: `a/b` gone, `a` back.
    git(bare, 'update-ref', '-d', 'refs/heads/slipway/a/b');
    git(bare, 'update-ref', 'refs/heads/slipway/a', a.sha);
    const back = await r.read('slipway/a');
    expect(back.head).toBe(a.sha);
    expect(await back.read('a')).toBe('a\n');
    expect((await r.read('slipway/a/b')).head).toBeUndefined();
  });

  it('commits(): by path, newest first, full messages with bodies and trailers, limit, branches', async () => {
    const bare = path.join(tmp, 'local', 'env-log.git');
    const r = remote(bare, 'log');
    await r.ensure();
    expect(await r.commits({})).toEqual([]);
    expect(await r.commits({ path: 'apps/web.yaml' })).toEqual([]);

    const messages = [
      'slipway: deploy web 1.0.0\n\nFirst release.\nSecond line of the body.\n\nSlipway-Env: production\nSlipway-App: web',
      // Things a naive parser would trip over: format-like text, "commit <sha>" lines, separators.
      'slipway: deploy api\n\ncommit 0123456789abcdef0123456789abcdef01234567\nAuthor: Mallory <m@x>\n%H%x00|||\x1e\x1f---\n\nSlipway-Env: production\nSlipway-App: api',
      'slipway: deploy web 1.1.0\n\n    indented body line\n\tand a tab\n\nSlipway-Env: production\nSlipway-App: web\nCo-authored-by: Someone <s@x>',
      'touch nothing of interest',
      'slipway: rollback web to 1.0.0\n\nSlipway-Rollback-Of: abc\nSlipway-App: web',
    ];
    let head: string | undefined;
    const shas: string[] = [];
    const writes = [
      new Map([
        ['apps/web.yaml', 'v: 1.0.0\n'],
        ['README.md', 'readme\n'],
      ]),
      new Map([['apps/api.yaml', 'v: 1\n']]),
      new Map([['apps/web.yaml', 'v: 1.1.0\n']]),
      new Map([['other/*.yaml', 'glob-looking name\n']]),
      new Map([['apps/web.yaml', 'v: 1.0.0\n']]),
    ];
    for (const [i, message] of messages.entries()) {
      head = (await r.commit({ parent: head, write: writes[i]!, delete: [], message })).sha;
      shas.push(head);
    }

    const all = await r.commits({});
    expect(all.map((c) => c.sha)).toEqual([...shas].reverse());
    expect(all.map((c) => c.message)).toEqual([...messages].reverse());
    for (const c of all) {
      expect(c.author).toBe(AUTHOR.name);
      expect(c.date).toBe(git(bare, 'log', '-1', '--format=%aI', c.sha).trim());
      expect(c.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$/);
      expect(Number.isNaN(Date.parse(c.date))).toBe(false);
      // The message is the commit's, byte for byte (git stores it with one final newline).
      expect(`${c.message}\n`).toBe(git(bare, 'cat-file', 'commit', c.sha).split('\n\n').slice(1).join('\n\n'));
    }

    const web = await r.commits({ path: 'apps/web.yaml' });
    expect(web.map((c) => c.sha)).toEqual([shas[4], shas[2], shas[0]]);
    expect(web[0]?.message).toBe(messages[4]);
    expect(web[1]?.message).toContain('\nCo-authored-by: Someone <s@x>');
    expect(web[2]?.message.split('\n')).toEqual([
      'slipway: deploy web 1.0.0',
      '',
      'First release.',
      'Second line of the body.',
      '',
      'Slipway-Env: production',
      'Slipway-App: web',
    ]);
    expect((await r.commits({ path: 'apps/api.yaml' })).map((c) => c.sha)).toEqual([shas[1]]);
    expect((await r.commits({ path: 'apps' })).map((c) => c.sha)).toEqual([shas[4], shas[2], shas[1], shas[0]]);
    expect((await r.commits({ path: 'apps/' })).map((c) => c.sha)).toEqual([shas[4], shas[2], shas[1], shas[0]]);
    // Pathspecs are literal: `*` is no glob.
    expect((await r.commits({ path: 'other/*.yaml' })).map((c) => c.sha)).toEqual([shas[3]]);
    expect(await r.commits({ path: 'apps/*.yaml' })).toEqual([]);
    expect(await r.commits({ path: 'nothing/here.yaml' })).toEqual([]);
    await expect(r.commits({ path: '../outside' })).rejects.toBeInstanceOf(RemoteError);

    // limit
    expect((await r.commits({ path: 'apps/web.yaml', limit: 2 })).map((c) => c.sha)).toEqual([shas[4], shas[2]]);
    expect((await r.commits({ limit: 1 })).map((c) => c.sha)).toEqual([shas[4]]);
    expect(await r.commits({ limit: 0 })).toEqual([]);

    // Other branches: a PR branch's log has main's history below; a missing branch is empty.
    const p = await r.commit({
      parent: head,
      branch: PR,
      write: new Map([['apps/web.yaml', 'v: 2.0.0\n']]),
      delete: [],
      message: 'slipway: promote web 2.0.0\n\nSlipway-Env: production',
    });
    expect((await r.commits({ branch: PR, path: 'apps/web.yaml' })).map((c) => c.sha)).toEqual([p.sha, shas[4], shas[2], shas[0]]);
    expect((await r.commits({ path: 'apps/web.yaml' })).map((c) => c.sha)).toEqual([shas[4], shas[2], shas[0]]);
    expect(await r.commits({ branch: 'slipway/missing' })).toEqual([]);

    // Someone else's commit: their name, and the message as they wrote it.
    const other = otherClone(bare, 'log');
    const theirs = other.push('main', 'apps/web.yaml', 'v: 9\n', 'hand edit\n\nWhy: testing');
    const latest = await r.commits({ path: 'apps/web.yaml', limit: 1 });
    expect(latest).toEqual([
      {
        sha: theirs,
        message: 'hand edit\n\nWhy: testing',
        author: 'Other Person',
        date: git(bare, 'log', '-1', '--format=%aI', theirs).trim(),
        // Its parents, so history can follow the first parent and tell merges apart.
        parents: [git(bare, 'rev-parse', `${theirs}^`).trim()],
      },
    ]);

    // An empty message round-trips as empty.
    const read = await r.read();
    const empty = await r.commit({ parent: read.head, write: new Map([['e', 'e\n']]), delete: [], message: '' });
    expect((await r.commits({ limit: 1 }))[0]).toMatchObject({ sha: empty.sha, message: '' });
  });
});

describe('GitRemote branches over HTTP with a token', () => {
  it('PR branch round-trip, and races between the check and the push are BranchMovedError', async () => {
    const bare = server.createBareRepo('env-branches');
    const url = `${server.url}/env-branches.git`;
    const r = remote(url, 'http-branches', { token: TOKEN });
    fs.writeFileSync(shimLog, '');
    const m1 = await r.commit({ parent: undefined, write: new Map([['app.yaml', 'v: 1\n']]), delete: [], message: 'm1' });
    const main = await r.read();
    expect(main.head).toBe(m1.sha);

    const p1 = await r.commit({
      parent: main.head,
      branch: PR,
      write: new Map([['app.yaml', 'v: 2\n']]),
      delete: [],
      message: 'promote\n\nSlipway-Env: prod',
    });
    expect(lines(git(bare, 'log', '--format=%H', PR))).toEqual([p1.sha, m1.sha]);
    expect(await r.commits({ branch: PR })).toMatchObject([{ sha: p1.sha, message: 'promote\n\nSlipway-Env: prod' }, { sha: m1.sha }]);

    // Someone creates the branch between our check (absent) and our push: rejected, moved.
    const other = otherClone(bare, 'http');
    const race = 'slipway/race';
    fs.writeFileSync(
      beforePush,
      `cd '${other.dir}' && git checkout -q -B tmp origin/main && git -c user.name=O -c user.email=o@x commit -q --allow-empty -m theirs && git push -q origin HEAD:refs/heads/${race}\n`,
    );
    const created = await r
      .commit({ parent: m1.sha, branch: race, write: new Map([['r', 'r\n']]), delete: [], message: 'ours' })
      .catch((e: unknown) => e);
    expect(fs.existsSync(`${beforePush}.ran`)).toBe(true);
    expect(created).toBeInstanceOf(BranchMovedError);
    expect(logLines).toContain(`push rejected: ${race} moved on ${url}`);
    const theirs = git(bare, 'rev-parse', race).trim();
    expect(git(bare, 'log', '-1', '--format=%s', race).trim()).toBe('theirs');

    // Someone moves the PR branch between our check (at p1) and our push: rejected, moved.
    fs.rmSync(`${beforePush}.ran`);
    fs.writeFileSync(
      beforePush,
      `cd '${other.dir}' && git fetch -q origin && git checkout -q -B tmp2 'origin/${PR}' && git -c user.name=O -c user.email=o@x commit -q --allow-empty -m theirs2 && git push -q origin 'HEAD:refs/heads/${PR}'\n`,
    );
    const moved = await r
      .commit({ parent: p1.sha, branch: PR, write: new Map([['z', 'z\n']]), delete: [], message: 'ours' })
      .catch((e: unknown) => e);
    expect(fs.existsSync(`${beforePush}.ran`)).toBe(true);
    expect(moved).toBeInstanceOf(BranchMovedError);
    expect(logLines).toContain(`push rejected: ${PR} moved on ${url}`);
    const theirs2 = git(bare, 'rev-parse', PR).trim();
    expect(git(bare, 'rev-parse', `${PR}^`).trim()).toBe(p1.sha);

    // Re-read, retry: lands on top; main and the other branch untouched.
    const again = await r.read(PR);
    expect(again.head).toBe(theirs2);
    const p2 = await r.commit({ parent: again.head, branch: PR, write: new Map([['z', 'z\n']]), delete: [], message: 'ours' });
    expect(lines(git(bare, 'log', '--format=%H', PR))).toEqual([p2.sha, theirs2, p1.sha, m1.sha]);
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(m1.sha);
    expect(git(bare, 'rev-parse', race).trim()).toBe(theirs);

    // The token went on the wire only.
    expect(server.requests.some((q) => q.authorization === `Basic ${BASIC}` && q.path.endsWith('/git-receive-pack'))).toBe(true);
    const argv = fs.readFileSync(shimLog, 'utf8');
    expect(argv).toMatch(new RegExp(`^git push --porcelain --no-verify origin ${p2.sha}:refs/heads/${PR}$`, 'm'));
    expect(argv).toMatch(new RegExp(`^git fetch .* \\+refs/heads/${PR}:refs/remotes/origin/${PR}$`, 'm'));
    expect(argv).toMatch(/^git log -z /m);
    for (const secret of [TOKEN, BASIC]) {
      expect(argv).not.toContain(secret);
      expect(logLines.join('\n')).not.toContain(secret);
      expect(fs.readFileSync(path.join(tmp, 'cache', 'http-branches', '.git', 'config'), 'utf8')).not.toContain(secret);
      expect(String((moved as Error).cause)).not.toContain(secret);
    }
  });
});
