/**
 * `slipway add app <name>` and `slipway add env <name>`: a new app definition (and its tag in the
 * chosen envs), or a new env file. Names are checked as the loader checks them; existing names
 * are refused; every file edited is validated in memory, as the loader would read it, before
 * anything is written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError } from '../core/config-error.js';
import { loadEnvFiles } from '../load/load-envs.js';
import { DNS_1035_LABEL, DNS_1035_RULE } from '../load/names.js';
import { addAppEntry } from './env-file-add.js';
import { existing, type PlannedFiles, writePlanned } from './files.js';
import { appFile, DELIVERY_FACTORIES, envFile } from './templates.js';

/** Where a platform repo's env files find the schema: the installed package's. */
export const ENV_SCHEMA_FROM_ENVS = '../node_modules/slipway/envs/env.schema.json';

function checkName(what: string, name: string): void {
  if (!DNS_1035_LABEL.test(name)) throw new ConfigError(`${what} name '${name}' ${DNS_1035_RULE}`);
}

function envNames(root: string): string[] {
  try {
    return readdirSync(join(root, 'envs'))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => f.replace(/\.ya?ml$/, ''))
      .sort();
  } catch {
    return [];
  }
}

function envFileName(root: string, env: string): string {
  return readdirSync(join(root, 'envs')).find((f) => f === `${env}.yaml` || f === `${env}.yml`) ?? `${env}.yaml`;
}

/** Loads the env files with `planned` in place of theirs, as synth would: throws their problems. */
function validateEnvFiles(root: string, planned: PlannedFiles): void {
  const overrides = new Map([...planned].filter(([p]) => p.startsWith('envs/')));
  loadEnvFiles(join(root, 'envs'), 'envs', overrides);
}

export interface AddAppOptions {
  readonly root: string;
  readonly name: string;
  readonly delivery?: string;
  readonly image?: string;
  readonly port?: number;
  readonly tag?: string;
  /** Envs to add the app to; default: every env. */
  readonly envs?: readonly string[];
}

export interface AddResult {
  readonly written: readonly string[];
}

export function planAddApp(o: AddAppOptions): PlannedFiles {
  checkName('app', o.name);
  const delivery = o.delivery ?? 'deployment';
  if (!Object.hasOwn(DELIVERY_FACTORIES, delivery)) {
    throw new ConfigError(`--delivery: unknown delivery '${delivery}' (one of ${Object.keys(DELIVERY_FACTORIES).join(', ')})`);
  }
  const port = o.port ?? 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`--port: '${o.port}' is not a port (1-65535)`);
  const tag = o.tag ?? '0.1.0';
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new ConfigError(`--tag: '${tag}' is not an image tag`);
  const image = o.image ?? `ghcr.io/my-org/${o.name}`;
  if (/\s|:[^/]*$|@/.test(image))
    throw new ConfigError(`--image: '${image}' must be a repository without tag or digest (envs set the tag)`);

  const appPath = `charts-src/${o.name}.ts`;
  if (existing(o.root, new Map([[appPath, '']])).length > 0) throw new ConfigError(`${appPath}: app '${o.name}' exists already`);
  const all = envNames(o.root);
  const chosen = o.envs ?? all;
  for (const env of chosen) if (!all.includes(env)) throw new ConfigError(`--env: no env '${env}' (envs/ has ${all.join(', ') || 'none'})`);

  const planned = new Map<string, string>([[appPath, appFile({ name: o.name, image, port, appVersion: tag, delivery, probePath: '/' })]]);
  for (const env of chosen) {
    const file = `envs/${envFileName(o.root, env)}`;
    const text = readFileSync(join(o.root, file), 'utf8');
    planned.set(file, addAppEntryOnce(text, o.name, tag, file));
  }
  validateEnvFiles(o.root, planned);
  return planned;
}

function addAppEntryOnce(text: string, app: string, tag: string, file: string): string {
  try {
    return addAppEntry(text, app, tag, file);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

export function addApp(o: AddAppOptions): AddResult {
  const planned = planAddApp(o);
  writePlanned(o.root, planned);
  return { written: [...planned.keys()] };
}

export interface AddEnvOptions {
  readonly root: string;
  readonly name: string;
  readonly promotesFrom?: string;
  readonly promotion?: string;
  readonly repo?: string;
  /** What Argo CD pulls (envs' `repoURL`); default for a local `repo`: a placeholder GitHub URL to edit. */
  readonly repoURL?: string;
  readonly domain?: string;
}

export function planAddEnv(o: AddEnvOptions): PlannedFiles {
  checkName('env', o.name);
  const all = envNames(o.root);
  if (all.includes(o.name)) throw new ConfigError(`envs/${envFileName(o.root, o.name)}: env '${o.name}' exists already`);
  const promotion = o.promotion ?? 'direct';
  if (promotion !== 'direct' && promotion !== 'pr') throw new ConfigError(`--promotion: '${promotion}' is not direct or pr`);
  let apps: Array<[string, string]> = [];
  let domain = o.domain;
  if (o.promotesFrom !== undefined) {
    if (!all.includes(o.promotesFrom))
      throw new ConfigError(`--promotes-from: no env '${o.promotesFrom}' (envs/ has ${all.join(', ') || 'none'})`);
    // The new env starts with what the env it promotes from runs: same apps, same tags.
    const from = loadEnvFiles(join(o.root, 'envs')).find((e) => e.definition.name === o.promotesFrom)?.definition;
    apps = Object.entries(from?.apps ?? {}).flatMap(([app, a]) => (typeof a?.tag === 'string' ? [[app, a.tag] as [string, string]] : []));
    domain ??= from?.domain;
  }
  const repo = o.repo ?? `./.slipway/remotes/${o.name}.git`;
  const planned = new Map([
    [
      `envs/${o.name}.yaml`,
      envFile({
        name: o.name,
        domain: domain ?? 'example.com',
        repo,
        // A local path is for trying the flow offline; Argo CD needs a URL it can reach.
        repoURL: o.repoURL ?? (/^(\.{1,2}\/|\/)/.test(repo) ? `https://github.com/my-org/platform-${o.name}.git` : undefined),
        promotesFrom: o.promotesFrom,
        promotion,
        apps,
        schema: ENV_SCHEMA_FROM_ENVS,
      }),
    ],
  ]);
  validateEnvFiles(o.root, planned);
  return planned;
}

export function addEnv(o: AddEnvOptions): AddResult {
  const planned = planAddEnv(o);
  writePlanned(o.root, planned);
  return { written: [...planned.keys()] };
}
