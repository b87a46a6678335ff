/**
 * A promotion writes two repos: the env repo (the desired state Argo CD deploys), then the
 * platform repo (envs/<env>.yaml, pushed to its remote's default branch). As users run it: the
 * slipway CLI, real git, a platform repo with a real (bare) remote.
 *
 * - every check before the first write: git identity, the checkout's branch, commits of its own,
 *   envs/<env>.yaml clean; refused with one line, exit 1, nothing written anywhere;
 * - the platform write is announced, runs the person's hooks (unless --no-verify), honours
 *   commit.gpgsign, goes to origin's default branch; --no-push keeps it local;
 * - a platform push that fails after the env repo got its commit: exit 4, one line naming the
 *   command that reconciles, the checkout as it was; status shows the env repo ahead; the same
 *   promote run again records it;
 * - killed during the platform push (its commit made, never pushed): the rerun of promote, and
 *   slipway pull, push that commit (or take it back when origin moved since, and record again);
 *   a person's unpushed commit is still refused;
 * - five clones promoting at once: every promotion lands in both repos;
 * - promotion branches on a plain git remote: restarted from main once merged; history follows
 *   main's first parent and shows the merge; rollback --to refuses a tag only the branch had;
 *   status lists the pending branch;
 * - out/ stays what synth generates; Slipway-Actor and the env-repo author are configurable.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformWithOrigin, commitAsPlatformRepo } from '../support/platform-origin.js';
import { run, type Run } from '../support/run.js';
import { makeProject, REPO_ROOT } from '../support/project-fixture.js';
import { synth } from '../../src/synth.js';
import { CI_ACTOR_VARIABLES, envRepoAuthor, resolveActor } from '../../src/promotion/identity.js';
import { startGitHubServer } from '../support/github-server/index.js';
import { GIT_ID, git } from '../support/git-id.js';

/** No CI actor variable from the machine running the tests. */
const NO_CI_ACTOR = Object.fromEntries(
  [...CI_ACTOR_VARIABLES, 'SLIPWAY_ACTOR', 'SLIPWAY_GIT_AUTHOR_NAME', 'SLIPWAY_GIT_AUTHOR_EMAIL'].map((v) => [v, '']),
);

const errors = (r: Run) => r.stderr.split('\n').filter((l) => l.startsWith('error:'));

function cliIn(root: string, base: NodeJS.ProcessEnv = {}) {
  return (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', root, '--no-color', ...args], {
      env: { ...process.env, ...GIT_ID, ...NO_CI_ACTOR, ...base, ...env },
    });
}

describe('resolveActor and envRepoAuthor', () => {
  it.each([
    { name: '--actor first', flag: 'alice', env: { SLIPWAY_ACTOR: 'bob', GITHUB_ACTOR: 'carol', USER: 'eve' }, expected: 'alice' },
    { name: 'then SLIPWAY_ACTOR', env: { SLIPWAY_ACTOR: 'bob', GITHUB_ACTOR: 'carol', USER: 'eve' }, expected: 'bob' },
    { name: 'then GITHUB_ACTOR', env: { GITHUB_ACTOR: 'carol', GITLAB_USER_LOGIN: 'gl', USER: 'eve' }, expected: 'carol' },
    { name: 'then GITLAB_USER_LOGIN', env: { GITLAB_USER_LOGIN: 'gl', USER: 'eve' }, expected: 'gl' },
    { name: "then git's user name", env: { USER: 'eve' }, identity: { name: 'Dev Eloper', email: 'd@x' }, expected: 'Dev Eloper' },
    { name: 'then the OS user', env: { USER: 'eve' }, expected: 'eve' },
    { name: 'empty variables do not count', env: { SLIPWAY_ACTOR: ' ', GITHUB_ACTOR: '', USER: 'eve' }, expected: 'eve' },
  ])('Slipway-Actor: $name', ({ flag, env, identity, expected }) => {
    expect(resolveActor({ flag, environment: env, identity })).toBe(expected);
  });

  it('the env-repo author: SLIPWAY_GIT_AUTHOR_*, else the person, else the remote default', () => {
    const person = { name: 'Dev', email: 'dev@example.com' };
    expect(envRepoAuthor({ SLIPWAY_GIT_AUTHOR_NAME: 'Bot', SLIPWAY_GIT_AUTHOR_EMAIL: 'bot@example.com' }, person)).toEqual({
      name: 'Bot',
      email: 'bot@example.com',
    });
    expect(envRepoAuthor({}, person)).toEqual(person);
    expect(envRepoAuthor({}, undefined)).toBeUndefined();
  });
});

