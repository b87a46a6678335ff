/**
 * Reads `envs/*.yaml`: YAML parse (duplicate keys are errors), validation against the published
 * `envs/env.schema.json`, then defaults. Messages name file, line and field:
 * `envs/production.yaml:27: apps.devops-toolkit.tag: required`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvAppSettings, EnvDefinition, EnvRepo, FleetCluster, TrackPolicy } from '../../generators/environment.js';
import type { PlatformChoice } from '../../generators/platform-components.js';
import { ENV_DEFAULTS } from '../../generators/env-defaults.js';
import type { GatewayServiceType } from '../../generators/rules/istio-gateway.js';
import { parsePrometheusService } from '../../generators/rules/prometheus.js';
import { ConfigError, Problems, type Locate, type Position } from '../core/config-error.js';
import { policyProblems } from '../core/tag-policy.js';
import { parseEnvYaml } from './env-yaml.js';
import { readInputFile } from './input-guards.js';
import { describeErrors } from './env-schema-wording.js';
import { envValidator } from './env-validator.js';

/** An env file as written, validated against the schema. */
export interface EnvFile {
  readonly file: string;
  readonly definition: EnvDefinition;
  /** Where a field (`apps.web.tag`) is written in the file, for messages. */
  readonly locate: (field: string) => Position | undefined;
}

/** Positions of fields in any of `envFiles`, for a `Problems` whose lines should carry them. */
export function locateIn(envFiles: readonly EnvFile[]): Locate {
  const byFile = new Map(envFiles.map((e) => [e.file, e]));
  return (file, field) => byFile.get(file)?.locate(field);
}

