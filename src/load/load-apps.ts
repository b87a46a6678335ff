/**
 * Loads `charts-src/<app>.ts`: each file default-exports `defineApp({...})`. TypeScript checks
 * the shape at compile time; this checks the values (names, ports, quantities...) at run time,
 * with messages naming the file and field.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import type { AppDefinition } from '../../generators/app-definition.js';
import { checkDeliveryDefinition, deliveryKindNames } from '../../generators/delivery-kinds/index.js';
import { ConfigError, Problems, type Position } from '../core/config-error.js';
import { importBundled, runningGenerators, type BundledImport } from './app-bundle.js';
import { findControlStrings, inputFileProblem, readInputFile } from './input-guards.js';
import {
  DNS_1035_LABEL,
  DNS_1035_RULE,
  DNS_1123_SUBDOMAIN,
  ENV_VAR_NAME,
  IMAGE_REPOSITORY,
  MAX_REPLICAS,
  QUANTITY,
  REPLICAS_CEILING,
  RESERVED_APP_PREFIX,
  SECRET_KEY,
  SEMVER,
} from './names.js';

export interface AppFile {
  readonly file: string;
  readonly definition: AppDefinition;
}

/** Imports every app definition of `dir`; `displayDir` is how messages name the folder. */
export async function loadAppFiles(dir: string, displayDir = 'charts-src'): Promise<AppFile[]> {
  const problems = new Problems();
  const files = readdirSync(dir)
    .filter((f) => APP_FILE.test(f) && !/\.d\.m?ts$/.test(f))
    .sort();
  // `go-demo-9.js` beside `go-demo-9.ts`: both would define app go-demo-9, one silently.
  const byName = new Map<string, string>();
  for (const f of files) {
    const base = f.replace(APP_FILE, '');
    const first = byName.get(base);
    if (first === undefined) byName.set(base, f);
    else
      problems.add(
        `${displayDir}/${first}`,
        '',
        `defines app '${base}', as ${displayDir}/${f} does; one would silently replace the other: keep one of the two files`,
      );
  }
  const duplicated = new Set(files.filter((f) => byName.get(f.replace(APP_FILE, '')) !== f).map((f) => f.replace(APP_FILE, '')));
  const apps: AppFile[] = [];
  const loading = await startImports(dir, files, duplicated);
  for (const [f, load] of loading) {
    const file = `${displayDir}/${f}`;
    const path = resolve(join(dir, f));
    if ('unreadable' in load) {
      problems.add(file, '', load.unreadable);
      continue;
    }
    let mod: { default?: unknown };
    try {
      if ('buildError' in load) throw load.buildError;
      mod = await load;
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      const syntax = syntaxError(path, f) ?? esbuildError(cause, f);
      if (syntax) problems.add(file, '', `cannot be loaded: ${syntax.text}`, syntax.at);
      else problems.add(file, '', `cannot be loaded: ${firstLine(cause)}`);
      continue;
    }
    const def = mod.default as AppDefinition | undefined;
    if (!def || typeof def !== 'object' || def.kind !== 'slipway.app') {
      problems.add(file, '', 'must `export default defineApp({...})`');
      continue;
    }
    checkApp(def, file, f.replace(/\.(ts|mts|js|mjs)$/, ''), problems);
    apps.push({ file, definition: def });
  }
  problems.throwIfAny();
  return apps;
}

const APP_FILE = /\.(ts|mts|js|mjs)$/;

type Loading = Map<string, BundledImport | { readonly unreadable: string }>;

const builds = new Map<string, Promise<Map<string, BundledImport>>>();

/**
 * Every readable file's import, started at once and kept in file order. From the CLI, the files are
 * built together first (app-bundle.ts); elsewhere (vitest, a library user) each is imported as it
 * is, through whatever loader runs TypeScript there.
 */
