/**
 * The CLI's contract with scripts and CI (issue 12), through the real executable:
 *
 * - exit codes by error class: a remote that cannot be reached (a stopped git server, a closed
 *   port, a host name that does not resolve, a TLS failure) is 4; a repo that does not exist (404,
 *   a missing local path) is 1;
 * - one line per error on stderr (slipway's sentence with the fix); git's own words only with
 *   --verbose; advice that fits the command;
 * - the platform repo's remote (promote, status): classified as the env repos' remotes are, one
 *   line in slipway's words with the advice of the command that read it;
 * - `plan` over several envs shows every env it reached and one line per env it could not;
 * - --json: one document on stdout, `{command, ok, ...}`, for results and for every error, with
 *   the same exit code as without it;
 * - --version, and with --json its envelope.
 *
 * Real processes, a real git server (test/support/git-server.ts), real sockets; no mocks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { run } from '../support/run.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type StartedGitServer } from '../support/git-server.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { refusedPort } from '../support/refused-port.js';
import { GIT_ID, git } from '../support/git-id.js';
import { commitAsPlatformRepo } from '../support/platform-origin.js';

const TOKEN = 'contract-test-token-0123456789';
/** Each run is killed (with what it started) after this: a hang fails fast instead of stalling the suite. */
const RUN_LIMIT_MS = 40_000;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The `slipway` executable in its own process group, bounded by RUN_LIMIT_MS. */
function slipway(root: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', root, '--no-color', ...args], {
    env: { ...process.env, NO_COLOR: '1', SLIPWAY_GIT_TOKEN: TOKEN, SLIPWAY_RETRY_BASE_MS: '10', SLIPWAY_HOME: home, ...env },
    limitMs: RUN_LIMIT_MS,
  });
}

/** stderr's `error:` lines (warnings about the sample's cluster prerequisites are not errors). */
const errorLines = (r: CliRun) => r.stderr.split('\n').filter((l) => l.startsWith('error:'));
/** stderr without the warning and progress lines: what an error printed. */
const problemLines = (r: CliRun) => r.stderr.split('\n').filter((l) => l !== '' && !/^(warning:|note:|→)/.test(l));

/** The sample platform repo with envs/<env>.yaml's repo set. */
function projectWith(repos: Record<string, string | { github: string; apiUrl: string }>): Project {
  const p = makeProject((proj) => {
    for (const [env, repo] of Object.entries(repos)) {
      proj.editYaml(`envs/${env}.yaml`, (d) => {
        delete d.repoURL;
        if (typeof repo === 'string') d.repo = repo;
        else {
          d.repo = repo.github;
          d.github = { apiUrl: repo.apiUrl };
        }
      });
    }
  });
  projects.push(p);
  return p;
}

let server: StartedGitServer;
/** A git URL where nothing listens: connection refused. */
let stoppedUrl: string;
let tls: https.Server | undefined;
let tlsUrl: string | undefined;
let home: string;
let scratch: string;
const projects: Project[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'slipway-contract-home-'));
  scratch = mkdtempSync(join(tmpdir(), 'slipway-contract-'));
  server = await startGitServer({ token: TOKEN });
  server.createBareRepo('env-production');
  stoppedUrl = `http://127.0.0.1:${await refusedPort()}/env-staging.git`;

  // An https server with a self-signed certificate: git refuses the TLS connection.
  const key = join(scratch, 'key.pem');
  const cert = join(scratch, 'cert.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  if (made.status === 0) {
    tls = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => tls!.listen(0, '127.0.0.1', resolve));
    tlsUrl = `https://127.0.0.1:${(tls.address() as net.AddressInfo).port}/env-staging.git`;
  }
});

