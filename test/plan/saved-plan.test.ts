/**
 * Saved plans (issue 12), as Terraform's `plan -out` / `apply`, on a real git server:
 *
 * - `slipway plan --out plan.json` then `slipway apply plan.json` lands exactly the planned files,
 *   on exactly the planned head (a first commit, then an update);
 * - someone commits to the env repo after the plan: apply refuses, exit 1, one line naming the env
 *   and both heads, and writes nothing;
 * - a plan file that is not one (bad JSON, wrong fields, a path leaving the repo) is one line per
 *   problem, exit 1;
 * - a plan that could not reach every env is not saved.
 */
import { spawnSync } from 'node:child_process';
import { run } from '../support/run.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config-error.js';
import { checkSavedPlan, readSavedPlan, type SavedPlan } from '../../src/plan/saved-plan.js';
import { startGitServer, type StartedGitServer } from '../support/git-server.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';

const TOKEN = 'saved-plan-token-0123456789abcdef';
const RUN_LIMIT_MS = 40_000;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function slipway(args: readonly string[]): Promise<CliRun> {
  return run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', project.root, '--no-color', '--quiet', ...args], {
    env: { ...process.env, NO_COLOR: '1', SLIPWAY_GIT_TOKEN: TOKEN, SLIPWAY_HOME: home },
    limitMs: RUN_LIMIT_MS,
  });
}

const problemLines = (r: CliRun) => r.stderr.split('\n').filter((l) => l !== '' && !/^(warning:|note:|→)/.test(l));

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** path → content of the bare repo's branch `main`. */
function treeOf(bare: string, rev = 'main'): Map<string, string> {
  const files = git(bare, 'ls-tree', '-r', '--name-only', '-z', rev).split('\0').filter(Boolean);
  return new Map(files.map((f) => [f, git(bare, 'show', `${rev}:${f}`)]));
}