async function startImports(dir: string, files: readonly string[], duplicated: ReadonlySet<string>): Promise<Loading> {
  const loading: Loading = new Map();
  const readable: string[] = [];
  for (const f of files) {
    if (duplicated.has(f.replace(APP_FILE, ''))) continue;
    const path = resolve(join(dir, f));
    const unreadable = inputFileProblem(path, 'charts-src files');
    if (unreadable) loading.set(f, { unreadable });
    else readable.push(f);
  }
  const generators = runningGenerators();
  if (generators && readable.length > 0) {
    const paths = readable.map((f) => resolve(join(dir, f)));
    // A command that loads the project twice (promote renders before and after its edit) builds
    // once, as Node's module cache would have it; an app file added or changed since builds again.
    const key = JSON.stringify([
      dir,
      paths.map((p) => {
        const { size, mtimeMs } = statSync(p);
        return [p, size, mtimeMs];
      }),
    ]);
    let building = builds.get(key);
    if (!building) builds.set(key, (building = importBundled(dir, paths, generators)));
    const built = await building;
    for (const [i, f] of readable.entries()) loading.set(f, built.get(paths[i]!)!);
  } else {
    for (const f of readable) {
      const imported = import(pathToFileURL(resolve(join(dir, f))).href) as Promise<{ default?: unknown }>;
      imported.catch(() => undefined); // handled by the caller, in order
      loading.set(f, imported);
    }
  }
  // Keep the files' order (unreadable ones were set first).
  return new Map(files.filter((f) => loading.has(f)).map((f) => [f, loading.get(f)!]));
}

interface SyntaxProblem {
  /** `line 12, column 7` (1-based), or empty when esbuild gave no place. */
  readonly at?: Position;
  readonly text: string;
}

/**
 * Where and why `path` does not parse, asked of esbuild directly: the loader's own error (the CLI's
 * hooks, vitest's transform) arrives cut to "Transform failed with 1 error:". Undefined when it
 * parses: the import failed for another reason.
 */
function syntaxError(path: string, name: string): SyntaxProblem | undefined {
  const read = readInputFile(path, 'charts-src files');
  if ('problem' in read) return undefined;
  try {
    transformSync(read.text, { loader: /\.m?ts$/.test(name) ? 'ts' : 'js', format: 'esm', sourcefile: name });
    return undefined;
  } catch (cause) {
    return esbuildError(cause);
  }
}

/**
 * The first message of an esbuild error (`{ errors: [{ text, location: { file, line, column } }] }`).
 * A place in another file (a helper the app file imports) is named in the text, not given as the
 * app file's own line.
 */
function esbuildError(cause: unknown, name?: string): SyntaxProblem | undefined {
  const first = (cause as { errors?: Array<{ text?: string; location?: { file?: string; line: number; column: number } | null }> })
    ?.errors?.[0];
  if (!first?.text) return undefined;
  const loc = first.location;
  if (loc?.file && name !== undefined && loc.file !== name) return { text: `${loc.file}:${loc.line}:${loc.column + 1}: ${first.text}` };
  return { ...(loc ? { at: { line: loc.line, column: loc.column + 1 } } : {}), text: first.text };
}

/** The first non-empty line of an error's message. */
function firstLine(cause: unknown): string {
  const message = String((cause as Error)?.message ?? cause);
  return (
    message
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? message
  );
}

/** `delivery.<kind>`: where a Delivery keeps its kind's settings (`Delivery.canary({...})` → `delivery.canary`). */
const DELIVERY_SETTINGS = new RegExp(`^delivery\\.(${deliveryKindNames().join('|')})(?=\\.|$)`);

/** Fields of the definition by the names `defineApp` takes (`secretEnv` is part of `env`, delivery settings sit under `delivery`). */
function propName(field: string): string | undefined {
  if (field === 'extend') return undefined;
  return field.replace(/^secretEnv(?=\.|$)/, 'env').replace(DELIVERY_SETTINGS, 'delivery');
}

