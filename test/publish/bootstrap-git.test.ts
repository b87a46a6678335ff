/**
 * bootstrap and plan with env repos on a plain git server (simple-git), and on local bare repos
 * (the sample's offline default): the token reaches git only through the environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { readTree } from '../../src/write/out-dir.js';
import { writeGitShim } from '../support/git-shim.js';
import { startGitServer, type StartedGitServer } from '../support/git-server.js';
import { run, type Run } from '../support/run.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';

const TOKEN = 'glpat-secret-token-0123456789abcdef';
let server: StartedGitServer;
let project: Project;
let shimParent: string;
let shimDir: string;
let argvLog: string;

/** The CLI with a PATH shim in front of git that logs every git process's arguments. */
function slipway(args: string[]): Promise<Run> {
  return run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', project.root, '--no-color', '--verbose', ...args], {
    env: {
      ...process.env,
      PATH: `${shimDir}${delimiter}${process.env.PATH}`,
      SLIPWAY_GIT_TOKEN: TOKEN,
      SLIPWAY_HOME: join(project.root, '.home'),
    },
  });
}

function filesUnder(dir: string): string {
  return [...readTree(dir).values()].join('\n');
}

beforeAll(async () => {
  server = await startGitServer({ token: TOKEN });
  shimParent = mkdtempSync(join(tmpdir(), 'slipway-shim-'));
  ({ dir: shimDir, log: argvLog } = writeGitShim(shimParent));
  server.createBareRepo('env-staging');
  project = makeProject((p) => {
    p.editYaml('envs/staging.yaml', (d) => {
      d.repo = `${server.url}/env-staging.git`;
      delete d.repoURL;
    });
  });
});

afterAll(async () => {
  project?.cleanup();
  await server?.stop();
  rmSync(shimParent, { recursive: true, force: true });
});

describe('bootstrap to a git server over https-style auth', () => {
  it('commits what synth generates; the token is sent, yet never on disk, in argv or in any output', async () => {
    writeFileSync(argvLog, '');
    expect((await slipway(['synth'])).code).toBe(0);
    const plan = await slipway(['plan', '--env', 'staging']);
    expect(plan.code, plan.stderr).toBe(2);
    const boot = await slipway(['bootstrap', '--env', 'staging']);
    expect(boot.code, boot.stderr).toBe(0);

    // What the server holds equals out/envs/staging (read straight from the bare repo).
    const dir = mkdtempSync(join(tmpdir(), 'slipway-check-'));
    expect(spawnSync('git', ['clone', '--quiet', join(server.root, 'env-staging.git'), dir]).status).toBe(0);
    const tree = readTree(dir);
    for (const k of [...tree.keys()]) if (k.startsWith('.git/')) tree.delete(k);
    expect(tree).toEqual(readTree(join(project.root, 'out', 'envs', 'staging')));
    rmSync(dir, { recursive: true, force: true });

    expect(server.requests.some((r) => r.authorization?.startsWith('Basic '))).toBe(true);
    const cache = join(project.root, '.slipway', 'cache', 'staging');
    expect(existsSync(join(cache, '.git', 'config'))).toBe(true);
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    for (const secret of [TOKEN, basic]) {
      expect(readFileSync(join(cache, '.git', 'config'), 'utf8')).not.toContain(secret);
      expect(filesUnder(join(cache, '.git'))).not.toContain(secret);
      expect(readFileSync(argvLog, 'utf8')).not.toContain(secret);
      for (const r of [plan, boot]) expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(readFileSync(argvLog, 'utf8')).toMatch(/^git push /m); // the shim saw the push itself
    // --verbose names the env of each git command (status reads several env repos at once).
    expect(boot.stderr).toMatch(/^staging: git fetch /m);
    expect(boot.stderr).not.toMatch(/^git /m);

    const again = await slipway(['bootstrap', '--env', 'staging']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already up to date; no commit');
    // The hand-over comes once, with the repo; later only when asked for.
    expect(boot.stdout).toContain('Hand staging over to Argo CD');
    // The hand-over's context as bootstrap builds it from the whole platform (handOverContext):
    // the peer env that brings staging's controllers, and the Secrets staging's apps need.
    expect(boot.stdout).toContain("  # First hand over production: Argo CD and every controller staging's apps run on come from its repo");
    expect(boot.stdout).toContain('  kubectl create secret generic go-demo-9-db --namespace staging --from-literal=password=...');
    expect(again.stdout).not.toContain('Hand staging over');
    const asked = await slipway(['bootstrap', '--env', 'staging', '--handover']);
    expect(asked.stdout).toContain('Hand staging over to Argo CD');
  }, 60_000);

  it('a wrong token: one line naming the remote, not the token; exit 1', async () => {
    const r = await run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', project.root, 'plan', '--env', 'staging'], {
      env: { ...process.env, SLIPWAY_GIT_TOKEN: 'wrong-token-value-123' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: .*authentication failed for ${server.url.replace(/[.]/g, '\\.')}/env-staging\\.git`, 'm'));
    expect(r.stderr).not.toContain('wrong-token-value-123');
  }, 30_000);
});

describe('the offline default: local bare repos', () => {
  it('bootstrap creates the bare repos, commits once, and a second run changes nothing', async () => {
    const local = makeProject();
    try {
      const cli = (args: string[]) => run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', local.root, ...args]);
      expect((await cli(['synth'])).code).toBe(0);
      const boot = await cli(['bootstrap']);
      expect(boot.code, boot.stderr).toBe(0);
      for (const env of ['staging', 'production']) {
        const bare = join(local.root, '.slipway', 'remotes', `${env}.git`);
        const log = spawnSync('git', ['--git-dir', bare, 'log', '--format=%s', 'main'], { encoding: 'utf8' }).stdout.trim().split('\n');
        expect(log).toHaveLength(1);
        expect(log[0]).toMatch(new RegExp(`^slipway: sync ${env} \\(\\d+ added, 0 changed, 0 removed\\)$`));
      }
      const plan = await cli(['plan']);
      expect(plan.code).toBe(0);
    } finally {
      local.cleanup();
    }
  }, 60_000);
});
