/**
 * `npm run synth`: load → generate → validate → write, in that order, one way. Nothing is
 * written unless every step before succeeded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { generatePlatform, type GeneratedPlatform, type PlatformModel } from '../generators/platform.js';
import { envClusters } from '../generators/prerequisites.js';
import { ConfigError, formatProblem } from './core/config-error.js';
import { packageVersion } from './core/package-root.js';
import { loadProject, type LoadedProject } from './load/load-project.js';
import type { EnvFile } from './load/load-envs.js';
import { cachedCrdDirs } from './crds/crd-cache.js';
import { CrdSchemas } from './validate/crd-schemas.js';
import { validateGenerated, type ValidationReport } from './validate/validate-output.js';
import { diffTrees, readTree, replaceOutDir } from './write/out-dir.js';
import { outDirLabel, refuseForbiddenOutDir } from './write/out-dir-safety.js';

export interface SynthOptions {
  /** The platform repo (holds charts-src/, envs/, package.json). */
  readonly root: string;
  /**
   * Replaced whole on each run, so it must be synth's own: missing, empty, or written by an
   * earlier synth; never the platform repo, a folder holding it, or one of its sources.
   * Relative to `root`.
   * @default '<root>/out'
   */
  readonly outDir?: string;
  /**
   * Folder of CRD YAML to validate custom resources against.
   * @default - package.json "slipway.crds", else the CRD cache `slipway crds pull` fills (.slipway/crds/)
   */
  readonly crdsDir?: string;
  /** Compare with out/ instead of writing it. */
  readonly check?: boolean;
  /** Env files' text to use instead of the disk's (`envs/<env>.yaml` → text). */
  readonly envOverrides?: ReadonlyMap<string, string>;
  /** Generate only these environments (and the charts of their apps). @default - all */
  readonly onlyEnvs?: readonly string[];
  /** Validate the generated objects. @default true */
  readonly validate?: boolean;
  /**
   * An earlier render whose objects the env repo holds already (a promotion's render before its
   * edit): objects equal to one of them skip the schema check, every other rule still applies.
   * @default - every object is schema-checked
   */
  readonly unchangedFrom?: GeneratedPlatform;
  /** Fail (instead of warning) when an env's apps need platform components nobody installs. */
  readonly strictPlatform?: boolean;
}

export interface SynthResult {
  readonly project: LoadedProject;
  readonly output: GeneratedPlatform;
  readonly validation: ValidationReport;
  /** The output directory (absolute), written or, with `check`, compared. */
  readonly outDir: string;
  /** How to show it: repo-relative (`out/`) when inside the platform repo, else absolute. */
  readonly outLabel: string;
  /** With `check`: what differs (`+`, `-`, `~` path); empty when out/ is up to date. */
  readonly differences: readonly string[];
}

/** Loads, generates and validates, without writing. */
export async function generate(options: SynthOptions): Promise<Omit<SynthResult, 'differences' | 'outDir' | 'outLabel'>> {
  const project = await loadProject(options.root, options.envOverrides);
  const model = { ...project.model, slipwayVersion: packageVersion() };
  const output = generatePlatform(options.onlyEnvs ? onlyEnvs(model, options.onlyEnvs) : model);
  if (output.refusals.length) {
    const envFileOf = new Map(project.envFiles.map((e) => [e.definition.name, e]));
    throw new ConfigError(
      output.refusals.map((r) => {
        const envFile = envFileOf.get(r.env);
        const field = `apps.${r.app}`;
        return formatProblem(envFile?.file ?? r.env, envFile?.locate(field), field, r.message);
      }),
    );
  }
  if (options.validate === false) return { project, output, validation: { unchecked: [], objectsChecked: 0 } };
  const crdsDir = options.crdsDir ?? configuredCrds(options.root);
  const crds = crdsDir ? loadCrds(crdsDir) : cachedCrds(options.root);
  const appFile = new Map(project.appFiles.map((a) => [a.definition.name, a.file]));
  const envFile = new Map(project.envFiles.map((e) => [e.definition.name, e.file]));
  const validation = validateGenerated(
    output,
    crds,
    (a) => appFile.get(a) ?? a,
    (e) => envFile.get(e) ?? e,
    options.unchangedFrom && objectsAsJson(options.unchangedFrom),
  );
  return { project, output, validation };
}

/** Every object of a render, as JSON. */
function objectsAsJson(output: GeneratedPlatform): Set<string> {
  return new Set(output.envs.flatMap((e) => [...e.apps.flatMap((a) => a.objects), ...e.argocd].map((o) => JSON.stringify(o))));
}

