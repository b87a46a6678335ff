/**
 * CLI start-up and the commands people run all day, each beside its baseline in the same run:
 * `slipway --help` and `--version` against `node -e 0`, the sample's `npm run synth` against its
 * target, and `slipway status` on the sample's local env repos against `git ls-remote` of the same
 * repos. Medians of several runs, raw figures and ratios; the machine's core count.
 *
 *   node --import ./src/cli/register-ts.mjs bench/cli.ts        # from the slipway checkout
 *
 * Runs the launchers as a user does: dist/ when it is fresh (`npm run build` first), which this
 * script says. Prints figures; asserts nothing (speed belongs here, not in tests).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const RUNS = 7;

function time(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${command} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

function median(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): number {
  time(command, args, cwd, env); // warm the file cache
  const xs = Array.from({ length: RUNS }, () => time(command, args, cwd, env)).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const row = (what: string, value: number, base: number, baseName: string, target: string) =>
  console.log(
    `${what.padEnd(34)} ${ms(value).padStart(8)}   ${baseName.padEnd(22)} ${ms(base).padStart(8)}   ratio ${(value / base).toFixed(2).padStart(5)}   target ${target}`,
  );

// The sample in a scratch copy, bootstrapped to its local bare env repos (offline).
const root = mkdtempSync(join(tmpdir(), 'slipway-bench-cli-'));
for (const dir of ['charts-src', 'envs']) cpSync(join(REPO, dir), join(root, dir), { recursive: true });
cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
symlinkSync(join(REPO, 'generators'), join(root, 'generators'));
symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
const slipway = join(REPO, 'src/cli/slipway.mjs');
const env = { ...process.env, NO_COLOR: '1' };
try {
  time(process.execPath, [slipway, '--root', root, 'bootstrap', '-q'], root, env);
  const built = existsSync(join(REPO, 'dist/sources.json'));
  console.log(
    `${cpus().length} cores, node ${process.version}, medians of ${RUNS} runs; dist/ ${built ? 'built (used while fresh)' : 'missing: run npm run build'}`,
  );

  const node = median(process.execPath, ['-e', '0'], root);
  row('slipway --help', median(process.execPath, [slipway, '--help'], root, env), node, 'node -e 0', '≤ 2×');
  row('slipway --version', median(process.execPath, [slipway, '--version'], root, env), node, 'node -e 0', '≤ 2×');

  const remotes = ['staging', 'production'].map((e) => join(root, '.slipway/remotes', `${e}.git`));
  const lsRemote = median('bash', ['-c', remotes.map((r) => `git ls-remote ${r} >/dev/null`).join(' && ')], root);
  row(
    'slipway status (sample, 2 envs)',
    median(process.execPath, [slipway, '--root', root, 'status'], root, env),
    lsRemote,
    'git ls-remote ×2',
    '≤ 4×',
  );

  const synth = median(process.execPath, [join(REPO, 'src/cli/synth.mjs'), '--root', root], root, env);
  row('npm run synth (sample)', synth, 400, 'target', '≤ 400 ms');
} finally {
  rmSync(root, { recursive: true, force: true });
}
