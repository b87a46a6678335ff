/**
 * Promotion speed: `slipway promote` of one app in a 100-app environment, end to end (wall clock
 * of the CLI process, platform-repo commit included), against the book's manual way on the same
 * env repo: git clone, sed the tag line, git commit -am, git push.
 *
 * The env repo lives on a real git server on 127.0.0.1 with token auth (test/support/git-server),
 * so both ways pay for HTTP round trips and authentication as they would against a forge.
 *
 *   node --import ./src/cli/register-ts.mjs bench/promote.ts      # run from the slipway checkout
 *
 * Prints figures; asserts nothing (speed belongs here, not in tests). Target: promote ≤ 2 s.
 *
 * The git server runs in this process: every child (CLI, git) is spawned asynchronously so the
 * event loop stays free to answer it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitAuthEnv } from '../src/publish/git-credentials.js';
import { syntheticPlatform } from './synthetic-apps.js';
import { startGitServer } from '../test/support/git-server.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const N = 100;
const APP = 'app-0042';
const ENV = 'staging';
const TOKEN = 'bench-token-0123456789abcdef';
const GIT_ID = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
const PROMOTE_TAGS = ['2.0.0', '2.0.1', '2.0.2'];
const MANUAL_TAGS = ['3.0.0', '3.0.1', '3.0.2'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started }));
  });
}

async function must(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const r = await run(command, args, options);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const ms = (x: number): string => `${Math.round(x)} ms`;

/** A platform repo with N synthetic apps, all in envs/staging.yaml, whose env repo is `repoUrl`. */
function makePlatform(repoUrl: string): string {
  const { root, appsYaml: apps } = syntheticPlatform(N, 'slipway-bench-promote-');
  writeFileSync(
    join(root, 'envs', `${ENV}.yaml`),
    `name: ${ENV}
namespace: ${ENV}
domain: example.com
repo: ${repoUrl}
repoURL: ${repoUrl}
promotion: direct
apps:
${apps}`,
  );
  writeFileSync(join(root, '.gitignore'), 'out/\n.slipway/\n.home/\n');
  return root;
}

const server = await startGitServer({ token: TOKEN });
const temps: string[] = [];
try {
  server.createBareRepo(`env-${ENV}`);
  const envRepoUrl = `${server.url}/env-${ENV}.git`;
  const root = makePlatform(envRepoUrl);
  temps.push(root);
  const gitEnv = { ...process.env, ...GIT_ID };
  await must('git', ['init', '-q', '--initial-branch=main'], { cwd: root, env: gitEnv });
  await must('git', ['add', '-A'], { cwd: root, env: gitEnv });
  await must('git', ['commit', '-qm', 'platform'], { cwd: root, env: gitEnv });

  const cliEnv = { ...process.env, ...GIT_ID, USER: 'bench', SLIPWAY_GIT_TOKEN: TOKEN, SLIPWAY_HOME: join(root, '.home') };
  // SLIPWAY_BENCH_PROFILE=<dir>: CPU profiles of the CLI runs, for finding where the time goes.
  const profile = process.env.SLIPWAY_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SLIPWAY_BENCH_PROFILE}`] : [];
  const cli = (...args: string[]) =>
    run(process.execPath, [...profile, join(REPO, 'src/cli/slipway.mjs'), '--root', root, '--no-color', ...args], { env: cliEnv });

  const boot = await cli('bootstrap', '-q');
  if (boot.code !== 0) throw new Error(`bootstrap failed: ${boot.stderr}`);
  console.log(`bootstrap (${N} apps, ${ENV}, untimed setup): ${ms(boot.ms)}`);

  // slipway promote, end to end.
  const promoteTimes: number[] = [];
  for (const tag of PROMOTE_TAGS) {
    const r = await cli('promote', APP, tag, '--env', ENV, '-q');
    if (r.code !== 0) throw new Error(`promote ${APP} ${tag} failed: ${r.stderr}`);
    promoteTimes.push(r.ms);
    console.log(`slipway promote ${APP} ${tag} --env ${ENV}: ${ms(r.ms)}`);
  }
  const promoteMedian = median(promoteTimes);
  console.log(`slipway promote median: ${ms(promoteMedian)} (target ≤ 2000 ms)`);

  // The manual way: a fresh clone each time, the token in http.extraHeader through the environment.
  const manualEnv = { ...process.env, ...GIT_ID, LC_ALL: 'C', ...gitAuthEnv(TOKEN) };
  const manualTimes: number[] = [];
  for (const tag of MANUAL_TAGS) {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-manual-'));
    temps.push(dir);
    const started = performance.now();
    await must('git', ['clone', '--quiet', envRepoUrl, join(dir, 'env')], { env: manualEnv });
    const work = join(dir, 'env');
    await must('sed', ['-i', `s/^\\([[:space:]]*tag:[[:space:]]*\\).*$/\\1"${tag}"/`, `values/${APP}.yaml`], { cwd: work });
    await must('git', ['commit', '-qam', `${APP} ${tag}`], { cwd: work, env: manualEnv });
    await must('git', ['push', '--quiet'], { cwd: work, env: manualEnv });
    const elapsed = performance.now() - started;
    if (!readFileSync(join(work, 'values', `${APP}.yaml`), 'utf8').includes(`tag: "${tag}"`))
      throw new Error(`sed did not change the tag in values/${APP}.yaml`);
    manualTimes.push(elapsed);
    console.log(`manual clone+sed+commit+push ${tag}: ${ms(elapsed)}`);
    rmSync(dir, { recursive: true, force: true });
  }
  const manualMedian = median(manualTimes);
  console.log(`manual median: ${ms(manualMedian)}`);

  console.log(`promote (${N}-app env): ${ms(promoteMedian)}; manual clone+sed+commit+push: ${ms(manualMedian)}`);
} finally {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  await server.stop();
}