afterAll(async () => {
  for (const p of projects) p.cleanup();
  await server?.stop();
  await new Promise<void>((resolve) => (tls ? tls.close(() => resolve()) : resolve()));
  rmSync(home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('exit codes by error class, one line per error', () => {
  it("unreachable remotes are 4, missing repos are 1; git's own words only with --verbose", async () => {
    const port = await refusedPort();
    const cases: Array<{
      name: string;
      repo: string | { github: string; apiUrl: string };
      args?: string[];
      code: number;
      line: RegExp;
      verbose?: RegExp;
    }> = [
      {
        name: 'stopped git server',
        repo: stoppedUrl,
        code: 4,
        line: /^error: staging: http:\/\/127\.0\.0\.1:\d+\/env-staging\.git could not be reached \(git fetch\): nothing answers there \(connection refused\); check the URL and the network, then run again$/,
        verbose: /Failed to connect|Couldn't connect|Connection refused/,
      },
      {
        name: 'closed port (GitHub API)',
        repo: { github: 'platform-org/env-staging', apiUrl: `http://127.0.0.1:${port}` },
        code: 4,
        line: /^error: staging: 127\.0\.0\.1:\d+\/platform-org\/env-staging: reading the repo: GitHub did not answer: nothing answers there \(connection refused\); check the API URL and the network, then run again$/,
      },
      {
        name: 'host name that does not resolve (git)',
        repo: 'https://nonexistent.invalid/x.git',
        code: 4,
        line: /^error: staging: https:\/\/nonexistent\.invalid\/x\.git could not be reached \(git fetch\): the host name does not resolve \(nonexistent\.invalid\); /,
        verbose: /Could not resolve host: nonexistent\.invalid/,
      },
      {
        name: 'host name that does not resolve (GitHub API)',
        repo: { github: 'platform-org/env-staging', apiUrl: 'https://nonexistent.invalid/api/v3' },
        code: 4,
        line: /^error: staging: nonexistent\.invalid\/platform-org\/env-staging: reading the repo: GitHub did not answer: the host name does not resolve/,
      },
      {
        name: 'missing repo (404)',
        repo: `${server.url}/env-missing.git`,
        code: 1,
        line: /^error: staging: git repository not found or not reachable: http:\/\/127\.0\.0\.1:\d+\/env-missing\.git \(check the URL and the token's access\)$/,
        verbose: /repository '.*env-missing\.git\/' not found/,
      },
      ...(tlsUrl
        ? [
            {
              name: 'TLS failure',
              repo: tlsUrl,
              code: 4,
              // OpenSSL builds of curl say "SSL certificate problem: ...", GnuTLS ones "server certificate verification failed ...".
              line: /^error: staging: https:\/\/127\.0\.0\.1:\d+\/env-staging\.git could not be reached \(git fetch\): the TLS connection failed \([^)]*\); check the URL and the server's certificate /,
              verbose: /^ +fatal: unable to access '.*env-staging\.git\/': /m,
            },
          ]
        : []),
    ];
    const runs = await Promise.all(
      cases.map(async (c) => {
        // Two projects: two runs on one platform repo would share (and race for) its env-repo cache.
        const env = { GITHUB_TOKEN: 'ghp_contract-test-token' };
        const [plain, verbose] = await Promise.all([
          slipway(projectWith({ staging: c.repo }).root, ['plan', '--env', 'staging'], env),
          c.verbose
            ? slipway(projectWith({ staging: c.repo }).root, ['--verbose', 'plan', '--env', 'staging'], env)
            : Promise.resolve(undefined),
        ]);
        return { c, plain, verbose };
      }),
    );
    for (const { c, plain, verbose } of runs) {
      expect(plain.code, `${c.name}: ${plain.stderr}`).toBe(c.code);
      expect(problemLines(plain), c.name).toHaveLength(1);
      expect(problemLines(plain)[0], c.name).toMatch(c.line);
      expect(plain.stdout, c.name).toBe('');
      expect(plain.stderr, c.name).not.toMatch(/^\s+at /m);
      expect(plain.stderr, c.name).not.toContain(TOKEN);
      if (c.verbose) {
        expect(verbose!.code, c.name).toBe(c.code);
        expect(errorLines(verbose!), c.name).toHaveLength(1);
        expect(verbose!.stderr, c.name).toMatch(c.verbose);
        expect(plain.stderr, c.name).not.toMatch(c.verbose);
      }
    }
  }, 90_000);

  it('a missing local env repo outside bootstrap: exit 1, advice to bootstrap, not "let slipway create it"', async () => {
    const p = projectWith({});
    const r = await slipway(p.root, ['status', '--env', 'staging']);
    expect(r.code, r.stderr).toBe(1);
    expect(problemLines(r)).toHaveLength(1);
    expect(problemLines(r)[0]).toMatch(
      /^error: .*git repository not found or not reachable: .*\.slipway\/remotes\/staging\.git \(check the path, or run slipway bootstrap to create it\)$/,
    );
    expect(r.stderr).not.toContain('let slipway create it');
  }, 60_000);
});

describe("the platform repo's remote (promote, status)", () => {
  /** The sample as a git checkout whose `origin` is `url`, with the staging env repo bootstrapped. */
  async function checkoutWithRemote(url: string): Promise<Project> {
    const p = projectWith({});
    commitAsPlatformRepo(p.root);
    git(p.root, 'remote', 'add', 'origin', url);
    // The person's own credentials for the server (the platform remote is reached as they reach it).
    git(p.root, 'config', 'http.extraHeader', `Authorization: Bearer ${TOKEN}`);
    const boot = await slipway(p.root, ['bootstrap', '--env', 'staging', '-q'], GIT_ID);
    expect(boot.code, boot.stderr).toBe(0);
    return p;
  }

  it("stopped (4), missing on the server (1), a missing path (1): one line in slipway's words, each command's own advice", async () => {
    const origin = (missing: string) => `the platform repo's remote origin \\(${missing}\\)`;
    const cases = [
      {
        name: 'stopped server',
        url: `http://127.0.0.1:${await refusedPort()}/platform.git`,
        code: 4,
        problem: `${origin('http://127\\.0\\.0\\.1:\\d+/platform\\.git')} could not be reached \\(git ls-remote\\): nothing answers there \\(connection refused\\)`,
        verbose: /Failed to connect|Couldn't connect|Connection refused/,
      },
      {
        name: 'missing repo (404)',
        url: `${server.url}/platform-missing.git`,
        code: 1,
        problem: `${origin('http://127\\.0\\.0\\.1:\\d+/platform-missing\\.git')} was not found \\(git ls-remote\\): no repository there`,
        verbose: /repository '.*platform-missing\.git\/' not found/,
      },
      {
        name: 'missing local path',
        url: join(scratch, 'no-such-platform.git'),
        code: 1,
        problem: `${origin('/.*/no-such-platform\\.git')} was not found \\(git ls-remote\\): there is no such path`,
        verbose: /does not appear to be a git repository/,
      },
    ];
    const runs = await Promise.all(
      cases.map(async (c) => {
        const p = await checkoutWithRemote(c.url);
        const promote = await slipway(p.root, ['promote', 'go-demo-9', '0.0.2', '--env', 'staging'], GIT_ID);
        const verbose = await slipway(p.root, ['--verbose', 'promote', 'go-demo-9', '0.0.2', '--env', 'staging'], GIT_ID);
        const status = await slipway(p.root, ['status', '--env', 'staging'], GIT_ID);
        const json = await slipway(p.root, ['status', '--env', 'staging', '--json'], GIT_ID);
        return { c, p, promote, verbose, status, json };
      }),
    );
    for (const { c, p, promote, verbose, status, json } of runs) {
      expect(promote.code, `${c.name}: ${promote.stderr}`).toBe(c.code);
      expect(problemLines(promote), c.name).toEqual([expect.stringMatching(new RegExp(`^error: ${c.problem}; `))]);
      expect(problemLines(promote)[0], c.name).toMatch(
        c.code === 4
          ? /; run again once it answers, or use --no-push; nothing was written$/
          : /; check the remote \(git remote -v\) and your access to it, or use --no-push; nothing was written$/,
      );
      expect(promote.stderr, c.name).not.toMatch(c.verbose);
      expect(verbose.code, c.name).toBe(c.code);
      expect(verbose.stderr, c.name).toMatch(c.verbose);
      // Nothing written: the env repo and envs/ as bootstrapped.
      expect(p.read('envs/staging.yaml'), c.name).toContain('go-demo-9:\n    tag: "0.0.1"');

      // status: the table, then one line of its own (no promote advice); the exit code of the class.
      expect(status.code, `${c.name}: ${status.stderr}`).toBe(c.code);
      expect(status.stdout, c.name).toMatch(/^go-demo-9\s+staging\s+0\.0\.1\s+0\.0\.1\s+in sync$/m);
      expect(problemLines(status), c.name).toEqual([expect.stringMatching(new RegExp(`^error: ${c.problem}; `))]);
      expect(problemLines(status)[0], c.name).toMatch(
        c.code === 4
          ? /; envs\/ was compared with the env repos only; run slipway status again once it answers$/
          : /; check the remote \(git remote -v\) and your access to it; envs\/ was compared with the env repos only$/,
      );
      expect(status.stderr + status.stdout, c.name).not.toMatch(/--no-push|nothing was written/);
      expect(status.stderr, c.name).not.toMatch(c.verbose);
      expect(json.code, c.name).toBe(c.code);
      expect(JSON.parse(json.stdout), c.name).toMatchObject({
        command: 'status',
        ok: false,
        exitCode: c.code,
        error: { code: c.code === 4 ? 'remote_unavailable' : 'remote_not_found', exitCode: c.code },
        platform: { remote: 'origin' },
      });
    }
  }, 120_000);

  it("a platform push the server answers 503: exit 4, one line in slipway's words, curl's only with --verbose", async () => {
    server.createBareRepo('platform-503');
    const p = await checkoutWithRemote(`${server.url}/platform-503.git`);
    // Not git() (spawnSync): the server answers from this process.
    const pushed = await run('git', ['push', '-q', '-u', 'origin', 'main'], {
      cwd: p.root,
      env: { ...process.env, ...GIT_ID },
      limitMs: RUN_LIMIT_MS,
    });
    expect(pushed.code, pushed.stderr).toBe(0);
    server.rejectPushes(2);
    const [plain, verbose] = [
      await slipway(p.root, ['promote', 'go-demo-9', '0.0.2', '--env', 'staging'], GIT_ID),
      await slipway(p.root, ['--verbose', 'promote', 'devops-paradox', '1.72', '--env', 'staging'], GIT_ID),
    ];
    server.rejectPushes(0);
    expect(plain.code, plain.stderr).toBe(4);
    expect(problemLines(plain)).toEqual([
      expect.stringMatching(
        /^error: go-demo-9 0\.0\.2 is committed to .*staging\.git \([0-9a-f]{12}\), but pushing envs\/staging\.yaml to origin main failed \(the server answered 503\): run slipway pull --env staging once that is fixed$/,
      ),
    ]);
    expect(plain.stderr).not.toMatch(/returned error|unable to access/);
    expect(verbose.code, verbose.stderr).toBe(4);
    expect(verbose.stderr).toMatch(/returned error: 503/);
  }, 60_000);
});

describe('plan over several envs', () => {
  it('shows every env it reached and one line per env it could not; exit 4; the same in --json', async () => {
    const p = projectWith({ production: stoppedUrl.replace('env-staging', 'env-production') });
    const [text, json] = await Promise.all([slipway(p.root, ['plan']), slipway(p.root, ['plan', '--json'])]);

    expect(text.code, text.stderr).toBe(4);
    expect(text.stdout).toMatch(/^env staging: .*staging\.git \(no commit yet\)$/m);
    expect(text.stdout).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/m);
    expect(text.stdout).not.toContain('env production');
    expect(problemLines(text)).toEqual([
      expect.stringMatching(
        /^error: production: http:\/\/127\.0\.0\.1:\d+\/env-production\.git could not be reached \(git fetch\): nothing answers there/,
      ),
    ]);

    expect(json.code).toBe(4);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ command: 'plan', ok: false, exitCode: 4, changesPending: true });
    expect(doc.envs.map((e: { env: string }) => e.env)).toEqual(['staging']);
    expect(doc.error).toMatchObject({ code: 'remote_unavailable', env: 'production', exitCode: 4 });
    expect(doc.errors).toHaveLength(1);
  }, 60_000);
});

