/**
 * The sample catalog generated once per test file, and written to a temp folder so real tools
 * (helm, git) can read it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { EnvDefinition, FleetCluster } from '../../generators/environment.js';
import type { PlatformModel } from '../../generators/platform.js';
import { loadProject } from '../../src/load/load-project.js';
import { setTags } from '../../src/promotion/env-file-edit.js';
import { generate } from '../../src/synth.js';
import { assertConfinedPaths } from '../../src/write/confine-path.js';
import { HAVE_SHARED, SHARED_CRDS } from './shared.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export { SHARED_CRDS } from './shared.js';

/**
 * The tags generator tests see, per env and app, whatever the sample's env files say today: a
 * promotion in the sample (the README's quick start makes one) must not break a generator test.
 */
export const SAMPLE_TAGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  staging: { 'devops-toolkit': '2.9.17', 'devops-paradox': '1.71', 'go-demo-9': '0.0.1' },
  production: { 'devops-toolkit': '2.9.9', 'devops-paradox': '1.71', 'go-demo-9': '0.0.1' },
};

/** The sample's env files with SAMPLE_TAGS in place of their tags (text, for envOverrides). */
function pinnedSampleEnvs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [env, tags] of Object.entries(SAMPLE_TAGS)) {
    const file = `envs/${env}.yaml`;
    files.set(file, setTags(readFileSync(join(REPO_ROOT, file), 'utf8'), new Map(Object.entries(tags)), file));
  }
  return files;
}

/** The sample's model, tags pinned (SAMPLE_TAGS). */
export async function sampleModel(): Promise<PlatformModel> {
  return (await loadProject(REPO_ROOT, pinnedSampleEnvs())).model;
}

/**
 * The sample with production as a fleet of `clusters`, and staging on the first of them: a
 * consistent fleet, where every app runs on a cluster whose controllers production installs
 * (staging declares none of its own, as in the sample, where it shares production's cluster).
 */
export function fleetModel(model: PlatformModel, clusters: readonly FleetCluster[]): PlatformModel {
  const first = { name: clusters[0]!.name, server: clusters[0]!.server };
  return {
    ...model,
    envs: model.envs.map(
      (e): EnvDefinition =>
        e.name === 'production' ? { ...e, cluster: first, fleet: clusters } : e.name === 'staging' ? { ...e, cluster: first } : e,
    ),
  };
}

/** The sample, tags pinned, generated and validated (against the upstream CRDs too, when ../shared/ is there). */
export async function generateSample() {
  return generate({ root: REPO_ROOT, envOverrides: pinnedSampleEnvs(), ...(HAVE_SHARED ? { crdsDir: SHARED_CRDS } : {}) });
}

/** Writes a file tree under a new temp folder; returns the folder. */
export function writeTemp(files: ReadonlyMap<string, string>, prefix = 'slipway-out-'): string {
  // The same confinement as out/: a hostile object name in a test must not write outside the folder.
  assertConfinedPaths(files.keys(), 'temp');
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Parses a multi-document YAML stream into plain objects, dropping empty documents. */
export function parseDocs(text: string): Array<Record<string, unknown>> {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(d.errors[0]!.message);
      return d.toJS() as Record<string, unknown> | null;
    })
    .filter((d): d is Record<string, unknown> => d !== null);
}

/** Orders objects by kind and name, so two renders compare regardless of document order. */
export function byKindAndName<T extends Record<string, unknown>>(objects: readonly T[]): T[] {
  const key = (o: T) => `${String(o.kind)}/${String((o.metadata as { name?: unknown })?.name)}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}
