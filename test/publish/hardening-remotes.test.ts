/**
 * Hardening of what slipway does with remotes and their settings (issue 11):
 *
 * - a remote that accepts connections and never answers (git over http and ssh, the GitHub API):
 *   plan, bootstrap and promote end with exit 4 and one line, in about SLIPWAY_GIT_TIMEOUT /
 *   SLIPWAY_HTTP_TIMEOUT seconds; bad timeout values are one line, exit 1;
 * - tokens with a newline, another control character or surrounding whitespace are refused
 *   locally (exit 1, one line, the token never shown), before any connection;
 * - SLIPWAY_HOME inside a git work tree is refused before bootstrap writes anything;
 * - a CRLF env file keeps CRLF on every line when promote edits it.
 *
 * Every CLI run here is bounded (killed with its process group after RUN_LIMIT_MS), so a
 * regression fails in seconds instead of hanging the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { run } from '../support/run.js';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTags } from '../../src/promotion/env-file-edit.js';
import { checkSlipwayHome } from '../../src/publish/argocd-access.js';
import { checkSecret } from '../../src/core/secret-check.js';
import { remoteTimeouts } from '../../src/publish/remote-settings.js';
import { startGitHubServer, type StartedGitHubServer } from '../support/github-server/index.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { startSilentServer, type StartedSilentServer } from '../support/silent-server.js';

/** Far above the 2 s timeouts used here, far below the hang it guards against. */
const RUN_LIMIT_MS = 25_000;

interface BoundedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Killed at RUN_LIMIT_MS: it hung. */
  hung: boolean;
  pid: number;
}

/** The CLI in its own process group, killed (with everything it started) at RUN_LIMIT_MS. */
function slipway(root: string, args: string[], env: Record<string, string | undefined>): Promise<BoundedRun> {
  return run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', root, '--no-color', ...args], {
    env: { ...process.env, SLIPWAY_RETRY_BASE_MS: '50', SLIPWAY_HOME: home, ...env },
    limitMs: RUN_LIMIT_MS,
  });
}

/** stderr's lines, trailing empty line dropped. */
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** Exit 4 within the bound, and exactly one line on stderr (run with --quiet), no stack. */
function expectUnanswered(r: BoundedRun, line: RegExp, name: string): void {
  expect(r.hung, `${name}: still running after ${RUN_LIMIT_MS} ms:\n${r.stderr}`).toBe(false);
  expect(r.code, `${name}: ${r.stderr}`).toBe(4);
  expect(r.ms, name).toBeLessThan(20_000);
  expect(lines(r.stderr), name).toHaveLength(1);
  expect(lines(r.stderr)[0], name).toMatch(line);
  expect(r.stderr, name).not.toMatch(/^\s+at /m);
}

/** Exit 1 and exactly `line` on stderr. */
function expectRefused(r: BoundedRun, line: string): void {
  expect(r.hung, `still running after ${RUN_LIMIT_MS} ms:\n${r.stderr}`).toBe(false);
  expect(lines(r.stderr), r.stderr).toEqual([line]);
  expect(r.code).toBe(1);
}

