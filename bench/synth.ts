/**
 * Synth speed and memory: N synthetic apps × 3 environments, against `helm template` rendering
 * the same N × 3 charts one process each (as an Argo CD repo server would).
 *
 *   npm run bench                 # N = 100 and 1000, helm at N = 100
 *   npm run bench -- 50 500       # other sizes; helm runs at the smallest
 *
 * Prints figures; asserts nothing (speed belongs here, not in tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticPlatform } from './synthetic-apps.js';
import { ensureHelmBinaries, runHelmSync } from '../test/support/helm.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const ENVS = ['dev', 'staging', 'production'];

function makePlatform(n: number, parent?: string): string {
  const { root, appsYaml: apps } = syntheticPlatform(n, `slipway-bench-${n}-`, parent);
  for (const env of ENVS) {
    writeFileSync(
      join(root, 'envs', `${env}.yaml`),
      `name: ${env}
namespace: ${env}
domain: example.com
repo: example-org/${env}
${env === 'production' ? 'promotesFrom: staging\npinnedTags: true\n' : ''}apps:
${apps}`,
    );
  }
  return root;
}

/**
 * One `npm run synth` as a user runs it (the compiled CLI, out/ written), timed as a whole process;
 * peak memory from /usr/bin/time (the kernel's accounting of the child).
 */
function runSynth(root: string): { wallMs: number; maxRssMiB: number; files: number } {
  const synth = [process.execPath, join(REPO, 'src/cli/synth.mjs'), '--root', root, '--json'];
  // Without GNU time (Debian's `time` package) the peak is not measured (NaN).
  const [command, ...args] = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'maxrss-kib=%M', ...synth] : synth;
  const started = performance.now();
  const child = spawnSync(command!, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Math.round(performance.now() - started);
  if (child.status !== 0) throw new Error(`synth failed: ${child.stderr}`);
  const rss = Number(/maxrss-kib=(\d+)/.exec(child.stderr)?.[1]);
  return { wallMs, maxRssMiB: Math.round(rss / 1024), files: (JSON.parse(child.stdout) as { files: number }).files };
}

function helmTime(root: string, n: number): number {
  const helm = ensureHelmBinariesSync().find((b) => b.major === 4)!;
  const started = performance.now();
  for (const env of ENVS) {
    for (let i = 0; i < n; i++) {
      const name = `app-${String(i).padStart(4, '0')}`;
      const envDir = join(root, 'out', 'envs', env);
      const r = runHelmSync(helm, [
        'template',
        name,
        join(envDir, 'charts', name),
        '--namespace',
        env,
        '--values',
        join(envDir, 'values', `${name}.yaml`),
      ]);
      if (r.code !== 0) throw new Error(`helm template ${name}: ${r.stderr}`);
    }
  }
  return Math.round(performance.now() - started);
}

let binaries: Awaited<ReturnType<typeof ensureHelmBinaries>> | undefined;
function ensureHelmBinariesSync() {
  if (!binaries) throw new Error('helm binaries not fetched');
  return binaries;
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => x > 0);
const ns = sizes.length ? sizes : [100, 1000];
binaries = await ensureHelmBinaries();

let helmPerChartMs: number | undefined;
const rows: Array<{ n: number; wallMs: number; maxRssMiB: number; files: number }> = [];
for (const n of ns) {
  const root = makePlatform(n);
  try {
    const r = runSynth(root);
    rows.push({ n, ...r });
    console.log(`synth N=${n} × ${ENVS.length} envs: ${r.wallMs} ms wall, peak RSS ${r.maxRssMiB} MiB, ${r.files} files`);
    if (n === Math.min(...ns)) {
      const helm = helmTime(root, n);
      helmPerChartMs = helm / (n * ENVS.length);
      console.log(`helm template, ${n * ENVS.length} charts one process each: ${helm} ms; slipway/helm = ${(r.wallMs / helm).toFixed(3)}`);
    } else if (helmPerChartMs !== undefined) {
      // helm at this N would take minutes: one process per chart costs the same at any N, so
      // its time is the measured per-chart time times the charts (labelled as such).
      const helm = helmPerChartMs * n * ENVS.length;
      console.log(
        `helm template, ${n * ENVS.length} charts (per-chart time at the smaller N × charts): ~${Math.round(helm)} ms; slipway/helm = ${(r.wallMs / helm).toFixed(3)} (target ≤ 0.03)`,
      );
    }
    if (n === Math.max(...ns)) {
      // One tag changed in one env, then synth again: what a promotion asks of synth. There is
      // no incremental synth yet, so this is a full synth; the row is here to show it.
      const file = join(root, 'envs', 'staging.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('tag: "1.0.0"', 'tag: "1.0.1"'));
      const again = runSynth(root);
      console.log(
        `synth N=${n} again after one tag change in staging: ${again.wallMs} ms wall (target ≤ 500 ms; full synth, not incremental)`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
// The same largest synth with the platform repo (and so out/) on a memory-backed file system:
// the work without the disk. On this kind of VM, creating a file took from 28 µs to over 1 ms
// (strace) from one hour to the next, so the disk row alone cannot show what changed in slipway.
const memory = '/dev/shm';
if (existsSync(memory) && ns.length > 0) {
  const n = Math.max(...ns);
  const root = makePlatform(n, memory);
  try {
    const r = runSynth(root);
    const helm = helmPerChartMs === undefined ? undefined : helmPerChartMs * n * ENVS.length;
    console.log(
      `synth N=${n} × ${ENVS.length} envs, platform repo and out/ in ${memory} (no disk): ${r.wallMs} ms wall, peak RSS ${r.maxRssMiB} MiB` +
        (helm === undefined ? '' : `; slipway/helm = ${(r.wallMs / helm).toFixed(3)}`),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
if (rows.length >= 2) {
  const [a, b] = [rows[0]!, rows[rows.length - 1]!];
  console.log(`scaling: time(N=${b.n})/time(N=${a.n}) = ${(b.wallMs / a.wallMs).toFixed(2)} (linear would be ${(b.n / a.n).toFixed(0)})`);
}
const sample = performance.now();
const s = spawnSync('npm', ['run', 'synth', '--silent'], { cwd: REPO, encoding: 'utf8' });
console.log(`sample catalog, npm run synth: ${Math.round(performance.now() - sample)} ms wall (exit ${s.status})`);