describe('status over several envs', () => {
  it('shows the rows of every env it reached and one line per env it could not; exit 4; the same in --json', async () => {
    const p = projectWith({ production: stoppedUrl.replace('env-staging', 'env-production') });
    const boot = await slipway(p.root, ['bootstrap', '--env', 'staging']);
    expect(boot.code, boot.stderr).toBe(0);
    const [text, json] = await Promise.all([slipway(p.root, ['status']), slipway(p.root, ['status', '--json'])]);

    expect(text.code, text.stderr).toBe(4);
    expect(text.stdout).toMatch(/^go-demo-9\s+staging\s+0\.0\.1\s+0\.0\.1\s+in sync$/m);
    expect(text.stdout).not.toMatch(/production/);
    expect(problemLines(text)).toEqual([
      expect.stringMatching(/^error: production: http:\/\/127\.0\.0\.1:\d+\/env-production\.git could not be reached/),
    ]);

    expect(json.code).toBe(4);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ command: 'status', ok: false, exitCode: 4, error: { code: 'remote_unavailable', env: 'production' } });
    expect(new Set(doc.rows.map((r: { env: string }) => r.env))).toEqual(new Set(['staging']));
  }, 60_000);
});

describe('--json: one document on stdout for every outcome', () => {
  it('synth and synth --check print a document; out/ out of date is exit 1 with an error document', async () => {
    const p = projectWith({});
    const synth = await slipway(p.root, ['synth', '--json']);
    expect(synth.code, synth.stderr).toBe(0);
    const written = JSON.parse(synth.stdout);
    expect(written).toMatchObject({ command: 'synth', ok: true, outDir: 'out/', apps: 3, envs: ['production', 'staging'] });
    expect(written.files).toBeGreaterThan(50);

    const fresh = await slipway(p.root, ['synth', '--check', '--json']);
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ command: 'synth', ok: true, check: true, upToDate: true, differences: [] });

    writeFileSync(join(p.root, 'out/envs/staging/README.md'), 'edited\n');
    const stale = await slipway(p.root, ['synth', '--check', '--json']);
    expect(stale.code).toBe(1);
    expect(JSON.parse(stale.stdout)).toMatchObject({
      command: 'synth',
      ok: false,
      exitCode: 1,
      upToDate: false,
      error: { code: 'out_of_date', message: 'out/ is not what the sources generate (run npm run synth)' },
      differences: [{ action: 'update', path: 'envs/staging/README.md' }],
    });
  }, 60_000);

  it('bad input: the error document names file, line and field, same exit code, nothing else on stdout', async () => {
    const p = projectWith({});
    p.editYaml('envs/production.yaml', (d) => {
      delete d.apps['devops-toolkit'].tag;
    });
    const [text, json] = await Promise.all([slipway(p.root, ['validate']), slipway(p.root, ['validate', '--json'])]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    // editYaml rewrites the file without its comments: devops-toolkit's key is on line 23.
    expect(errorLines(text)).toEqual(['error: envs/production.yaml:23: apps.devops-toolkit.tag: required']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      command: 'validate',
      ok: false,
      exitCode: 1,
      error: {
        code: 'invalid_input',
        message: 'envs/production.yaml:23: apps.devops-toolkit.tag: required',
        exitCode: 1,
        file: 'envs/production.yaml',
        line: 23,
        field: 'apps.devops-toolkit.tag',
      },
      errors: [
        {
          code: 'invalid_input',
          message: 'envs/production.yaml:23: apps.devops-toolkit.tag: required',
          exitCode: 1,
          file: 'envs/production.yaml',
          line: 23,
          field: 'apps.devops-toolkit.tag',
        },
      ],
    });
  }, 60_000);

  it('usage errors: one line; under --json the document; validate --json succeeds inside the envelope', async () => {
    const p = projectWith({});
    const [usage, usageJson, valid] = await Promise.all([
      slipway(p.root, ['plan', '--bogus']),
      slipway(p.root, ['plan', '--bogus', '--json']),
      slipway(p.root, ['validate', '--json']),
    ]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toBe("error: unknown option '--bogus' (--help shows the usage)\n");
    expect(usageJson.code).toBe(1);
    expect(JSON.parse(usageJson.stdout)).toMatchObject({
      command: 'plan',
      ok: false,
      exitCode: 1,
      error: { code: 'usage', message: "unknown option '--bogus'" },
    });
    expect(valid.code, valid.stderr).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ command: 'validate', ok: true, valid: true, envs: ['production', 'staging'] });
  }, 60_000);

  it('history -n takes a whole number only, refused before any remote is read', async () => {
    const p = projectWith({});
    const bad = await slipway(p.root, ['history', 'go-demo-9', '--env', 'staging', '-n', 'abc']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("error: --limit 'abc': expected a whole number of entries from 1 to 999999\n");
  }, 60_000);
});

describe('--version', () => {
  it("prints package.json's version, alone or after global options", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const p = projectWith({});
    const [alone, short, late] = await Promise.all([spawnPlain(['--version']), spawnPlain(['-V']), slipway(p.root, ['--version'])]);
    for (const r of [alone, short, late]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  }, 60_000);

  it('with --json: the envelope, {"command": "version", "ok": true, "version"}, from main(); alone, the bare version from the fast path', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const p = projectWith({});
    // Only `--version` (or `-V`) alone takes the launcher's fast path; anything beside it goes to main().
    const [alone, ...runs] = await Promise.all([
      spawnPlain(['-V']),
      spawnPlain(['--json', '--version']),
      spawnPlain(['-V', '--json']),
      slipway(p.root, ['--version', '--json']),
    ]);
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout).toBe(`${version}\n`);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ command: 'version', ok: true, version });
    }
  }, 60_000);
});

/** `slipway <args>` with nothing in front (the fast path for `slipway --version`). */
function spawnPlain(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