/** Processes (Linux) still carrying the mark of a git run of the CLI process `pid`. */
function leftoverGitProcesses(pid: number): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  const needle = Buffer.from(`SLIPWAY_GIT_RUN=${pid}.`);
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`).includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

let silent: StartedSilentServer;
let gitProject: Project;
let githubProject: Project;
/** Outside every git work tree, so bootstrap's home check passes wherever the suite runs. */
let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'slipway-home-'));
  silent = await startSilentServer();
  gitProject = makeProject((p) => {
    p.editYaml('envs/staging.yaml', (d) => {
      d.repo = `${silent.url}/env-staging.git`;
      delete d.repoURL;
    });
  });
  githubProject = makeProject((p) => {
    p.editYaml('envs/staging.yaml', (d) => {
      d.repo = 'platform-org/env-staging';
      d.github = { apiUrl: silent.url };
      delete d.repoURL;
    });
  });
});

afterAll(async () => {
  gitProject?.cleanup();
  githubProject?.cleanup();
  await silent?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('a remote that accepts connections and never answers', () => {
  const git = { SLIPWAY_GIT_TIMEOUT: '2', SLIPWAY_GIT_TOKEN: 'git-token-hardening-0001' };
  const github = { SLIPWAY_HTTP_TIMEOUT: '2', GITHUB_TOKEN: 'gh-token-hardening-0001' };
  const gitLine =
    /^error: (staging: )?http:\/\/127\.0\.0\.1:\d+\/env-staging\.git did not answer in 2 s \(git (fetch|ls-remote)\); check the network and the URL, then run again; SLIPWAY_GIT_TIMEOUT sets the limit$/;
  const githubLine =
    /^error: (staging: )?127\.0\.0\.1:\d+\/platform-org\/env-staging did not answer in 2 s \((reading the repo|reading branch main)\); check the network and the API URL, then run again; SLIPWAY_HTTP_TIMEOUT sets the limit$/;
  // No curl for ssh: the process deadline, 3 × 2 s + 2 s of silence.
  const sshLine = /^error: (staging: )?ssh:\/\/git@127\.0\.0\.1:\d+\/env-staging\.git did not answer in 8 s \(git fetch\); /;
  const commands: Record<string, string[]> = {
    plan: ['plan', '--env', 'staging'],
    bootstrap: ['bootstrap', '--env', 'staging'],
    promote: ['promote', 'go-demo-9', '0.0.2', '--env', 'staging'],
  };
  const haveSsh = spawnSync('ssh', ['-V']).error === undefined;

  // The runs of each test go side by side (each in its own project where they would share a clone).
  it('git (http, and ssh where installed): plan, bootstrap, promote: exit 4 and one line; nothing git started is left', async () => {
    const cases = [
      ...Object.entries(commands).map(([name, args]) => ({
        name: `http ${name}`,
        args,
        repo: `${silent.url}/env-staging.git`,
        line: gitLine,
      })),
      ...(haveSsh
        ? [{ name: 'ssh plan', args: commands.plan!, repo: `ssh://git@127.0.0.1:${silent.port}/env-staging.git`, line: sshLine }]
        : []),
    ];
    const projects = cases.map((c) =>
      makeProject((x) =>
        x.editYaml('envs/staging.yaml', (d) => {
          d.repo = c.repo;
          delete d.repoURL;
        }),
      ),
    );
    try {
      const before = silent.connections();
      const runs = await Promise.all(cases.map((c, i) => slipway(projects[i]!.root, ['--quiet', ...c.args], git)));
      runs.forEach((r, i) => {
        expectUnanswered(r, cases[i]!.line, cases[i]!.name);
        expect(r.stderr).not.toContain(git.SLIPWAY_GIT_TOKEN);
        expect(leftoverGitProcesses(r.pid), cases[i]!.name).toEqual([]);
      });
      expect(silent.connections()).toBeGreaterThanOrEqual(before + cases.length); // each did reach the server
    } finally {
      for (const p of projects) p.cleanup();
    }
  }, 40_000);

  it('GitHub: plan, bootstrap, promote: exit 4 and one line in about SLIPWAY_HTTP_TIMEOUT, no retries', async () => {
    const before = silent.requests();
    const runs = await Promise.all(Object.values(commands).map((args) => slipway(githubProject.root, ['--quiet', ...args], github)));
    runs.forEach((r, i) => {
      const name = Object.keys(commands)[i]!;
      expectUnanswered(r, githubLine, name);
      expect(r.ms, name).toBeLessThan(12_000); // one request's 2 s, not four of them plus backoff
      expect(r.stderr).not.toContain(github.GITHUB_TOKEN);
    });
    expect(silent.requests()).toBe(before + runs.length); // one request each: not retried
  }, 40_000);
});

describe('timeout settings', () => {
  it('bad values: one line naming the variable, exit 1', async () => {
    const [git, http] = await Promise.all([
      slipway(gitProject.root, ['plan', '--env', 'staging'], { SLIPWAY_GIT_TIMEOUT: '2s' }),
      slipway(githubProject.root, ['plan', '--env', 'staging'], { SLIPWAY_HTTP_TIMEOUT: '0', GITHUB_TOKEN: 'gh-token-hardening-0002' }),
    ]);
    expectRefused(git, 'error: SLIPWAY_GIT_TIMEOUT="2s": expected a whole number of seconds from 1 to 3600 (default 60)');
    expectRefused(http, 'error: SLIPWAY_HTTP_TIMEOUT="0": expected a whole number of seconds from 1 to 3600 (default 30)');
  }, 30_000);

  it.each([
    { env: {}, expected: { gitSeconds: 60, httpMs: 30_000 } },
    { env: { SLIPWAY_GIT_TIMEOUT: '5', SLIPWAY_HTTP_TIMEOUT: '3600' }, expected: { gitSeconds: 5, httpMs: 3_600_000 } },
    { env: { SLIPWAY_GIT_TIMEOUT: '', SLIPWAY_HTTP_TIMEOUT: '' }, expected: { gitSeconds: 60, httpMs: 30_000 } },
    { env: { SLIPWAY_HTTP_TIMEOUT_MS: '1500' }, expected: { gitSeconds: 60, httpMs: 1500 } },
    { env: { SLIPWAY_HTTP_TIMEOUT: '7', SLIPWAY_HTTP_TIMEOUT_MS: '1500' }, expected: { gitSeconds: 60, httpMs: 7000 } },
  ])('accepted: $env', ({ env, expected }) => {
    expect(remoteTimeouts(env)).toEqual(expected);
  });

  it.each(['abc', '-1', '1.5', '0', '3601', ' 5', '1e3', '0x10'])('refused: SLIPWAY_GIT_TIMEOUT=%j', (value) => {
    expect(() => remoteTimeouts({ SLIPWAY_GIT_TIMEOUT: value })).toThrow(
      `SLIPWAY_GIT_TIMEOUT=${JSON.stringify(value)}: expected a whole number of seconds from 1 to 3600 (default 60)`,
    );
  });
});

