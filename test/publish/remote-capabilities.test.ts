/**
 * Capabilities of the git hosts: which remote can do what, the one-line error when a command asks
 * a remote for what it cannot do, and the plain git host's review flow (branches merged by
 * `slipway approve`) through the same `PullRequests` interface as GitHub's, against a real bare
 * repo. Remotes are the real classes; constructing them touches no network.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor, errorCode } from '../../src/cli/io.js';
import { RemoteError, type EnvRemote } from '../../src/core/env-remote.js';
import { GitRemote } from '../../src/publish/git-remote.js';
import { GitHubRemote } from '../../src/publish/github-remote.js';
import { capability, CapabilityError, type CapabilityName } from '../../src/core/remote-capabilities.js';

const AUTHOR = { name: 'Slipway Bot', email: 'bot@slipway.test' };
let tmp: string;

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-capabilities-')));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function gitRemote(url: string, name: string): GitRemote {
  return new GitRemote({ url, branch: 'main', cacheDir: path.join(tmp, 'cache', name), author: AUTHOR });
}

function githubRemote(): GitHubRemote {
  return new GitHubRemote({
    owner: 'acme',
    repo: 'env-dev',
    branch: 'main',
    token: 'not-used',
    apiUrl: 'http://127.0.0.1:9/api/v3',
    description: 'test',
  });
}

/** A host module that implements reading and committing only. */
function bareRemote(): EnvRemote {
  return {
    description: 'forge.example/acme/env-dev',
    ensure: async () => ({ created: false }),
    read: async () => ({ head: undefined, blobs: new Map(), read: async () => '' }),
    commits: async () => [],
    commit: async () => ({ sha: '0'.repeat(40) }),
    capabilities: {},
  };
}

describe('capability(remote, name)', () => {
  // Constructing a remote touches nothing: the path need not exist.
  const local = () => gitRemote('/srv/slipway-test/env-dev.git', 'local');
  const url = () => gitRemote('https://git.example.test/acme/env-dev.git', 'url');
  const cases: ReadonlyArray<{ name: string; remote: () => EnvRemote; capability: CapabilityName; error?: string }> = [
    { name: 'GitHub: pull requests', remote: githubRemote, capability: 'pullRequests' },
    { name: 'GitHub: read access', remote: githubRemote, capability: 'readAccess' },
    { name: 'GitHub: branch protection', remote: githubRemote, capability: 'branchProtection' },
    { name: 'GitHub: existence', remote: githubRemote, capability: 'existence' },
    { name: 'git path: review branches', remote: local, capability: 'pullRequests' },
    { name: 'git path: existence', remote: local, capability: 'existence' },
    { name: 'git URL: review branches', remote: url, capability: 'pullRequests' },
    {
      name: 'git path: no deploy keys',
      remote: local,
      capability: 'readAccess',
      error: `/srv/slipway-test/env-dev.git: this remote cannot give Argo CD read access (deploy keys); give Argo CD a repository Secret with read credentials yourself, or make the repo public`,
    },
    {
      name: 'git URL: no branch protection',
      remote: url,
      capability: 'branchProtection',
      error:
        "https://git.example.test/acme/env-dev.git: this remote cannot protect branches; protect the branch in the host's own settings and turn branchProtection off in the env file",
    },
    {
      name: 'git URL: cannot tell whether it exists',
      remote: url,
      capability: 'existence',
      error:
        'https://git.example.test/acme/env-dev.git: this remote cannot tell whether its repo exists; create the repo first, then run again',
    },
    {
      name: 'a host without review',
      remote: bareRemote,
      capability: 'pullRequests',
      error:
        'forge.example/acme/env-dev: this remote cannot take changes through review (pull requests or review branches); set promotion: direct in the env file, or promote with --direct',
    },
  ];

  it.each(cases)('$name', ({ remote, capability: name, error }) => {
    const r = remote();
    if (error === undefined) {
      expect(capability(r, name)).toBe(r.capabilities[name]);
      return;
    }
    expect(() => capability(r, name)).toThrow(CapabilityError);
    expect(() => capability(r, name)).toThrow(error);
  });

  it("a missing capability is the user's to fix: a RemoteError, exit 1, one line", () => {
    let error: unknown;
    try {
      capability(bareRemote(), 'branchProtection');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as CapabilityError).capability).toBe('branchProtection');
    expect(exitCodeFor(error)).toBe(1);
    expect(errorCode(error)).toBe('remote_error');
    expect((error as Error).message).not.toContain('\n');
  });

  it('GitHub titles its merges (hosted pull requests); a plain git remote reviews the pushed branch itself', () => {
    expect(capability(githubRemote(), 'pullRequests').hosted).toBe(true);
    expect(capability(gitRemote('https://git.example.test/acme/env-dev.git', 'hosted'), 'pullRequests').hosted).toBe(false);
  });
});

describe('review branches of a plain git remote, through the PullRequests interface', () => {
  it('existence, propose, pending, merge, merged', async () => {
    const bare = path.join(tmp, 'review', 'env-dev.git');
    const remote = gitRemote(bare, 'review');
    const exists = capability(remote, 'existence');
    expect(await exists.exists()).toBe(false);
    await remote.ensure();
    expect(await exists.exists()).toBe(true);

    const base = await remote.commit({ parent: undefined, write: new Map([['apps/web.yaml', 'tag: 1\n']]), delete: [], message: 'first' });
    const branch = 'slipway/promote-dev-web';
    const { sha: head } = await remote.commit({
      parent: base.sha,
      branch,
      write: new Map([['apps/web.yaml', 'tag: 2\n']]),
      delete: [],
      message: 'promote web 1 → 2',
    });

    const reviews = capability(remote, 'pullRequests');
    await expect(reviews.propose(branch, 'promote web', 'body')).resolves.toBeUndefined();
    await expect(reviews.state(branch, head)).resolves.toEqual({ done: false });
    const open = await reviews.toMerge(branch, head);
    expect(open).toMatchObject({ state: 'open', head });
    if (open.state !== 'open') throw new Error('unreachable');
    expect(open.pullRequest).toBeUndefined();
    expect(open.commits.map((c) => [c.sha, c.message])).toEqual([[head, 'promote web 1 → 2']]);

    const merged = await reviews.merge(open, {
      base: base.sha,
      message: "Merge branch 'slipway/promote-dev-web'\n",
      author: { name: 'Ann', email: 'ann@example.test' },
    });
    const [mergeCommit] = await remote.commits({ limit: 1 });
    expect(mergeCommit).toMatchObject({ sha: merged.sha, author: 'Ann', parents: [base.sha, head] });
    expect(await (await remote.read()).read('apps/web.yaml')).toBe('tag: 2\n');

    await expect(reviews.state(branch, head)).resolves.toEqual({ done: true, reason: 'is merged into main already' });
    await expect(reviews.toMerge(branch, head)).resolves.toEqual({ state: 'merged' });
  });
});