/** Loads every env file of `envsDir`; `displayDir` is how messages name the folder (e.g. `envs`). */
export function loadEnvFiles(envsDir: string, displayDir = 'envs', overrides: ReadonlyMap<string, string> = new Map()): EnvFile[] {
  // Filled as files parse: a problem about a field of a parsed file names the field's line.
  const located = new Map<string, (field: string) => Position | undefined>();
  const problems = new Problems((file, field) => located.get(file)?.(field));
  const files = readdirSync(envsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const result: EnvFile[] = [];
  // `production.yml` beside `production.yaml`: both would define env production, one silently.
  const byName = new Map<string, string>();
  for (const f of files) {
    const base = f.replace(/\.ya?ml$/, '');
    const first = byName.get(base);
    if (first === undefined) byName.set(base, f);
    else
      problems.add(
        `${displayDir}/${first}`,
        '',
        `defines env '${base}', as ${displayDir}/${f} does; one would silently replace the other: keep one of the two files`,
      );
  }
  const duplicated = new Set(files.filter((f) => byName.get(f.replace(/\.ya?ml$/, '')) !== f).map((f) => f.replace(/\.ya?ml$/, '')));
  for (const f of files) {
    if (duplicated.has(f.replace(/\.ya?ml$/, ''))) continue;
    const env = loadEnvFile(join(envsDir, f), `${displayDir}/${f}`, problems, located, overrides.get(`${displayDir}/${f}`));
    if (env) result.push(env);
  }
  problems.throwIfAny();
  return result;
}

function loadEnvFile(
  path: string,
  file: string,
  problems: Problems,
  located: Map<string, (field: string) => Position | undefined>,
  override?: string,
): EnvFile | undefined {
  let text = override;
  if (text === undefined) {
    const read = readInputFile(path, 'env files');
    if ('problem' in read) {
      problems.add(file, '', read.problem);
      return undefined;
    }
    text = read.text;
  }
  const parsed = parseEnvYaml(text, file, problems);
  if (!parsed) return undefined;
  const { doc, data, locate } = parsed;
  located.set(file, locate);
  const validate = envValidator();
  if (!validate(data)) {
    for (const line of describeErrors(validate.errors ?? [], doc, text)) problems.add(file, line.field, line.message);
    return undefined;
  }
  const raw = data as RawEnv;
  const base = file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  if (raw.name !== base) {
    problems.add(file, 'name', `'${raw.name}' must equal the file name ('${base}')`);
    return undefined;
  }
  const repo = parseRepo(raw, file, problems);
  if (!repo) return undefined;
  const platform = (raw.platform ?? []).map((c) => (typeof c === 'string' ? { component: c } : c));
  const prometheus = raw.prometheus ?? ENV_DEFAULTS.prometheus;
  if (platform.some((p) => p.component === 'prometheus') && !parsePrometheusService(prometheus)) {
    problems.add(
      file,
      'prometheus',
      `'${prometheus}' is not what the prometheus component serves: http://<service>.<namespace>[.svc[.cluster.local]][:port], no path`,
    );
    return undefined;
  }
  const fleet = parseFleet(raw, file, problems);
  if (fleet === null) return undefined;
  const apps: Record<string, EnvAppSettings> = {};
  let badPolicy = false;
  for (const [name, { track, ...a }] of Object.entries(raw.apps)) {
    const policy = track === undefined ? undefined : parseTrack(track, raw, `apps.${name}.track`, file, problems);
    if (policy === null) badPolicy = true;
    apps[name] = { ...a, enabled: a.enabled ?? ENV_DEFAULTS['apps.*.enabled'], ...(policy ? { track: policy } : {}) };
  }
  if (badPolicy) return undefined;
  return {
    file,
    locate,
    definition: {
      name: raw.name,
      namespace: raw.namespace,
      domain: raw.domain,
      hostPattern: raw.hostPattern ?? ENV_DEFAULTS.hostPattern,
      cluster: fleet?.[0]
        ? { name: fleet[0].name, server: fleet[0].server }
        : { name: raw.cluster?.name ?? ENV_DEFAULTS['cluster.name'], server: raw.cluster?.server ?? ENV_DEFAULTS['cluster.server'] },
      ...(fleet ? { fleet } : {}),
      argocdNamespace: raw.argocd?.namespace ?? ENV_DEFAULTS['argocd.namespace'],
      repo,
      promotesFrom: raw.promotesFrom,
      promotion: raw.promotion ?? ENV_DEFAULTS.promotion,
      pinnedTags: raw.pinnedTags ?? ENV_DEFAULTS.pinnedTags,
      requireDigests: raw.requireDigests ?? ENV_DEFAULTS.requireDigests,
      prometheus,
      gatewayServiceType: raw.gateway?.serviceType ?? ENV_DEFAULTS['gateway.serviceType'],
      render: raw.render ?? ENV_DEFAULTS.render,
      platform,
      apps,
    },
  };
}

interface RawEnv {
  name: string;
  namespace: string;
  domain: string;
  hostPattern?: string;
  cluster?: { name?: string; server?: string };
  clusters?: Array<{ name: string; server: string; apps?: Record<string, { replicas?: number; host?: string }> }>;
  argocd?: { namespace?: string };
  repo: string;
  repoURL?: string;
  branch?: string;
  github?: { apiUrl?: string; visibility?: 'private' | 'public'; branchProtection?: boolean };
  promotesFrom?: string;
  promotion?: 'direct' | 'pr';
  pinnedTags?: boolean;
  requireDigests?: boolean;
  prometheus?: string;
  gateway?: { serviceType?: GatewayServiceType };
  render?: 'helm' | 'manifests';
  platform?: Array<PlatformChoice['component'] | PlatformChoice>;
  apps: Record<string, Omit<EnvAppSettings, 'enabled' | 'track'> & { enabled?: boolean; track?: RawTrack }>;
}

type RawTrack = Partial<TrackPolicy>;

/** An app's tracking policy with its defaults (null: a problem was reported). */
function parseTrack(raw: RawTrack, env: RawEnv, field: string, file: string, problems: Problems): TrackPolicy | null {
  const policy: TrackPolicy = {
    ...raw,
    order: raw.order ?? ENV_DEFAULTS['apps.*.track.order'],
    digest: raw.digest ?? ENV_DEFAULTS['apps.*.track.digest'],
    auto: raw.auto ?? ENV_DEFAULTS['apps.*.track.auto'],
  };
  const found = policyProblems(policy);
  if (env.requireDigests && !policy.digest)
    found.push({ field: 'digest', message: `${env.name} requires digests (requireDigests: true): set digest: true` });
  for (const p of found) problems.add(file, p.field ? `${field}.${p.field}` : field, p.message);
  return found.length ? null : policy;
}

/** A fleet's clusters (undefined: not a fleet; null: a problem was reported). */
function parseFleet(raw: RawEnv, file: string, problems: Problems): FleetCluster[] | undefined | null {
  if (raw.clusters === undefined) return undefined;
  if (raw.cluster !== undefined) {
    problems.add(file, 'clusters', 'give either cluster (one) or clusters (a fleet), not both');
    return null;
  }
  if (raw.clusters.length === 0) {
    problems.add(file, 'clusters', 'a fleet needs at least one cluster');
    return null;
  }
  const seen = new Set<string>();
  for (const [i, c] of raw.clusters.entries()) {
    if (seen.has(c.name)) {
      problems.add(file, `clusters[${i}].name`, `'${c.name}' names two clusters; cluster names must be unique`);
      return null;
    }
    seen.add(c.name);
    for (const app of Object.keys(c.apps ?? {})) {
      if (!raw.apps[app]) {
        problems.add(file, `clusters[${i}].apps.${app}`, `'${app}' is not an app of this env`);
        return null;
      }
    }
  }
  if ((raw.render ?? ENV_DEFAULTS.render) !== 'helm') {
    problems.add(file, 'render', 'a fleet env renders with helm (per-cluster values files); manifests mode is for single clusters');
    return null;
  }
  return raw.clusters.map((c) => ({ name: c.name, server: c.server, apps: c.apps ?? {} }));
}

const GITHUB_REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const GIT_URL = /^(https?:\/\/|ssh:\/\/|git@|file:\/\/)/;
const LOCAL_PATH = /^(\.{1,2}\/|\/)/;

function parseRepo(raw: RawEnv, file: string, problems: Problems): EnvRepo | undefined {
  const branch = raw.branch ?? ENV_DEFAULTS.branch;
  const location = raw.repo;
  if (raw.github && !GITHUB_REPO.test(location)) {
    problems.add(file, 'github', `only applies when repo is a GitHub owner/name, not '${location}'`);
    return undefined;
  }
  if (GIT_URL.test(location)) {
    return { kind: 'url', location, url: raw.repoURL ?? location, branch };
  }
  if (LOCAL_PATH.test(location)) {
    if (!raw.repoURL) {
      problems.add(
        file,
        'repoURL',
        `required when repo is a local path ('${location}'): Argo CD cannot read a path on this machine; give the URL it pulls from`,
      );
      return undefined;
    }
    return { kind: 'path', location, url: raw.repoURL, branch };
  }
  if (GITHUB_REPO.test(location)) {
    const apiUrl = raw.github?.apiUrl ?? ENV_DEFAULTS['github.apiUrl'];
    const host = githubHost(apiUrl);
    if (host === undefined) {
      problems.add(file, 'github.apiUrl', `'${apiUrl}' is not a URL (e.g. https://ghe.example.com/api/v3)`);
      return undefined;
    }
    // Argo CD reads a private repo with the read-only deploy key bootstrap creates: over SSH.
    return {
      kind: 'github',
      location,
      url: raw.repoURL ?? `git@${host}:${location}.git`,
      branch,
      github: {
        apiUrl,
        visibility: raw.github?.visibility ?? ENV_DEFAULTS['github.visibility'],
        branchProtection: raw.github?.branchProtection ?? ENV_DEFAULTS['github.branchProtection'],
      },
    };
  }
  problems.add(
    file,
    'repo',
    `'${location}' is neither a GitHub owner/name, a git URL (https://, ssh://, git@) nor a local path (./, ../, /)`,
  );
  return undefined;
}

/** The git host of a GitHub API URL (`https://api.github.com` → `github.com`); undefined when it is no URL. */
export function githubHost(apiUrl: string): string | undefined {
  try {
    const host = new URL(apiUrl).host;
    return host === '' ? undefined : host.replace(/^api\./, '');
  } catch {
    return undefined;
  }
}

/**
 * The platform repo's env files, validated, cut to those `--env` names: what commands that read
 * no app file start from (status, history, pull, track, the registry column).
 */
export function loadSelectedEnvs(root: string, names: readonly string[] | undefined): EnvDefinition[] {
  return selectEnvs(
    loadEnvFiles(join(root, 'envs'), 'envs').map((f) => f.definition),
    names,
  );
}

/** The envs `--env` names (all of them when it names none); one line naming the known ones for a name that is not. */
export function selectEnvs<E extends { readonly name: string }>(all: readonly E[], names: readonly string[] | undefined): E[] {
  for (const name of names ?? []) {
    if (!all.some((e) => e.name === name))
      throw new ConfigError(`--env ${name}: no envs/${name}.yaml (known: ${all.map((e) => e.name).join(', ')})`);
  }
  return names?.length ? all.filter((e) => names.includes(e.name)) : [...all];
}