describe('tokens are checked before use', () => {
  it('a bad GITHUB_TOKEN, GH_TOKEN or SLIPWAY_GIT_TOKEN: one line, exit 1, no connection, the token never shown', async () => {
    const cases = [
      {
        name: 'GITHUB_TOKEN with a newline inside',
        project: githubProject,
        env: { GITHUB_TOKEN: 'ghp_hard\nening0003' },
        line: 'error: GITHUB_TOKEN contains a newline; remove it',
      },
      {
        name: 'GITHUB_TOKEN with a trailing newline',
        project: githubProject,
        env: { GITHUB_TOKEN: 'ghp_hardening0004\n' },
        line: 'error: GITHUB_TOKEN contains a newline; remove it',
      },
      {
        name: 'GITHUB_TOKEN with a trailing space',
        project: githubProject,
        env: { GITHUB_TOKEN: 'ghp_hardening0005 ' },
        line: 'error: GITHUB_TOKEN starts or ends with whitespace; remove it',
      },
      {
        name: 'GH_TOKEN with a control character',
        project: githubProject,
        env: { GITHUB_TOKEN: '', GH_TOKEN: 'ghp_hard\u0007ening0006' },
        line: 'error: GH_TOKEN contains a control character (U+0007); remove it',
      },
      {
        name: 'SLIPWAY_GIT_TOKEN with a newline',
        project: gitProject,
        env: { SLIPWAY_GIT_TOKEN: 'glpat-hardening0007\r\n' },
        line: 'error: SLIPWAY_GIT_TOKEN contains a newline; remove it',
      },
      {
        name: 'SLIPWAY_GIT_TOKEN with a leading space',
        project: gitProject,
        env: { SLIPWAY_GIT_TOKEN: ' glpat-hardening0008' },
        line: 'error: SLIPWAY_GIT_TOKEN starts or ends with whitespace; remove it',
      },
    ];
    const before = silent.connections();
    const runs = await Promise.all(
      cases.map((c) =>
        slipway(c.project.root, ['plan', '--env', 'staging'], { SLIPWAY_GIT_TIMEOUT: '2', SLIPWAY_HTTP_TIMEOUT: '2', ...c.env }),
      ),
    );
    runs.forEach((r, i) => {
      const c = cases[i]!;
      expect(r.hung, c.name).toBe(false);
      expect(lines(r.stderr), c.name).toEqual([c.line]);
      expect(r.code, c.name).toBe(1);
      const token = Object.values(c.env)
        .find((v) => v !== '')!
        .trim();
      for (const part of token.split(/[\s\u0007]+/)) expect(r.stdout + r.stderr, c.name).not.toContain(part);
    });
    expect(silent.connections()).toBe(before); // refused locally
  }, 40_000);

  it.each([
    ['tok\nen', 'contains a newline'],
    ['token\u2028', 'contains a newline'],
    ['tok\ten', 'contains a control character (U+0009)'],
    ['token\u007f', 'contains a control character (U+007F)'],
    ['\u00a0token', 'starts or ends with whitespace'],
  ])('checkSecret(%j): %s', (value, problem) => {
    expect(() => checkSecret('SLIPWAY_GIT_TOKEN', value)).toThrow(`SLIPWAY_GIT_TOKEN ${problem}; remove it`);
  });

  it('a plain token passes unchanged', () => {
    expect(checkSecret('GITHUB_TOKEN', 'ghp_ABCdef012+/=')).toBe('ghp_ABCdef012+/=');
  });
});

