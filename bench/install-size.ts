/**
 * What `npm install slipway` puts on disk: the production dependency tree (what `npm ci
 * --omit=dev` installs), measured on a real `npm ci --omit=dev` of this package.json and lock in a scratch folder, beside the
 * whole node_modules of a checkout (dev tools included) for scale. Bytes are file sizes summed
 * (what a tarball carries) and disk blocks used (what `du` shows).
 *
 *   node --import ./src/cli/register-ts.mjs bench/install-size.ts
 */
import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BASELINE = '9e955da';

interface Size {
  bytes: number;
  blocks: number;
}

function sizeOf(dir: string, skip: (path: string) => boolean = () => false): Size {
  const total: Size = { bytes: 0, blocks: 0 };
  const stack = [dir];
  for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (skip(path)) continue;
      const st = lstatSync(path);
      total.bytes += st.isDirectory() ? 0 : st.size;
      total.blocks += st.blocks * 512;
      if (entry.isDirectory()) stack.push(path);
    }
  }
  return total;
}

/** A real `npm ci --omit=dev` of this package.json and lock (or those of a git revision), in a scratch folder (from npm's cache when it has them). */
function productionInstall(revision?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-install-size-'));
  for (const f of ['package.json', 'package-lock.json']) {
    if (revision === undefined) cpSync(join(REPO, f), join(dir, f));
    else writeFileSync(join(dir, f), execFileSync('git', ['show', `${revision}:${f}`], { cwd: REPO }));
  }
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'ignore',
  });
  return join(dir, 'node_modules');
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const installed = productionInstall();
const production = sizeOf(installed);
const packages = readdirSync(installed)
  .filter((n) => !n.startsWith('.'))
  .flatMap((n) => (n.startsWith('@') ? readdirSync(join(installed, n)).map((m) => join(installed, n, m)) : [join(installed, n)]));
const all = sizeOf(join(REPO, 'node_modules'));
const dist = sizeOf(join(REPO, 'dist'), (p) => p.endsWith('.map'));
console.log(
  `production dependencies (npm ci --omit=dev): ${packages.length} top-level packages, ${mb(production.bytes)} in files, ${mb(production.blocks)} on disk`,
);
console.log(
  `  largest: ${packages
    .map((d) => [d.slice(d.lastIndexOf('node_modules/') + 13), sizeOf(d).blocks] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, blocks]) => `${name} ${mb(blocks)}`)
    .join(', ')}`,
);
console.log(`slipway's own dist/ (without source maps): ${mb(dist.bytes)}`);
console.log(`a checkout's node_modules (dev tools included): ${mb(all.bytes)} in files, ${mb(all.blocks)} on disk`);
// The baseline beside it: the dependencies before client-node and kubernetes-models became
// build-time only (2026-12-02).
const baselineDir = productionInstall(BASELINE);
const baseline = sizeOf(baselineDir);
console.log(
  `baseline ${BASELINE}: ${mb(baseline.bytes)} in files, ${mb(baseline.blocks)} on disk; ratio ${(production.bytes / baseline.bytes).toFixed(2)} in files, ${(production.blocks / baseline.blocks).toFixed(2)} on disk (target ≤ 0.5)`,
);
for (const dir of [installed, baselineDir]) rmSync(dirname(dir), { recursive: true, force: true });