let server: StartedGitServer;
let project: Project;
let bare: string;
let home: string;
let scratch: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'slipway-plan-home-'));
  scratch = mkdtempSync(join(tmpdir(), 'slipway-plan-'));
  server = await startGitServer({ token: TOKEN });
  bare = server.createBareRepo('env-staging');
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
  rmSync(home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('plan --out, then apply', () => {
  it('lands exactly the planned files on the planned head: a first commit, then an update', async () => {
    const planFile = join(scratch, 'first.json');
    const plan = await slipway(['plan', '--env', 'staging', '--out', planFile]);
    expect(plan.code, plan.stderr).toBe(2);
    const saved = JSON.parse(readFileSync(planFile, 'utf8')) as SavedPlan;
    expect(saved).toMatchObject({
      format: 'slipway-plan',
      version: 1,
      envs: [{ env: 'staging', remote: `${server.url}/env-staging.git`, branch: 'main', head: null }],
    });
    const planned = new Map(saved.envs[0]!.changes.map((c) => [c.path, c.content]));
    expect(saved.envs[0]!.changes.every((c) => c.action === 'create')).toBe(true);
    expect(planned.size).toBeGreaterThan(20);

    const apply = await slipway(['apply', planFile]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/^staging: committed [0-9a-f]{40} to http:\/\/127\.0\.0\.1:\d+\/env-staging\.git$/m);
    expect(treeOf(bare)).toEqual(planned);
    const first = git(bare, 'rev-parse', 'main').trim();
    const message = git(bare, 'log', '-1', '--format=%B', 'main');
    expect(message).toContain('Slipway-Env: staging');
    expect(message).toContain(`Slipway-Plan: sha256:${createHash('sha256').update(readFileSync(planFile)).digest('hex')}`);

    // An update: exactly the changed file, on top of exactly the planned head.
    project.editYaml('envs/staging.yaml', (d) => {
      d.apps['go-demo-9'].replicas = 3;
    });
    const second = join(scratch, 'second.json');
    const [replan, json] = await Promise.all([
      slipway(['plan', '--env', 'staging', '--out', second]),
      slipway(['plan', '--env', 'staging', '--json']),
    ]);
    expect(replan.code, replan.stderr).toBe(2);
    const update = JSON.parse(readFileSync(second, 'utf8')) as SavedPlan;
    expect(update.envs[0]!.head).toBe(first);
    expect(update.envs[0]!.changes.map((c) => `${c.action} ${c.path}`)).toEqual(['update values/go-demo-9.yaml']);
    expect(JSON.parse(json.stdout).envs[0].changes.map((c: { path: string }) => c.path)).toEqual(['values/go-demo-9.yaml']);

    const applied = await slipway(['--json', 'apply', second]);
    expect(applied.code, applied.stderr).toBe(0);
    const doc = JSON.parse(applied.stdout);
    expect(doc).toMatchObject({
      command: 'apply',
      ok: true,
      envs: [{ env: 'staging', head: first, created: false, changes: [{ path: 'values/go-demo-9.yaml', action: 'update' }] }],
    });
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(doc.envs[0].commit);
    expect(git(bare, 'rev-parse', 'main^').trim()).toBe(first);
    expect(git(bare, 'diff', '--name-only', first, 'main').trim()).toBe('values/go-demo-9.yaml');
    expect(treeOf(bare).get('values/go-demo-9.yaml')).toBe(update.envs[0]!.changes[0]!.content);
    expect(treeOf(bare).get('values/go-demo-9.yaml')).toContain('replicaCount: 3');
  }, 90_000);

  it('someone commits after the plan: apply refuses, exit 1, one line naming the env and both heads, writes nothing', async () => {
    project.editYaml('envs/staging.yaml', (d) => {
      d.apps['go-demo-9'].replicas = 4;
    });
    const planFile = join(scratch, 'stale.json');
    const plan = await slipway(['plan', '--env', 'staging', '--out', planFile]);
    expect(plan.code, plan.stderr).toBe(2);
    const planned = (JSON.parse(readFileSync(planFile, 'utf8')) as SavedPlan).envs[0]!.head!;

    // Someone else commits to the env repo.
    const other = join(scratch, 'other');
    git(scratch, 'clone', '--quiet', bare, other);
    writeFileSync(join(other, 'CODEOWNERS'), '* @platform-team\n');
    git(other, 'add', '-A');
    git(other, '-c', 'user.name=Other', '-c', 'user.email=other@example.com', 'commit', '--quiet', '-m', 'theirs');
    git(other, 'push', '--quiet', 'origin', 'HEAD:main');
    const theirs = git(bare, 'rev-parse', 'main').trim();
    const before = treeOf(bare);

    const apply = await slipway(['apply', planFile]);
    expect(apply.code).toBe(1);
    expect(problemLines(apply)).toEqual([
      `error: staging: the env repo moved since the plan was made: the plan is against ${planned}, ${server.url}/env-staging.git is at ${theirs}; ` +
        'nothing was applied: run slipway plan --out again and review the new plan',
    ]);
    expect(apply.stdout).toBe('');
    expect(git(bare, 'rev-parse', 'main').trim()).toBe(theirs);
    expect(treeOf(bare)).toEqual(before);

    const json = await slipway(['apply', planFile, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      command: 'apply',
      ok: false,
      exitCode: 1,
      error: { code: 'plan_stale', env: 'staging' },
    });
  }, 60_000);

  it('a plan that could not reach every env is not saved', async () => {
    const planFile = join(scratch, 'partial.json');
    project.editYaml('envs/production.yaml', (d) => {
      d.repo = 'https://nonexistent.invalid/env-production.git';
      delete d.repoURL;
    });
    try {
      const plan = await slipway(['plan', '--out', planFile]);
      expect(plan.code, plan.stderr).toBe(4);
      expect(existsSync(planFile)).toBe(false);
      expect(plan.stderr).toMatch(/^warning: --out .*partial\.json: not written: an env could not be planned$/m);
    } finally {
      project.editYaml('envs/production.yaml', (d) => {
        d.repo = './.slipway/remotes/production.git';
      });
    }
  }, 60_000);
});

describe('plan files slipway refuses', () => {
  const valid = (): SavedPlan => ({
    format: 'slipway-plan',
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    sourceCommit: 'none',
    envs: [
      {
        env: 'staging',
        remote: '/x.git',
        branch: 'main',
        head: null,
        summary: { add: 1, change: 0, destroy: 1 },
        changes: [
          { path: 'apps/a.yaml', action: 'create', content: 'a\n' },
          { path: 'apps/b.yaml', action: 'delete' },
        ],
      },
    ],
  });
  const cases: Array<{ name: string; edit: (p: any) => unknown; problems: string[] }> = [
    {
      name: 'not a plan',
      edit: () => ({ hello: 1 }),
      problems: ['plan.json: format: not a slipway plan (expected "slipway-plan"); make one with slipway plan --out plan.json'],
    },
    {
      name: 'a newer version',
      edit: (p) => {
        p.version = 2;
      },
      problems: ['plan.json: version: 2 is not a plan version this slipway reads (1); plan again with this slipway'],
    },
    {
      name: 'a path leaving the repo',
      edit: (p) => {
        p.envs[0].changes[0].path = '../escape.yaml';
      },
      problems: ['plan.json: envs[0].changes[0].path: "../escape.yaml" is not a relative path inside the env repo'],
    },
    {
      name: 'into .git',
      edit: (p) => {
        p.envs[0].changes[0].path = '.git/config';
      },
      problems: ['plan.json: envs[0].changes[0].path: ".git/config" is not a relative path inside the env repo'],
    },
    {
      name: 'a bad head',
      edit: (p) => {
        p.envs[0].head = 'main';
      },
      problems: ['plan.json: envs[0].head: must be a commit id or null'],
    },
    {
      name: 'a create without content',
      edit: (p) => {
        delete p.envs[0].changes[0].content;
      },
      problems: ["plan.json: envs[0].changes[0].content: must be the file's new content (a string)"],
    },
    {
      name: 'a summary that lies',
      edit: (p) => {
        p.envs[0].summary.add = 5;
      },
      problems: ['plan.json: envs[0].summary: does not match its changes'],
    },
    {
      name: 'an unknown action',
      edit: (p) => {
        p.envs[0].changes[1].action = 'chmod';
      },
      problems: ['plan.json: envs[0].changes[1].action: must be create, update or delete'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = valid();
      const edited = c.edit(plan) ?? plan;
      let error: unknown;
      try {
        checkSavedPlan(edited, 'plan.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual(c.problems);
    });
  }

  it('the valid one passes; invalid JSON and a missing file are one line each', () => {
    expect(checkSavedPlan(valid(), 'plan.json').envs[0]!.env).toBe('staging');
    const broken = join(scratch, 'broken.json');
    writeFileSync(broken, '{ "format": ');
    expect(() => readSavedPlan(broken, 'broken.json')).toThrow(
      /^broken\.json: not a slipway plan \(invalid JSON: .*\); make one with slipway plan --out broken\.json$/,
    );
    expect(() => readSavedPlan(join(scratch, 'none.json'), 'none.json')).toThrow('none.json: cannot read the plan: no such file');
  });

  it('apply of a file that is not a plan: exit 1, one line', async () => {
    const bad = join(scratch, 'bad-plan.json');
    writeFileSync(bad, JSON.stringify({ ...valid(), version: 7 }));
    const r = await slipway(['apply', bad]);
    expect(r.code).toBe(1);
    expect(problemLines(r)).toEqual([
      `error: ${bad}: version: 7 is not a plan version this slipway reads (1); plan again with this slipway`,
    ]);
  }, 30_000);
});
