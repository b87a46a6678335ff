/**
 * Review in `promotion: pr` environments, as users run it: the slipway CLI against real env repos
 * (the sample's local bare repos, the smart-HTTP git server, the GitHub-compatible server) and a
 * real platform repo.
 *
 * - the sample's staging → production flow completes with slipway commands alone: promote to
 *   staging (direct), promote --from staging to production (a branch), approve, pull;
 * - approve writes a merge commit (first parent: the env repo's branch) naming the approver, and
 *   merges again on top when someone pushed first;
 * - bootstrap of a reviewed env goes through a branch (GitHub: a pull request), refuses
 *   uncommitted sources unless --allow-dirty; only the first bootstrap commits directly;
 * - a pull request closed without merging: the next promotion and the next bootstrap start their
 *   branch again from the env repo's branch (as a merged one does), with a new pull request;
 * - promote/rollback --direct --reason bypass review, audited; rollback follows the env's mode.
 *
 * The scenarios are independent (each its own platform repo) and run side by side.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { run, type Run } from '../support/run.js';
import { makeProject, REPO_ROOT, type Mutate, type Project } from '../support/project-fixture.js';
import { writeRacingPushShim } from '../support/git-shim.js';
import { startGitServer } from '../support/git-server.js';
import { startGitHubServer } from '../support/github-server/index.js';
import { GIT_ID, git } from '../support/git-id.js';
import { commitAsPlatformRepo } from '../support/platform-origin.js';

type Platform = Project & { cli: (...args: string[]) => Promise<Run>; tmp: string };

/** The sample as a real platform repo (git, committed); `env` is added to every CLI run. */
function platform(edit?: Mutate, env: Record<string, string> = {}): Platform {
  const p = makeProject(edit);
  commitAsPlatformRepo(p.root);
  const tmp = mkdtempSync(join(tmpdir(), 'slipway-review-'));
  const cli = (...args: string[]) =>
    run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', p.root, '--no-color', ...args], {
      env: { ...process.env, ...GIT_ID, SLIPWAY_ACTOR: 'tester', GITHUB_ACTOR: '', SLIPWAY_HOME: join(tmp, 'home'), ...env },
    });
  const cleanup = p.cleanup.bind(p);
  return Object.assign(p, {
    cli,
    tmp,
    cleanup: () => {
      cleanup();
      rmSync(tmp, { recursive: true, force: true });
    },
  });
}

/** The sample whose env repos are slipway-bot/env-<env> on the GitHub-compatible server at `apiUrl`. */
function githubPlatform(apiUrl: string, token: string): Platform {
  return platform(
    (x) => {
      for (const env of ['staging', 'production']) {
        x.editYaml(`envs/${env}.yaml`, (d) => {
          d.repo = `slipway-bot/env-${env}`;
          d.github = { apiUrl };
          delete d.repoURL;
        });
      }
    },
    { GITHUB_TOKEN: token, SLIPWAY_RETRY_BASE_MS: '50' },
  );
}

async function ok(r: Promise<Run>): Promise<Run> {
  const done = await r;
  expect(done.code, done.stdout + done.stderr).toBe(0);
  return done;
}

const errors = (r: Run) => r.stderr.split('\n').filter((l) => l.startsWith('error:'));
const bare = (p: Project, env: string) => join(p.root, '.slipway', 'remotes', `${env}.git`);
/** Every ref of a bare repo: proves nothing was written. */
const refs = (gitDir: string) => git(tmpdir(), '--git-dir', gitDir, 'for-each-ref', '--format=%(refname) %(objectname)');
const show = (gitDir: string, rev: string, path: string) => git(tmpdir(), '--git-dir', gitDir, 'show', `${rev}:${path}`);
const message = (gitDir: string, rev: string) => git(tmpdir(), '--git-dir', gitDir, 'log', '-1', '--format=%B', rev);
const parents = (gitDir: string, rev: string) => git(tmpdir(), '--git-dir', gitDir, 'log', '-1', '--format=%P', rev).split(' ');
const sha = (gitDir: string, rev: string) => git(tmpdir(), '--git-dir', gitDir, 'rev-parse', rev);