describe("plan shows the platform repo's side of the two-repo state", () => {
  it('a commit not pushed to origin: a warning with the command that reconciles it', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'slipway-plan-sync-'));
    const { p } = platformWithOrigin(tmp);
    try {
      const cli = cliIn(p.root);
      const clean = await cli(['plan', '--env', 'staging']);
      expect(clean.stderr).not.toContain('not pushed');
      writeFileSync(join(p.root, 'NOTES.md'), 'local\n');
      git(p.root, 'add', 'NOTES.md');
      git(p.root, 'commit', '-qm', 'local only');
      const ahead = await cli(['plan', '--env', 'staging']);
      expect(ahead.code, ahead.stderr).toBe(2);
      expect(ahead.stderr).toContain('warning: platform repo: main has 1 commit not pushed to origin/main: run git push origin main');
    } finally {
      p.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.concurrent('the two writes of a promotion', () => {
  it('every check before any write: no git identity, another branch, commits not pushed; one line, exit 1, nothing written', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'slipway-checks-'));
    const { p, origin } = platformWithOrigin(tmp);
    const cli = cliIn(p.root);
    // No bootstrap: the checks come before slipway reads (or creates) any env repo.
    const envLog = () => (p.exists('.slipway/remotes/staging.git') ? 'created' : 'none');
    try {
      // --- Refused before any write: one line, exit 1, nothing anywhere changed.
      const untouched = () => [
        envLog(),
        git(p.root, 'rev-parse', 'HEAD'),
        git(tmp, '--git-dir', origin, 'rev-parse', 'main'),
        p.read('envs/staging.yaml'),
        git(p.root, 'status', '--porcelain'),
      ];
      const before = untouched();
      const noIdentity: NodeJS.ProcessEnv = { HOME: tmp, GIT_CONFIG_GLOBAL: join(tmp, 'empty.gitconfig'), GIT_CONFIG_NOSYSTEM: '1' };
      writeFileSync(join(tmp, 'empty.gitconfig'), '[user]\n\tuseConfigOnly = true\n');
      const anonymous = { ...process.env, ...NO_CI_ACTOR, ...noIdentity };
      for (const k of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL']) delete anonymous[k];
      const refusedIdentity = await run(
        process.execPath,
        [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', p.root, '--no-color', 'promote', 'go-demo-9', '0.0.2', '--env', 'staging'],
        { env: anonymous },
      );
      expect(refusedIdentity.code, refusedIdentity.stderr).toBe(1);
      expect(errors(refusedIdentity)).toHaveLength(1);
      expect(errors(refusedIdentity)[0]).toMatch(
        /^error: the platform repo's commit needs a git identity and git has none here \(.+\): git config user\.name "<your name>" && git config user\.email "<you@example\.com>", then run again; nothing was written$/,
      );
      expect(untouched()).toEqual(before);

      git(p.root, 'switch', '-q', '-c', 'feature');
      const refusedBranch = await cli(['promote', 'go-demo-9', '0.0.2', '--env', 'staging']);
      expect(refusedBranch.code).toBe(1);
      expect(errors(refusedBranch)).toEqual([
        "error: the platform repo is on branch 'feature', but promotions are recorded on origin's default branch 'main': git switch main (or --no-push to commit on 'feature' and push nothing), then run again; nothing was written",
      ]);
      git(p.root, 'switch', '-q', 'main');
      git(p.root, 'commit', '-q', '--allow-empty', '-m', 'mine, not pushed');
      const refusedUnpushed = await cli(['promote', 'go-demo-9', '0.0.2', '--env', 'staging']);
      expect(errors(refusedUnpushed)).toEqual([
        "error: the platform repo's main holds 1 commit not on origin/main: slipway pushes only its own; push them (git push origin main) or move them to another branch, or use --no-push; nothing was written",
      ]);
      git(p.root, 'reset', '-q', '--hard', 'origin/main');
      p.write('envs/staging.yaml', `${p.read('envs/staging.yaml')}# a note, not committed yet\n`);
      const refusedDirty = await cli(['promote', 'go-demo-9', '0.0.2', '--env', 'staging']);
      expect(errors(refusedDirty)).toEqual([
        'error: envs/staging.yaml has uncommitted changes: commit or stash them first (slipway commits this file alone, and must not carry them along); nothing was written',
      ]);
      git(p.root, 'checkout', '--', 'envs/staging.yaml');
      expect(untouched()).toEqual(before);
    } finally {
      p.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  it('one checkout: hooks and signing, announced push, a failed platform push, status, --no-push, a rerun that converges, out/ in step', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'slipway-two-'));
    const { p, origin } = platformWithOrigin(tmp);
    const cli = cliIn(p.root);
    const envRepo = join(p.root, '.slipway', 'remotes', 'staging.git');
    const envLog = () => git(tmp, '--git-dir', envRepo, 'log', '--format=%H', 'main');
    const originFile = (path: string) => git(tmp, '--git-dir', origin, 'show', `main:${path}`);
    try {
      expect((await cli(['bootstrap', '-q'])).code).toBe(0);
      await synth({ root: p.root }); // out/, as npm run synth writes it

      // --- Hooks run, the commit is signed (commit.gpgsign, SSH), the push is announced first.
      const hooksLog = join(tmp, 'hooks.log');
      const refusePush = join(tmp, 'refuse-push');
      mkdirSync(join(p.root, '.git', 'hooks'), { recursive: true });
      writeFileSync(join(p.root, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\necho pre-commit >> '${hooksLog}'\n`, { mode: 0o755 });
      writeFileSync(
        join(p.root, '.git', 'hooks', 'pre-push'),
        `#!/bin/sh\necho pre-push >> '${hooksLog}'\nif [ -f '${refusePush}' ]; then echo 'pre-push: refused by the test' >&2; exit 1; fi\n`,
        { mode: 0o755 },
      );
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(tmp, 'signing-key')]);
      git(p.root, 'config', 'gpg.format', 'ssh');
      git(p.root, 'config', 'user.signingkey', join(tmp, 'signing-key'));
      git(p.root, 'config', 'commit.gpgsign', 'true');

      const first = await cli(['promote', 'go-demo-9', '0.0.2', '--env', 'staging', '--actor', 'alice'], {
        SLIPWAY_GIT_AUTHOR_NAME: 'Release Bot',
        SLIPWAY_GIT_AUTHOR_EMAIL: 'bot@example.com',
      });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain('→ envs/staging.yaml: pushing to origin main');
      expect(first.stdout).toMatch(/envs\/staging\.yaml committed \([0-9a-f]{12}\) and pushed to origin main/);
      expect(readFileSync(hooksLog, 'utf8')).toBe('pre-commit\npre-push\n');
      expect(originFile('envs/staging.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');
      expect(git(tmp, '--git-dir', origin, 'cat-file', 'commit', 'main')).toContain('gpgsig -----BEGIN SSH SIGNATURE-----');
      // The env-repo commit is built by fast-import in slipway's cache clone: never signed (README, "Signing").
      expect(git(tmp, '--git-dir', envRepo, 'cat-file', 'commit', 'main')).not.toContain('gpgsig');
      expect(git(tmp, '--git-dir', origin, 'log', '-1', '--format=%B', 'main')).toMatch(
        /^promote go-demo-9 0\.0\.1 → 0\.0\.2 \(staging\)\n\nSlipway-App: go-demo-9\nSlipway-Env: staging\nSlipway-To: 0\.0\.2\nSlipway-Env-Commit: [0-9a-f]{40}\nSlipway-Actor: alice/,
      );
      expect(git(tmp, '--git-dir', envRepo, 'log', '-1', '--format=%an <%ae>', 'main')).toBe('Release Bot <bot@example.com>');
      const envMessage = git(tmp, '--git-dir', envRepo, 'log', '-1', '--format=%B', 'main');
      expect(envMessage).toContain('Slipway-Previous-Tag: 0.0.1\nSlipway-To: 0.0.2');
      expect(envMessage).toContain('Slipway-Actor: alice');
      expect(envMessage).not.toMatch(/Slipway-From:/);
      // out/ is what synth generates, with the new tag.
      expect((await synth({ root: p.root, check: true })).differences).toEqual([]);
      expect(p.read('out/envs/staging/values/go-demo-9.yaml')).toContain('tag: "0.0.2"');

      // --no-verify: no hooks. Defaults: Slipway-Actor and the env-repo author from git's identity.
      const quiet = await cli(['promote', 'devops-paradox', '1.72', '--env', 'staging', '--no-verify', '-q']);
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(readFileSync(hooksLog, 'utf8')).toBe('pre-commit\npre-push\n');
      expect(git(tmp, '--git-dir', envRepo, 'log', '-1', '--format=%an <%ae>%n%B', 'main')).toMatch(
        /^dev <dev@example\.com>\n[\s\S]*Slipway-Actor: dev\n/,
      );

      // --- The platform push fails after the env repo got its commit: exit 4, one line with what to run.
      writeFileSync(refusePush, '');
      const failed = await cli(['promote', 'go-demo-9', '0.0.3', '--env', 'staging']);
      expect(failed.code, failed.stderr).toBe(4);
      expect(errors(failed)).toHaveLength(1);
      expect(errors(failed)[0]).toMatch(
        new RegExp(
          `^error: go-demo-9 0\\.0\\.3 is committed to ${envRepo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\([0-9a-f]{12}\\), but pushing envs/staging\\.yaml to origin main failed \\(.+\\): run slipway pull --env staging once that is fixed$`,
        ),
      );
      expect(errors(failed)[0]).not.toContain('To ');
      expect(git(tmp, '--git-dir', envRepo, 'show', 'main:values/go-demo-9.yaml')).toContain('tag: "0.0.3"');
      // The checkout is as it was: no commit, no edit; envs/ (and origin) still at 0.0.2.
      expect(git(p.root, 'status', '--porcelain')).toBe('');
      expect(git(p.root, 'rev-parse', 'HEAD')).toBe(git(tmp, '--git-dir', origin, 'rev-parse', 'main'));
      expect(p.read('envs/staging.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');
      rmSync(refusePush);

      // status: the env repo ahead of envs/, with the command that reconciles it; a header on every column.
      const text = await cli(['status', '--env', 'staging']);
      expect(text.code, text.stderr).toBe(0);
      const lines = text.stdout.split('\n');
      expect(lines[0]).toMatch(/^app\s+env\s+envs\/\s+env repo\s+pending\s+state$/);
      expect(lines.find((l) => l.startsWith('go-demo-9'))).toMatch(/^go-demo-9\s+staging\s+0\.0\.2\s+0\.0\.3\s+env repo ahead$/);
      expect(lines).toContain(
        'staging: go-demo-9 is 0.0.3 in the env repo but 0.0.2 in envs/staging.yaml (the env repo is ahead): run slipway pull --env staging',
      );

      // The same promote again finishes what the failed one left (so would slipway pull).
      const envCommits = envLog();
      const rerun = await cli(['promote', 'go-demo-9', '0.0.3', '--env', 'staging']);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toContain("go-demo-9 is already 0.0.3 in staging's env repo; recorded it in envs/staging.yaml");
      expect(envLog()).toEqual(envCommits); // nothing more in the env repo
      expect(originFile('envs/staging.yaml')).toContain('go-demo-9:\n    tag: "0.0.3"');
      expect((await synth({ root: p.root, check: true })).differences).toEqual([]);

      // --no-push: committed on main, nothing pushed; announced as such; status names `git push`.
      const local = await cli(['promote', 'devops-toolkit', '2.9.18', '--env', 'staging', '--no-push']);
      expect(local.code, local.stderr).toBe(0);
      expect(local.stderr).toContain('→ envs/staging.yaml: committing on main, not pushing (--no-push)');
      expect(originFile('envs/staging.yaml')).toContain('devops-toolkit:\n    tag: "2.9.17"');
      expect(p.read('envs/staging.yaml')).toContain('devops-toolkit:\n    tag: "2.9.18"');
      const json = JSON.parse((await cli(['status', '--env', 'staging', '--json'])).stdout);
      expect(json).toMatchObject({
        command: 'status',
        ok: true,
        platform: { branch: 'main', remote: 'origin', remoteBranch: 'main', ahead: 1, behind: 0 },
      });
      expect(json.rows.find((r: { app: string }) => r.app === 'go-demo-9')).toMatchObject({
        declared: '0.0.3',
        committed: '0.0.3',
        state: 'in sync',
      });
      expect(json.disagreements).toEqual([
        {
          kind: 'platform-unpushed',
          message: 'platform repo: main has 1 commit not pushed to origin/main',
          reconcile: 'git push origin main',
        },
      ]);

      // Killed between writing envs/ and committing it: the file holds just the tag edit, uncommitted.
      // slipway pull accepts that (the env repo has those tags), commits and pushes it.
      git(p.root, 'push', '-q', '--no-verify', 'origin', 'main');
      writeFileSync(refusePush, '');
      expect((await cli(['promote', 'devops-paradox', '1.73', '--env', 'staging', '-q'])).code).toBe(4);
      rmSync(refusePush);
      p.replace('envs/staging.yaml', 'devops-paradox:\n    tag: "1.72"', 'devops-paradox:\n    tag: "1.73"');
      const pulled = await cli(['pull', '--env', 'staging']);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(pulled.stdout).toContain('staging: devops-paradox 1.72 → 1.73 (adopted from the env repo)');
      expect(git(p.root, 'status', '--porcelain')).toBe('');
      expect(originFile('envs/staging.yaml')).toContain('devops-paradox:\n    tag: "1.73"');
      expect((await synth({ root: p.root, check: true })).differences).toEqual([]);
    } finally {
      p.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);

  it("killed during its platform push: the rerun of promote, and slipway pull, push its own commit; a person's is still refused", async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'slipway-killed-'));
    const { p, origin } = platformWithOrigin(tmp);
    const cli = cliIn(p.root);
    const envRepo = join(p.root, '.slipway', 'remotes', 'staging.git');
    const originFile = (path: string) => git(tmp, '--git-dir', origin, 'show', `main:${path}`);
    const originHead = () => git(tmp, '--git-dir', origin, 'rev-parse', 'main');
    // The pre-push hook kills slipway (git push's parent) on the push after `kill-next` appears, and
    // refuses that push: slipway's commit is made, its push never happens, and nothing takes it back.
    const killNext = join(tmp, 'kill-next');
    const refusePush = join(tmp, 'refuse-push');
    mkdirSync(join(p.root, '.git', 'hooks'), { recursive: true });
    writeFileSync(
      join(p.root, '.git', 'hooks', 'pre-push'),
      [
        '#!/bin/sh',
        `if [ -f '${refusePush}' ]; then echo 'pre-push: refused by the test' >&2; exit 1; fi`,
        `if [ -f '${killNext}' ]; then rm -f '${killNext}'; kill -9 "$(awk '{print $4}' /proc/$PPID/stat)"; exit 1; fi`,
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    try {
      expect((await cli(['bootstrap', '-q'])).code).toBe(0);
      await synth({ root: p.root }); // out/ (not tracked), as npm run synth writes it

      // --- promote, killed during its push: the env repo has 0.0.2, origin does not, the commit is local.
      const before = originHead();
      writeFileSync(killNext, '');
      const killed = await cli(['promote', 'go-demo-9', '0.0.2', '--env', 'staging']);
      expect(killed.code, killed.stderr).toBe(-1); // killed by the hook (run() reports a signal as -1)
      expect(existsSync(killNext)).toBe(false);
      expect(killed.stdout).not.toContain('pushed to origin main');
      expect(git(tmp, '--git-dir', envRepo, 'show', 'main:values/go-demo-9.yaml')).toContain('tag: "0.0.2"');
      expect(originHead()).toBe(before);
      expect(git(p.root, 'rev-list', '--count', 'origin/main..main')).toBe('1');
      const left = git(p.root, 'rev-parse', 'HEAD');

      // The rerun pushes that very commit, and both repos agree: exit 0.
      const rerun = await cli(['promote', 'go-demo-9', '0.0.2', '--env', 'staging']);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toContain(
        `platform repo: main holds slipway's own commit not on origin/main (${left.slice(0, 12)} promote go-demo-9 0.0.1 → 0.0.2 (staging)), left unpushed (by --no-push, or a run that stopped before its push): pushing it`,
      );
      expect(originHead()).toBe(left);
      expect(originFile('envs/staging.yaml')).toContain('go-demo-9:\n    tag: "0.0.2"');
      expect(git(p.root, 'rev-parse', 'HEAD')).toBe(originHead());
      expect(git(p.root, 'status', '--porcelain')).toBe('');
      expect((await synth({ root: p.root, check: true })).differences).toEqual([]);

      // --- pull, killed during its push (the env repo ahead after a refused platform push).
      writeFileSync(refusePush, '');
      expect((await cli(['promote', 'devops-paradox', '1.72', '--env', 'staging', '-q'])).code).toBe(4);
      rmSync(refusePush);
      writeFileSync(killNext, '');
      const killedPull = await cli(['pull', '--env', 'staging']);
      expect(killedPull.code, killedPull.stderr).toBe(-1);
      expect(existsSync(killNext)).toBe(false);
      expect(originFile('envs/staging.yaml')).toContain('devops-paradox:\n    tag: "1.71"');
      const pulledLocally = git(p.root, 'rev-parse', 'HEAD');
      expect(git(p.root, 'log', '-1', '--format=%B', 'HEAD')).toBe(
        'pull: adopt devops-paradox 1.72 from the staging env repo\n\nSlipway-Env: staging\nSlipway-Adopted: devops-paradox=1.72',
      );
      const pulled = await cli(['pull', '--env', 'staging']);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(pulled.stderr).toContain("platform repo: main holds slipway's own commit not on origin/main");
      expect(pulled.stdout).toBe('envs/ already holds every tag the env repos have\n');
      expect(originHead()).toBe(pulledLocally);
      expect(originFile('envs/staging.yaml')).toContain('devops-paradox:\n    tag: "1.72"');

      // --- Killed, and origin moved since (another clone pushed): taken back, recorded again on the new head.
      writeFileSync(refusePush, '');
      expect((await cli(['promote', 'devops-paradox', '1.73', '--env', 'staging', '-q'])).code).toBe(4);
      rmSync(refusePush);
      writeFileSync(killNext, '');
      expect((await cli(['pull', '--env', 'staging'])).code).toBe(-1);
      expect(existsSync(killNext)).toBe(false);
      const other = join(tmp, 'other');
      git(tmp, 'clone', '-q', origin, other);
      writeFileSync(join(other, 'NOTES.md'), 'pushed by someone else\n');
      git(other, 'add', 'NOTES.md');
      git(other, 'commit', '-qm', 'notes');
      git(other, 'push', '-q', 'origin', 'main');
      const converged = await cli(['pull', '--env', 'staging']);
      expect(converged.code, converged.stderr).toBe(0);
      expect(converged.stderr).toContain("platform repo: took back slipway's own commit not on origin/main");
      expect(converged.stdout).toContain('staging: devops-paradox 1.72 → 1.73 (adopted from the env repo)');
      expect(originFile('envs/staging.yaml')).toContain('devops-paradox:\n    tag: "1.73"');
      expect(originFile('NOTES.md')).toBe('pushed by someone else');
      expect(git(tmp, '--git-dir', origin, 'rev-list', '--merges', 'main')).toBe('');
      expect(git(p.root, 'rev-parse', 'HEAD')).toBe(originHead());

      // --- A person's unpushed commit is never pushed, Slipway trailers or not: it touches another file.
      writeFileSync(join(p.root, 'NOTES.md'), 'mine\n');
      git(p.root, 'add', 'NOTES.md');
      git(p.root, 'commit', '-qm', 'promote go-demo-9 (by hand)\n\nSlipway-Env: staging\nSlipway-Env-Commit: ' + 'a'.repeat(40));
      const refused = await cli(['promote', 'go-demo-9', '0.0.3', '--env', 'staging']);
      expect(refused.code).toBe(1);
      expect(errors(refused)).toEqual([
        "error: the platform repo's main holds 1 commit not on origin/main: slipway pushes only its own; push them (git push origin main) or move them to another branch, or use --no-push; nothing was written",
      ]);
      expect(originFile('NOTES.md')).toBe('pushed by someone else');
    } finally {
      p.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);

  it('five clones of the platform repo promote at once: all five land in the env repo and in origin main', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'slipway-five-'));
    const envRepo = join(tmp, 'env-staging.git');
    const apps = [0, 1, 2, 3, 4].map((i) => `svc-${i}`);
    const { p, origin } = platformWithOrigin(tmp, (x) => {
      for (const app of apps)
        x.write(
          `charts-src/${app}.ts`,
          `import { defineApp } from '../generators/index.js';\nexport default defineApp({ name: '${app}', image: 'example/${app}', ingress: false });\n`,
        );
      x.editYaml('envs/staging.yaml', (d) => {
        d.repo = envRepo;
        for (const app of apps) d.apps[app] = { tag: '1.0.0' };
      });
    });
    try {
      expect((await cliIn(p.root)(['bootstrap', '--env', 'staging', '-q'])).code).toBe(0);
      const clones = apps.map((_, i) => {
        const dir = join(tmp, `clone-${i}`);
        git(tmp, 'clone', '-q', origin, dir);
        for (const linked of ['generators', 'node_modules']) symlinkSync(join(REPO_ROOT, linked), join(dir, linked), 'dir');
        return dir;
      });
      const runs = await Promise.all(clones.map((dir, i) => cliIn(dir)(['promote', apps[i]!, '2.0.0', '--env', 'staging', '-q'])));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      for (const app of apps) expect(git(tmp, '--git-dir', envRepo, 'show', `main:values/${app}.yaml`)).toContain('tag: "2.0.0"');
      expect(
        git(tmp, '--git-dir', envRepo, 'log', '--format=%s', 'main')
          .split('\n')
          .filter((s) => s.startsWith('promote svc-')),
      ).toHaveLength(5);
      const recorded = git(tmp, '--git-dir', origin, 'show', 'main:envs/staging.yaml');
      for (const app of apps) expect(recorded).toContain(`${app}:\n    tag: "2.0.0"`);
      expect(
        git(tmp, '--git-dir', origin, 'log', '--format=%s', 'main')
          .split('\n')
          .filter((s) => s.startsWith('promote svc-')),
      ).toHaveLength(5);
      expect(git(tmp, '--git-dir', origin, 'rev-list', '--merges', 'main')).toBe(''); // each re-applied on the fetched head, never merged
    } finally {
      p.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);

  it('on GitHub: once its pull request is merged, the next promotion starts the branch again from main and opens a new one', async () => {
    const TOKEN = 'test-token-two-repos-0001';
    const server = await startGitHubServer({ token: TOKEN });
    const p = makeProject((x) => {
      x.editYaml('envs/staging.yaml', (d) => {
        d.repo = 'slipway-bot/env-staging';
        d.github = { apiUrl: server.url };
        delete d.repoURL;
      });
      x.editYaml('envs/production.yaml', (d) => {
        d.repo = 'slipway-bot/env-production';
        d.github = { apiUrl: server.url };
        delete d.repoURL;
      });
    });
    const home = mkdtempSync(join(tmpdir(), 'slipway-home-'));
    const cli = cliIn(p.root, { GITHUB_TOKEN: TOKEN, SLIPWAY_HOME: home, SLIPWAY_RETRY_BASE_MS: '50' });
    const branch = 'slipway/promote-staging-go-demo-9';
    const gitDir = join(server.reposDir, 'slipway-bot', 'env-staging.git');
    try {
      expect((await cli(['bootstrap', '--env', 'staging', '-q'])).code).toBe(0);
      expect((await cli(['promote', 'go-demo-9', '0.0.2', '--env', 'staging', '--pr', '-q'])).code).toBe(0);
      const { Octokit } = await import('@octokit/rest');
      await new Octokit({ auth: TOKEN, baseUrl: server.url }).rest.pulls.merge({
        owner: 'slipway-bot',
        repo: 'env-staging',
        pull_number: 1,
      });
      expect((await cli(['pull', '--env', 'staging', '-q'])).code).toBe(0);
      const next = await cli(['promote', 'go-demo-9', '0.0.3', '--env', 'staging', '--pr']);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toContain(`staging: ${branch} was merged (pull request #1); starting it again from main`);
      expect(next.stdout).toMatch(/opened pull request #2 /);
      expect(git(tmpdir(), '--git-dir', gitDir, 'rev-parse', `${branch}^`)).toBe(git(tmpdir(), '--git-dir', gitDir, 'rev-parse', 'main'));
      const entries = JSON.parse((await cli(['history', 'go-demo-9', '--env', 'staging', '--json'])).stdout).entries as Array<
        Record<string, unknown>
      >;
      expect(entries[0]).toMatchObject({ kind: 'promote', from: '0.0.1', to: '0.0.2', merged: { pullRequest: 1, branch } });
      const rows = JSON.parse((await cli(['status', '--env', 'staging', '--json'])).stdout).rows as Array<{
        app: string;
        pending?: { pullRequest?: { number: number } };
      }>;
      expect(rows.find((r) => r.app === 'go-demo-9')!.pending?.pullRequest?.number).toBe(2);
    } finally {
      p.cleanup();
      rmSync(home, { recursive: true, force: true });
      await server.stop();
    }
  }, 240_000);

  it('a promotion branch on a plain git remote: restarted from main once merged; history follows main; rollback and status', async () => {
    const p = makeProject();
    commitAsPlatformRepo(p.root);
    const cli = cliIn(p.root);
    const envRepo = join(p.root, '.slipway', 'remotes', 'staging.git');
    const branch = 'slipway/promote-staging-go-demo-9';
    const env = (...args: string[]) => git(p.root, '--git-dir', envRepo, ...args);
    try {
      expect((await cli(['bootstrap', '-q'])).code).toBe(0);
      for (const tag of ['0.0.2', '0.0.3']) {
        const r = await cli(['promote', 'go-demo-9', tag, '--env', 'staging', '--pr', '-q']);
        expect(r.code, r.stderr).toBe(0);
      }
      expect(env('rev-list', '--count', `main..${branch}`)).toBe('2');
      // A merge request merged by someone else (plain git: a merge commit on main).
      const work = join(p.root, '.slipway', 'merge-work');
      git(p.root, 'clone', '-q', envRepo, work);
      spawnSync('git', ['merge', '--no-ff', '-q', '-m', `Merge branch '${branch}'`, `origin/${branch}`], {
        cwd: work,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'merger',
          GIT_AUTHOR_EMAIL: 'm@example.com',
          GIT_COMMITTER_NAME: 'merger',
          GIT_COMMITTER_EMAIL: 'm@example.com',
        },
      });
      git(work, 'push', '-q', 'origin', 'main');
      expect((await cli(['pull', '--env', 'staging', '-q'])).code).toBe(0);

      const next = await cli(['promote', 'go-demo-9', '0.0.4', '--env', 'staging', '--pr']);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toContain(`staging: ${branch} is merged into main already; starting it again from main`);
      expect(env('rev-parse', `${branch}^`)).toBe(env('rev-parse', 'main'));
      expect(env('log', '--format=%s', `main..${branch}`)).toBe('promote go-demo-9 0.0.3 → 0.0.4 (staging)');

      const entries = JSON.parse((await cli(['history', 'go-demo-9', '--env', 'staging', '--json'])).stdout).entries as Array<
        Record<string, unknown>
      >;
      expect(entries[0]).toMatchObject({
        kind: 'promote',
        from: '0.0.1',
        to: '0.0.3',
        who: 'merger',
        merged: { by: 'merger', branch, promotedBy: 'dev' },
      });
      expect(entries.some((e) => e.to === '0.0.2' || e.to === '0.0.4')).toBe(false);
      const table = await cli(['history', 'go-demo-9', '--env', 'staging']);
      expect(table.stdout).toMatch(
        new RegExp(`promote\\s+0\\.0\\.1\\s+0\\.0\\.3\\s+merger\\s+[0-9a-f]{12}\\s+merged from ${branch} by merger \\(promoted by dev\\)`),
      );

      const refused = await cli(['rollback', 'go-demo-9', '--env', 'staging', '--to', '0.0.2']);
      expect(refused.code).toBe(1);
      expect(errors(refused)).toEqual([
        "error: go-demo-9 never ran 0.0.2 in staging (not in the history of the env repo's main; a tag only on a promotion branch never ran): roll back to a tag it ran (slipway history go-demo-9 --env staging), or --force --reason",
      ]);

      const status = await cli(['status', '--env', 'staging']);
      const row = status.stdout.split('\n').find((l) => l.startsWith('go-demo-9'));
      expect(row).toMatch(new RegExp(`^go-demo-9\\s+staging\\s+0\\.0\\.3\\s+0\\.0\\.3\\s+${branch}\\s+in sync$`));
      const rows = JSON.parse((await cli(['status', '--env', 'staging', '--json'])).stdout).rows as Array<{
        app: string;
        pending?: { branch: string; head: string };
      }>;
      expect(rows.find((r) => r.app === 'go-demo-9')!.pending).toEqual({ branch, head: env('rev-parse', branch) });
      expect(rows.find((r) => r.app === 'devops-paradox')!.pending).toBeUndefined();
    } finally {
      p.cleanup();
    }
  }, 240_000);
});