/**
 * The model cut down to some environments and the apps they deploy (a promotion renders one env),
 * with the envs that share their clusters as peers: what runs there decides the platform's config.
 */
function onlyEnvs(model: PlatformModel, names: readonly string[]): PlatformModel {
  const envs = model.envs.filter((e) => names.includes(e.name));
  const servers = new Set(envs.flatMap((e) => envClusters(e).map((c) => c.server)));
  const peers = model.envs.filter((e) => !names.includes(e.name) && envClusters(e).some((c) => servers.has(c.server)));
  const used = new Set([...envs, ...peers].flatMap((e) => Object.keys(e.apps)));
  return { ...model, apps: model.apps.filter((a) => used.has(a.name)), envs, peers };
}

export async function synth(options: SynthOptions): Promise<SynthResult> {
  const outDir = resolve(options.root, options.outDir ?? 'out');
  const outLabel = outDirLabel(outDir, options.root);
  // Refused before the (slower) generation: nothing could make such a directory acceptable.
  if (!options.check) refuseForbiddenOutDir(outDir, options.root, outLabel);
  const generated = await generate(options);
  if (options.strictPlatform && generated.output.missingPlatform.length) {
    throw new ConfigError(missingPlatformLines(generated.output, generated.project.envFiles));
  }
  if (options.check) {
    return { ...generated, outDir, outLabel, differences: diffTrees(readTree(outDir), generated.output.files) };
  }
  await replaceOutDir(outDir, generated.output.files, { root: options.root, label: outLabel });
  return { ...generated, outDir, outLabel, differences: [] };
}

/** `"slipway": { "crds": "<dir>" }` in the platform repo's package.json, relative to it. */
function configuredCrds(root: string): string | undefined {
  const pkgPath = join(root, 'package.json');
  if (!existsSync(pkgPath)) return undefined;
  const crds = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { slipway?: { crds?: unknown } }).slipway?.crds;
  if (crds === undefined) return undefined;
  if (typeof crds !== 'string') throw new ConfigError('package.json: slipway.crds: must be a path to a folder of CRD YAML');
  return isAbsolute(crds) ? crds : resolve(root, crds);
}

function loadCrds(dir: string): CrdSchemas {
  if (!existsSync(dir))
    throw new ConfigError(`${dir}: no such folder (the CRDs to validate custom resources against; --crds or package.json slipway.crds)`);
  try {
    return CrdSchemas.fromDirectory(dir);
  } catch (cause) {
    throw new ConfigError(`${dir}: ${(cause as Error).message.split('\n')[0]}`);
  }
}

/** The CRDs `slipway crds pull` cached for the pinned controller versions, or undefined when none is. */
function cachedCrds(root: string): CrdSchemas | undefined {
  const dirs = cachedCrdDirs(root);
  if (dirs.length === 0) return undefined;
  try {
    return CrdSchemas.fromSources({ directories: dirs });
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message.split('\n')[0]} (the CRD cache: run slipway crds pull again)`);
  }
}

/** One line per app and cluster that lacks what its delivery needs, at the app's line in its env file. */
export function missingPlatformLines(output: GeneratedPlatform, envFiles: readonly EnvFile[]): string[] {
  const byEnv = new Map(envFiles.map((e) => [e.definition.name, e]));
  return output.missingPlatform.map((m) => {
    const envFile = byEnv.get(m.env);
    const field = `apps.${m.app}`;
    return formatProblem(
      envFile?.file ?? `envs/${m.env}.yaml`,
      envFile?.locate(field),
      field,
      `needs ${m.missing.join(', ')} on cluster ${m.cluster}; add them to platform: (here, or in another env on the same cluster)`,
    );
  });
}

/** One line per cluster and need slipway cannot provide, naming who needs it. */
export function prerequisiteLines(output: GeneratedPlatform): string[] {
  const byNeed = new Map<string, { cluster: string; need: string; who: Set<string> }>();
  for (const p of output.prerequisites) {
    const key = `${p.cluster}\n${p.need}`;
    const entry = byNeed.get(key) ?? { cluster: p.cluster, need: p.need, who: new Set<string>() };
    entry.who.add(`${p.for} (${p.env})`);
    byNeed.set(key, entry);
  }
  return [...byNeed.values()].map((e) => `cluster ${e.cluster} must provide ${e.need}: for ${[...e.who].join(', ')}`);
}