describe('SLIPWAY_HOME inside a git work tree', () => {
  let server: StartedGitHubServer;
  let project: Project;
  const TOKEN = 'test-token-hardening-home';

  beforeAll(async () => {
    server = await startGitHubServer({ token: TOKEN, orgs: ['platform-org'] });
    project = makeProject((p) => {
      p.editYaml('envs/staging.yaml', (d) => {
        d.repo = 'platform-org/env-staging';
        d.github = { apiUrl: server.url };
        delete d.repoURL;
      });
    });
    expect(spawnSync('git', ['init', '--quiet', project.root]).status).toBe(0);
  });
  afterAll(async () => {
    project?.cleanup();
    await server?.stop();
  });

  it('bootstrap refuses before any request: one line, exit 1, no key written; plan is not affected', async () => {
    const home = join(project.root, '.home');
    const tree = realpathSync(project.root);
    const r = await slipway(project.root, ['bootstrap', '--env', 'staging'], { GITHUB_TOKEN: TOKEN, SLIPWAY_HOME: home });
    expectRefused(
      r,
      `error: SLIPWAY_HOME (${home}) is inside the git work tree ${tree}: the Argo CD deploy key written there could be committed; set SLIPWAY_HOME to a folder outside every repository`,
    );
    expect(server.requests).toEqual([]);
    expect(existsSync(home)).toBe(false);

    // The default home (XDG_CONFIG_HOME/slipway) is checked the same way.
    const xdg = await slipway(project.root, ['bootstrap', '--env', 'staging'], {
      GITHUB_TOKEN: TOKEN,
      SLIPWAY_HOME: '',
      XDG_CONFIG_HOME: join(project.root, 'config'),
    });
    expectRefused(
      xdg,
      `error: slipway's home (${join(project.root, 'config', 'slipway')}, the default for SLIPWAY_HOME) is inside the git work tree ${tree}: the Argo CD deploy key written there could be committed; set SLIPWAY_HOME to a folder outside every repository`,
    );
    expect(server.requests).toEqual([]);

    const plan = await slipway(project.root, ['plan', '--env', 'staging'], { GITHUB_TOKEN: TOKEN, SLIPWAY_HOME: home });
    expect(plan.code, plan.stderr).toBe(2);
  }, 60_000);

  it('checkSlipwayHome: through a symlink into a work tree, refused; outside every work tree, accepted', () => {
    const outside = mkdtempSync(join(tmpdir(), 'slipway-home-'));
    try {
      const link = join(outside, 'link');
      symlinkSync(project.root, link, 'dir');
      expect(() => checkSlipwayHome(join(link, 'not', 'yet', 'there'), { SLIPWAY_HOME: 'x' })).toThrow(
        `is inside the git work tree ${realpathSync(project.root)}`,
      );
      mkdirSync(join(outside, 'home'));
      expect(() => checkSlipwayHome(join(outside, 'home', 'later'), { SLIPWAY_HOME: 'x' })).not.toThrow();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('CRLF env files', () => {
  const LF = [
    '# env file',
    'name: staging',
    'apps:',
    '  web:',
    '    tag: "1.0" # pinned by hand',
    '    replicas: 2',
    '  api:',
    '    # the API',
    '    tag: 2.0',
    '',
    '# end',
    '',
  ].join('\n');

  it('setTags keeps CRLF on every line, and edits exactly as for the LF file', () => {
    const tags = new Map([
      ['web', '1.1'],
      ['api', '2.1'],
    ]);
    const out = setTags(LF.replace(/\n/g, '\r\n'), tags, 'envs/staging.yaml');
    expect(out).not.toMatch(/(?<!\r)\n/); // no lone LF
    expect(out).not.toMatch(/\r(?!\n)/); // no lone CR
    expect(out).toBe(setTags(LF, tags, 'envs/staging.yaml').replace(/\n/g, '\r\n'));
    expect(out).toContain('    tag: "1.1" # pinned by hand\r\n');
    // An LF file stays LF.
    expect(setTags(LF, tags, 'envs/staging.yaml')).not.toContain('\r');
  });

  it('promote edits a CRLF envs/<env>.yaml in place: the tag line changes, every line keeps CRLF', async () => {
    const p = makeProject((x) => x.write('envs/staging.yaml', x.read('envs/staging.yaml').replace(/\r?\n/g, '\r\n')));
    try {
      const before = p.read('envs/staging.yaml');
      expect((await slipway(p.root, ['-q', 'bootstrap', '--env', 'staging'], {})).code).toBe(0);
      const r = await slipway(p.root, ['-q', 'promote', 'go-demo-9', '0.0.2', '--env', 'staging'], {});
      expect(r.code, r.stderr).toBe(0);
      const after = p.read('envs/staging.yaml');
      expect(after).not.toMatch(/(?<!\r)\n/);
      const changed = after.split('\r\n').filter((line, i) => line !== before.split('\r\n')[i]);
      expect(changed).toEqual(['    tag: "0.0.2"']);
    } finally {
      p.cleanup();
    }
  }, 60_000);
});
