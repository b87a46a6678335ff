/**
 * The sample platform repo after a few promotions, as the status page's browser test and the
 * README's screenshot (scripts/status-screenshot.mjs) show it. Made with the slipway CLI on real
 * git: a platform repo with a bare origin, the env repos bare repos beside it (the sample's own
 * `./.slipway/remotes/*.git`).
 *
 * - staging: go-demo-9 0.0.2, 0.0.3, then rolled back to 0.0.2; devops-toolkit 2.9.18;
 * - production (promotion: pr): devops-toolkit promoted from staging and approved, but never
 *   pulled into envs/ (drifted: the env repo has 2.9.18, envs/ 2.9.9, and it no longer lags);
 *   go-demo-9 promoted from staging and waiting for review (pending 0.0.2; it lags staging);
 *   devops-paradox 1.72 forced straight in with a reason (staging still runs 1.71).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeProject, REPO_ROOT } from './project-fixture.js';
import { run } from './run.js';
import { commitAsPlatformRepo } from './platform-origin.js';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
};

export interface StatusSample {
  /** The platform repo (run `slipway --root <root> status --html ...` there). */
  readonly root: string;
  /** Runs the slipway CLI on the sample; throws when it exits other than 0. */
  readonly slipway: (args: readonly string[], env?: NodeJS.ProcessEnv) => Promise<string>;
  readonly cleanup: () => void;
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...IDENTITY } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Builds the sample (a minute or so: each step is a real CLI run). */
export async function makeStatusSample(): Promise<StatusSample> {
  const project = makeProject();
  const home = mkdtempSync(join(tmpdir(), 'slipway-status-origin-'));
  const root = project.root;
  const cleanup = () => {
    project.cleanup();
    rmSync(home, { recursive: true, force: true });
  };
  const slipway = async (args: readonly string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', root, '--no-color', ...args], {
      env: { ...process.env, ...IDENTITY, SLIPWAY_ACTOR: '', GITHUB_ACTOR: '', GITLAB_USER_LOGIN: '', ...env },
    });
    if (r.code !== 0) throw new Error(`slipway ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    return r.stdout;
  };
  try {
    commitAsPlatformRepo(root);
    const origin = join(home, 'platform.git');
    git(home, 'init', '-q', '--bare', '--initial-branch=main', origin);
    git(root, 'remote', 'add', 'origin', origin);
    git(root, 'push', '-q', '-u', 'origin', 'main');
    await slipway(['bootstrap', '-q']);
    const as = (actor: string) => ({ SLIPWAY_ACTOR: actor });
    await slipway(['promote', 'go-demo-9', '0.0.2', '--env', 'staging', '-q'], as('ann'));
    await slipway(['promote', 'go-demo-9', '0.0.3', '--env', 'staging', '-q'], as('ann'));
    await slipway(['rollback', 'go-demo-9', '--env', 'staging', '-q'], as('bob'));
    await slipway(['promote', 'devops-toolkit', '2.9.18', '--env', 'staging', '-q'], as('ann'));
    await slipway(['promote', 'go-demo-9', '--from', 'staging', '--env', 'production', '-q'], as('ann'));
    const hotfix = ['--direct', '--force', '--reason', 'CVE-2026-0001 hotfix, verified by hand'];
    await slipway(['promote', 'devops-paradox', '1.72', '--env', 'production', ...hotfix, '-q'], as('bob'));
    await slipway(['promote', 'devops-toolkit', '--from', 'staging', '--env', 'production', '-q'], as('ann'));
    await slipway(['approve', 'production', 'devops-toolkit', '-q'], as('carol'));
    return { root, slipway, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