/** Run-time checks of one definition; adds to `problems`. */
function checkApp(app: AppDefinition, file: string, baseName: string, problems: Problems): void {
  const add = (field: string, message: string) => problems.add(file, field, message);
  // Control characters first, and alone: U+0001/U+0002 are the chart emitter's own markers.
  const controls = findControlStrings(app, '', propName);
  if (controls.length > 0) {
    for (const c of controls) add(c.field, c.message);
    return;
  }
  if (typeof app.name !== 'string' || !DNS_1035_LABEL.test(app.name)) {
    add('name', `'${String(app.name)}' ${DNS_1035_RULE}`);
  } else if (app.name.startsWith(RESERVED_APP_PREFIX)) {
    add(
      'name',
      `'${app.name}' starts with '${RESERVED_APP_PREFIX}', which slipway keeps for itself: env repos hold platform components' Applications in apps/${RESERVED_APP_PREFIX}<component>.yaml, so this app's apps/${app.name}.yaml could be one of them; rename the app`,
    );
  } else if (app.name !== baseName) {
    add('name', `'${app.name}' must equal the file name ('${baseName}')`);
  }
  if (typeof app.image !== 'string' || !IMAGE_REPOSITORY.test(app.image)) {
    add('image', `'${String(app.image)}' is not an image repository without tag (e.g. vfarcic/devops-toolkit-series)`);
  }
  if (!SEMVER.test(app.chartVersion)) add('chartVersion', `'${app.chartVersion}' is not SemVer (e.g. 0.1.0)`);
  if (typeof app.appVersion !== 'string' || app.appVersion === '') add('appVersion', 'must be a non-empty string');
  if (!Number.isInteger(app.port) || app.port < 1 || app.port > 65535) add('port', `${app.port} is not a port (1-65535)`);
  if (typeof app.probePath !== 'string' || !app.probePath.startsWith('/')) add('probePath', `'${app.probePath}' must start with /`);
  for (const side of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'] as const) {
      const q = app.resources[side][res];
      if (typeof q !== 'string' || !QUANTITY.test(q))
        add(`resources.${side}.${res}`, `'${String(q)}' is not a Kubernetes quantity (e.g. 100m, 128Mi)`);
    }
  }
  const ceiling = (field: string, n: unknown) => {
    if (Number.isInteger(n) && (n as number) > MAX_REPLICAS) add(field, `${n as number} is above ${MAX_REPLICAS}, ${REPLICAS_CEILING}`);
  };
  if (!Number.isInteger(app.replicas) || app.replicas < 0) add('replicas', `${app.replicas} must be a whole number >= 0`);
  else ceiling('replicas', app.replicas);
  const a = app.autoscaling;
  if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) add('autoscaling.minReplicas', `${a.minReplicas} must be a whole number >= 1`);
  else ceiling('autoscaling.minReplicas', a.minReplicas);
  if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas)
    add('autoscaling.maxReplicas', `${a.maxReplicas} must be a whole number >= minReplicas (${a.minReplicas})`);
  else ceiling('autoscaling.maxReplicas', a.maxReplicas);
  if (!Number.isInteger(a.cpuUtilization) || a.cpuUtilization < 1 || a.cpuUtilization > 100)
    add('autoscaling.cpuUtilization', `${a.cpuUtilization} must be 1-100`);
  for (const [name, value] of Object.entries(app.env)) {
    if (!ENV_VAR_NAME.test(name)) add(`env.${name}`, 'is not a valid environment variable name');
    if (typeof value !== 'string') add(`env.${name}`, 'must be a string or {secret, key}');
  }
  for (const [name, ref] of Object.entries(app.secretEnv)) {
    if (!ENV_VAR_NAME.test(name)) add(`env.${name}`, 'is not a valid environment variable name');
    if (!ref || typeof ref.secret !== 'string' || !DNS_1123_SUBDOMAIN.test(ref.secret))
      add(`env.${name}.secret`, `'${String(ref?.secret)}' is not a Secret name`);
    if (!ref || typeof ref.key !== 'string' || !SECRET_KEY.test(ref.key))
      add(`env.${name}.key`, `'${String(ref?.key)}' is not a Secret key`);
  }
  app.writablePaths.forEach((p, i) => {
    if (typeof p !== 'string' || !p.startsWith('/')) add(`writablePaths[${i}]`, `'${String(p)}' must be an absolute path`);
  });
  if (app.security.runAsUser !== undefined && (!Number.isInteger(app.security.runAsUser) || app.security.runAsUser < 0)) {
    add('security.runAsUser', `${app.security.runAsUser} must be a whole number >= 0`);
  }
  if (app.security.runAsNonRoot && app.security.runAsUser === 0) add('security.runAsUser', '0 (root) contradicts runAsNonRoot');
  // Each delivery kind checks its own settings (generators/delivery-kinds/<kind>).
  for (const [f, m] of checkDeliveryDefinition(app)) add(f, m);
  if (app.ingress.tls && !DNS_1123_SUBDOMAIN.test(app.ingress.tls.secretName))
    add('ingress.tls.secretName', `'${app.ingress.tls.secretName}' is not a Secret name`);
}