const PR_BRANCH = 'slipway/promote-production-go-demo-9';

/**
 * staging → production with slipway alone: promote (direct), promote --from (branch), approve,
 * pull; checked on the env repo `gitDir` of production.
 */
async function stagingToProduction(p: Platform, gitDir: string, { plan = false } = {}): Promise<void> {
  await ok(p.cli('promote', 'go-demo-9', '0.0.2', '--env', 'staging', '-q'));
  const mainBefore = sha(gitDir, 'main');
  const promoted = await ok(p.cli('promote', 'go-demo-9', '--from', 'staging', '--env', 'production'));
  expect(promoted.stdout).toContain(`pushed ${PR_BRANCH} to `);
  expect(promoted.stdout).toContain('merge it with slipway approve production go-demo-9');
  expect(sha(gitDir, 'main')).toBe(mainBefore); // review first
  const branchHead = sha(gitDir, PR_BRANCH);

  const approved = await ok(p.cli('approve', 'production', 'go-demo-9'));
  expect(approved.stdout).toContain(`${PR_BRANCH}:\n  ${branchHead.slice(0, 12)} promote go-demo-9 0.0.1 → 0.0.2 (production)`);
  expect(approved.stdout).toContain('~ update values/go-demo-9.yaml');
  expect(approved.stdout).toMatch(
    new RegExp(`merged ${PR_BRANCH} into main of .* as [0-9a-f]{12}, approved by tester; then slipway pull adopts the tag into envs/`),
  );
  // A real merge commit: first parent the old main, second the branch; the approver in a trailer.
  expect(parents(gitDir, 'main')).toEqual([mainBefore, branchHead]);
  expect(message(gitDir, 'main')).toBe(
    [
      `Merge branch '${PR_BRANCH}': promote go-demo-9 0.0.1 → 0.0.2 (production)`,
      '',
      'Slipway-Env: production',
      `Slipway-Branch: ${PR_BRANCH}`,
      'Slipway-Approved-By: tester',
    ].join('\n'),
  );
  expect(show(gitDir, 'main', 'values/go-demo-9.yaml')).toContain('tag: "0.0.2"');

  const pulled = await ok(p.cli('pull'));
  expect(pulled.stdout).toContain('production: go-demo-9 0.0.1 → 0.0.2 (adopted from the env repo)');
  expect(p.read('envs/production.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');
  if (plan) expect((await p.cli('plan', '-q')).code).toBe(0); // envs/ and both env repos agree
}

describe.concurrent('review in promotion: pr environments', () => {
  it('the sample offline: staging → production with promote, approve, pull; a racing push; approving twice', async () => {
    // A PATH shim runs before-push.sh (once) right before a git push: someone else pushes first.
    const shimParent = mkdtempSync(join(tmpdir(), 'slipway-shim-'));
    const shim = writeRacingPushShim(shimParent);
    const beforePush = shim.beforePush;
    const p = platform(undefined, { PATH: `${shim.dir}${delimiter}${process.env.PATH}` });
    try {
      await ok(p.cli('bootstrap', '-q'));
      const production = bare(p, 'production');
      // The very first bootstrap of an empty repo commits directly: nothing to review against yet.
      expect(git(tmpdir(), '--git-dir', production, 'log', '--format=%s', 'main')).toMatch(
        /^slipway: sync production \(\d+ added, 0 changed, 0 removed\)$/,
      );
      await stagingToProduction(p, production, { plan: true });

      const again = await ok(p.cli('approve', 'production', 'go-demo-9'));
      expect(again.stdout).toContain(`${PR_BRANCH} is merged into main already; nothing to approve`);

      // Someone pushes to production's main between approve's read and its push: approve re-reads
      // and merges on top of that commit; nothing is lost, nothing forced.
      await ok(p.cli('promote', 'devops-paradox', '1.72', '--env', 'staging', '-q'));
      await ok(p.cli('promote', 'devops-paradox', '--from', 'staging', '--env', 'production', '-q'));
      const other = join(p.tmp, 'other');
      writeFileSync(
        beforePush,
        [
          `git clone -q '${production}' '${other}'`,
          `cd '${other}'`,
          `echo '* @platform' > CODEOWNERS`,
          'git add CODEOWNERS',
          `git -c user.name=other -c user.email=o@x commit -qm 'hand edit'`,
          'git push -q origin HEAD:main',
          '',
        ].join('\n'),
      );
      const raced = await ok(p.cli('approve', 'production', 'devops-paradox'));
      expect(raced.stderr).toMatch(
        /production: main or slipway\/promote-production-devops-paradox moved while merging; re-reading and merging again in \d+ ms \(attempt 2\/5\)/,
      );
      const [first, second] = parents(production, 'main');
      expect(git(tmpdir(), '--git-dir', production, 'log', '-1', '--format=%s', first!)).toBe('hand edit');
      expect(second).toBe(sha(production, 'slipway/promote-production-devops-paradox'));
      expect(show(production, 'main', 'CODEOWNERS')).toBe('* @platform');
      expect(show(production, 'main', 'values/devops-paradox.yaml')).toContain('tag: "1.72"');
      // The first-parent walk is the list of what reached main: bootstrap, then approvals.
      expect(git(tmpdir(), '--git-dir', production, 'log', '--first-parent', '--format=%s', 'main').split('\n')).toEqual([
        "Merge branch 'slipway/promote-production-devops-paradox': promote devops-paradox 1.71 → 1.72 (production)",
        'hand edit',
        `Merge branch '${PR_BRANCH}': promote go-demo-9 0.0.1 → 0.0.2 (production)`,
        expect.stringMatching(/^slipway: sync production /),
      ]);
    } finally {
      p.cleanup();
      rmSync(shimParent, { recursive: true, force: true });
    }
  }, 300_000);

  it('bootstrap of a pr env: refuses uncommitted sources (one line, nothing written); --allow-dirty and commits go to a branch; approve --bootstrap merges it', async () => {
    const p = platform();
    try {
      await ok(p.cli('bootstrap', '-q'));
      const production = bare(p, 'production');
      p.editYaml('envs/production.yaml', (d) => {
        d.apps['go-demo-9'].replicas = 4;
      });
      const before = [refs(production), refs(bare(p, 'staging'))];

      const refused = await p.cli('bootstrap');
      expect(refused.code).toBe(1);
      expect(errors(refused)).toEqual([
        'error: the platform repo has uncommitted changes in charts-src/ or envs/, and production takes changes through review (promotion: pr): commit them first, or pass --allow-dirty to put them up for review as they are',
      ]);
      expect([refs(production), refs(bare(p, 'staging'))]).toEqual(before);

      // The plan says which path bootstrap takes, and that it would refuse.
      const plan = await p.cli('plan', '--env', 'production');
      expect(plan.code).toBe(2);
      expect(plan.stdout).toContain(
        'production takes changes through review (promotion: pr): bootstrap pushes slipway/bootstrap-production; merge it with: slipway approve production --bootstrap',
      );
      expect(plan.stderr).toContain('warning: bootstrap would refuse: the platform repo has uncommitted changes');

      const dirty = await ok(p.cli('bootstrap', '--allow-dirty'));
      expect(dirty.stdout).toMatch(
        /production: pushed slipway\/bootstrap-production \([0-9a-f]{12}\) to .* for review; merge it with: slipway approve production --bootstrap/,
      );
      expect(
        refs(production)
          .split('\n')
          .filter((l) => l.startsWith('refs/heads/main ')),
      ).toEqual(before[0]!.split('\n').filter((l) => l.startsWith('refs/heads/main ')));
      expect(message(production, 'slipway/bootstrap-production')).toMatch(/Slipway-Source-Commit: [0-9a-f]{40}-dirty/);
      expect(show(production, 'slipway/bootstrap-production', 'values/go-demo-9.yaml')).toContain('replicaCount: 4');

      // Committed: bootstrap again finds the branch already holding it.
      git(p.root, 'commit', '-qam', 'production: 4 replicas');
      const clean = await ok(p.cli('bootstrap', '--env', 'production'));
      expect(clean.stdout).toContain('production: slipway/bootstrap-production on ');
      expect(clean.stdout).toContain(' already holds this; merge it with: slipway approve production --bootstrap');

      const mainBefore = sha(production, 'main');
      const approved = await ok(p.cli('approve', 'production', '--bootstrap'));
      expect(approved.stdout).toContain('~ update values/go-demo-9.yaml');
      expect(parents(production, 'main')).toEqual([mainBefore, sha(production, 'slipway/bootstrap-production')]);
      expect(message(production, 'main')).toContain('Slipway-Approved-By: tester');
      expect(show(production, 'main', 'values/go-demo-9.yaml')).toContain('replicaCount: 4');
    } finally {
      p.cleanup();
    }
  }, 300_000);

  it("--direct --reason bypasses review, audited; rollback follows the env's mode; bad input is one line", async () => {
    const p = platform();
    try {
      await ok(p.cli('bootstrap', '-q'));
      const production = bare(p, 'production');
      await ok(p.cli('promote', 'go-demo-9', '0.0.2', '--env', 'staging', '-q'));
      const before = refs(production);
      for (const { args, line } of [
        {
          args: ['promote', 'go-demo-9', '--from', 'staging', '--env', 'production', '--direct'],
          line: 'error: --direct needs --reason "<why>": it bypasses review, and the reason goes into the commit',
        },
        {
          args: ['approve', 'production'],
          line: 'error: which branch? give an app (slipway approve production <app>) or --bootstrap (slipway approve production --bootstrap)',
        },
        {
          args: ['approve', 'production', 'go-demo-9'],
          line: `error: ${production} has no branch ${PR_BRANCH}: nothing to approve (slipway promote go-demo-9 --env production pushes one when production takes promotions through review)`,
        },
      ]) {
        const r = await p.cli(...args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(errors(r)).toEqual([line]);
      }
      expect(refs(production)).toBe(before);

      const direct = await ok(
        p.cli(
          'promote',
          'go-demo-9',
          '--from',
          'staging',
          '--env',
          'production',
          '--direct',
          '--reason',
          'incident 42: the fix must ship now',
        ),
      );
      expect(direct.stderr).toContain(
        'warning: production takes promotions through review (promotion: pr); --direct commits straight to main, bypassing it: incident 42: the fix must ship now',
      );
      expect(direct.stdout).toContain('promote go-demo-9 0.0.1 → 0.0.2 (production): committed');
      expect(message(production, 'main')).toContain('Slipway-Direct: incident 42: the fix must ship now');
      expect(p.read('envs/production.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');

      // rollback in a pr env: a branch for review, main untouched.
      const mainBefore = sha(production, 'main');
      const viaBranch = await ok(p.cli('rollback', 'go-demo-9', '--env', 'production'));
      expect(viaBranch.stdout).toContain(`pushed ${PR_BRANCH} to `);
      expect(sha(production, 'main')).toBe(mainBefore);
      expect(show(production, PR_BRANCH, 'values/go-demo-9.yaml')).toContain('tag: "0.0.1"');

      // main moves the same line elsewhere meanwhile: approving the branch is a conflict, nothing merged.
      await ok(p.cli('promote', 'go-demo-9', '0.0.3', '--env', 'production', '--direct', '--force', '--reason', 'hotfix', '-q'));
      const mainNow = refs(production);
      const conflict = await p.cli('approve', 'production', 'go-demo-9');
      expect(conflict.code).toBe(1);
      expect(errors(conflict)).toEqual([
        `error: ${PR_BRANCH} conflicts with main of ${production} in README.md, values/go-demo-9.yaml (both changed since the branch was made): nothing was merged; ` +
          `delete the branch (git push <env repo> --delete ${PR_BRANCH}) and promote go-demo-9 --env production again`,
      ]);
      expect(refs(production)).toBe(mainNow);

      const now = await ok(p.cli('rollback', 'go-demo-9', '--env', 'production', '--direct', '--reason', 'outage'));
      expect(now.stderr).toContain('--direct commits straight to main, bypassing it: outage');
      expect(message(production, 'main')).toMatch(
        /^rollback go-demo-9 0\.0\.3 → 0\.0\.2 \(production\)[\s\S]*Slipway-Direct: outage[\s\S]*Slipway-Rollback: true/,
      );

      const help = await ok(p.cli('rollback', '--help'));
      expect(help.stdout.replace(/\s+/g, ' ')).toContain(
        "It follows the env's promotion mode: in a promotion: pr env it goes to the branch slipway/promote-<env>-<app>",
      );
      expect(help.stdout).toContain('--direct');
    } finally {
      p.cleanup();
    }
  }, 300_000);

  it('over the smart-HTTP git server: staging → production with promote, approve, pull', async () => {
    const TOKEN = 'glpat-review-flow-0123456789';
    const server = await startGitServer({ token: TOKEN });
    const p = platform(
      (x) => {
        for (const env of ['staging', 'production']) {
          server.createBareRepo(`env-${env}`);
          x.editYaml(`envs/${env}.yaml`, (d) => {
            d.repo = `${server.url}/env-${env}.git`;
            delete d.repoURL;
          });
        }
      },
      { SLIPWAY_GIT_TOKEN: TOKEN },
    );
    try {
      await ok(p.cli('bootstrap', '-q'));
      await stagingToProduction(p, join(server.root, 'env-production.git'));
      expect(server.requests.some((r) => r.method === 'POST' && r.path.endsWith('/git-receive-pack') && r.status === 200)).toBe(true);
    } finally {
      p.cleanup();
      await server.stop();
    }
  }, 300_000);

  it('on GitHub: a pull request closed without merging: the next promotion and the next bootstrap start their branch again from main', async () => {
    const TOKEN = 'test-token-review-flow-0002';
    const server = await startGitHubServer({ token: TOKEN });
    const p = githubPlatform(server.url, TOKEN);
    const production = join(server.reposDir, 'slipway-bot', 'env-production.git');
    const { Octokit } = await import('@octokit/rest');
    const octokit = new Octokit({ auth: TOKEN, baseUrl: server.url });
    const close = (pull_number: number) =>
      octokit.rest.pulls.update({ owner: 'slipway-bot', repo: 'env-production', pull_number, state: 'closed' });
    const isAncestor = (a: string, b: string) =>
      spawnSync('git', ['--git-dir', production, 'merge-base', '--is-ancestor', a, b]).status === 0;
    try {
      await ok(p.cli('bootstrap', '-q'));

      // --- A promotion: its pull request #1 closed unmerged; the next one restarts the branch on main.
      await ok(p.cli('promote', 'go-demo-9', '0.0.2', '--env', 'staging', '-q'));
      expect((await ok(p.cli('promote', 'go-demo-9', '--from', 'staging', '--env', 'production', '-q'))).stdout).toMatch(
        /opened pull request #1 /,
      );
      const closedHead = sha(production, PR_BRANCH);
      expect((await close(1)).data).toMatchObject({ state: 'closed', merged: false });
      await ok(p.cli('promote', 'go-demo-9', '0.0.3', '--env', 'staging', '-q'));
      const next = await ok(p.cli('promote', 'go-demo-9', '--from', 'staging', '--env', 'production'));
      expect(next.stderr).toContain(`production: ${PR_BRANCH} was closed without merging (pull request #1); starting it again from main`);
      expect(next.stdout).toMatch(new RegExp(`opened pull request #2 .* from ${PR_BRANCH}`));
      expect(parents(production, PR_BRANCH)).toEqual([sha(production, 'main')]);
      expect(isAncestor(closedHead, sha(production, PR_BRANCH))).toBe(false);
      expect(message(production, PR_BRANCH)).toMatch(/^promote go-demo-9 0\.0\.1 → 0\.0\.3 \(production\)/);
      expect(show(production, PR_BRANCH, 'values/go-demo-9.yaml')).toContain('tag: "0.0.3"');

      // --- A bootstrap: its pull request #3 closed unmerged; the next bootstrap restarts its branch on main too.
      const bootBranch = 'slipway/bootstrap-production';
      p.editYaml('envs/production.yaml', (d) => {
        d.apps['go-demo-9'].replicas = 4;
      });
      git(p.root, 'commit', '-qam', 'production: 4 replicas');
      expect((await ok(p.cli('bootstrap', '--env', 'production'))).stdout).toMatch(
        /opened pull request #3 .* from slipway\/bootstrap-production/,
      );
      const closedBoot = sha(production, bootBranch);
      await close(3);
      p.editYaml('envs/production.yaml', (d) => {
        d.apps['go-demo-9'].replicas = 5;
      });
      git(p.root, 'commit', '-qam', 'production: 5 replicas');
      const reboot = await ok(p.cli('bootstrap', '--env', 'production'));
      expect(reboot.stderr).toContain(
        `production: ${bootBranch} was closed without merging (pull request #3); starting it again from main`,
      );
      expect(reboot.stdout).toMatch(/opened pull request #4 .* from slipway\/bootstrap-production/);
      expect(parents(production, bootBranch)).toEqual([sha(production, 'main')]);
      expect(isAncestor(closedBoot, sha(production, bootBranch))).toBe(false);
      expect(show(production, bootBranch, 'values/go-demo-9.yaml')).toContain('replicaCount: 5');
      expect(server.schemaViolations).toEqual([]);
    } finally {
      p.cleanup();
      await server.stop();
    }
  }, 300_000);

  it("on GitHub: approve merges the promotion's pull request through the API; bootstrap of a pr env opens one", async () => {
    const TOKEN = 'test-token-review-flow-0001';
    const server = await startGitHubServer({ token: TOKEN });
    const p = githubPlatform(server.url, TOKEN);
    const production = join(server.reposDir, 'slipway-bot', 'env-production.git');
    try {
      await ok(p.cli('bootstrap', '-q'));
      await ok(p.cli('promote', 'go-demo-9', '0.0.2', '--env', 'staging', '-q'));
      const opened = await ok(p.cli('promote', 'go-demo-9', '--from', 'staging', '--env', 'production', '-q'));
      expect(opened.stdout).toMatch(new RegExp(`opened pull request #1 .* from ${PR_BRANCH}`));
      const mainBefore = sha(production, 'main');
      const approved = await ok(p.cli('approve', 'production', 'go-demo-9'));
      expect(approved.stdout).toMatch(/merged pull request #1 \(.*\) into main as [0-9a-f]{12}, approved by tester; then slipway pull/);
      expect(parents(production, 'main')).toEqual([mainBefore, sha(production, PR_BRANCH)]);
      expect(message(production, 'main')).toBe(
        [
          `Merge pull request #1 from slipway-bot/${PR_BRANCH}`,
          '',
          'promote go-demo-9 0.0.1 → 0.0.2 (production)',
          '',
          'Slipway-Env: production',
          `Slipway-Branch: ${PR_BRANCH}`,
          'Slipway-Approved-By: tester',
        ].join('\n'),
      );
      await ok(p.cli('pull', '-q'));
      expect(p.read('envs/production.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');

      // A later bootstrap of production (committed sources): a pull request, not a commit on main.
      p.replace('envs/production.yaml', 'go-demo-9:\n    tag: "0.0.2"\n', 'go-demo-9:\n    tag: "0.0.2"\n    replicas: 4\n');
      git(p.root, 'commit', '-qam', 'production: 4 replicas');
      const mainNow = sha(production, 'main');
      const boot = await ok(p.cli('bootstrap', '--env', 'production'));
      expect(boot.stdout).toMatch(
        /production: opened pull request #2 \(.*\) from slipway\/bootstrap-production; merge it \(or slipway approve production --bootstrap\)/,
      );
      expect(sha(production, 'main')).toBe(mainNow);
      const pulls = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pulls'));
      expect((pulls.at(-1)!.body as { body: string }).body).toContain('+replicaCount: 4');
      await ok(p.cli('approve', 'production', '--bootstrap', '-q'));
      expect(show(production, 'main', 'values/go-demo-9.yaml')).toContain('replicaCount: 4');
      expect(message(production, 'main')).toContain('Slipway-Approved-By: tester');
      expect(server.schemaViolations).toEqual([]);
    } finally {
      p.cleanup();
      await server.stop();
    }
  }, 300_000);
});
