/**
 * Reads `envs/*.yaml`: YAML parse (duplicate keys are errors), validation against the published
 * `envs/env.schema.json`, then defaults. Messages name file, line and field:
 * `envs/production.yaml:27: apps.devops-toolkit.tag: required`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isScalar, type Document } from 'yaml';
import { deliveryEnvMessages } from '../../generators/delivery-kinds/index.js';
import type { EnvAppSettings, EnvDefinition, EnvRepo, FleetCluster } from '../../generators/environment.js';
import { PLATFORM_COMPONENTS, type PlatformChoice } from '../../generators/platform-components.js';
import { ENV_DEFAULTS } from '../../generators/env-defaults.js';
import type { GatewayServiceType } from '../../generators/rules/istio-gateway.js';
import { parsePrometheusService } from '../../generators/rules/prometheus.js';
import { Problems, type Locate, type Position } from './config-error.js';
import { parseEnvYaml } from './env-yaml.js';
import { readInputFile } from './input-guards.js';
import { MAX_REPLICAS, REPLICAS_CEILING } from './names.js';

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

const SCHEMA_PATH = new URL('../../envs/env.schema.json', import.meta.url);
let validator: ValidateFunction | undefined;

function envValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, verbose: true });
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return validator;
}

/** Loads every env file of `envsDir`; `displayDir` is how messages name the folder (e.g. `envs`). */
export function loadEnvFiles(envsDir: string, displayDir = 'envs', overrides: ReadonlyMap<string, string> = new Map()): EnvFile[] {
  // Filled as files parse: a problem about a field of a parsed file names the field's line.
  const located = new Map<string, (field: string) => Position | undefined>();
  const problems = new Problems((file, field) => located.get(file)?.(field));
  const files = readdirSync(envsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const result: EnvFile[] = [];
  // `production.yml` beside `production.yaml`: both would define env production, one silently.
  const byName = new Map<string, string>();
  for (const f of files) {
    const base = f.replace(/\.ya?ml$/, '');
    const first = byName.get(base);
    if (first === undefined) byName.set(base, f);
    else problems.add(`${displayDir}/${first}`, '', `defines env '${base}', as ${displayDir}/${f} does; one would silently replace the other: keep one of the two files`);
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
    problems.add(file, 'prometheus', `'${prometheus}' is not what the prometheus component serves: http://<service>.<namespace>[.svc[.cluster.local]][:port], no path`);
    return undefined;
  }
  const fleet = parseFleet(raw, file, problems);
  if (fleet === null) return undefined;
  const apps: Record<string, EnvAppSettings> = {};
  for (const [name, a] of Object.entries(raw.apps)) apps[name] = { ...a, enabled: a.enabled ?? ENV_DEFAULTS['apps.*.enabled'] };
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
  apps: Record<string, Omit<EnvAppSettings, 'enabled'> & { enabled?: boolean }>;
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
      problems.add(file, 'repoURL', `required when repo is a local path ('${location}'): Argo CD cannot read a path on this machine; give the URL it pulls from`);
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
      github: { apiUrl, visibility: raw.github?.visibility ?? ENV_DEFAULTS['github.visibility'], branchProtection: raw.github?.branchProtection ?? ENV_DEFAULTS['github.branchProtection'] },
    };
  }
  problems.add(file, 'repo', `'${location}' is neither a GitHub owner/name, a git URL (https://, ssh://, git@) nor a local path (./, ../, /)`);
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

/** Friendlier words for the schema's patterns and alternatives, by where they sit in the schema. */
const MESSAGES: Array<[RegExp, string]> = [
  [/^pattern \/apps\/[^/]+\/tag$/, 'is not a valid image tag (letters, digits, _ . -; at most 128; optionally @sha256:<64 hex>)'],
  [/definitions\/appName\/pattern$/, 'is not a DNS-1035 label (lower-case letters, digits and -, starting with a letter)'],
  [/definitions\/dnsLabel\/pattern$/, 'is not a DNS-1123 label (lower-case letters, digits and -)'],
  [/definitions\/hostname\/pattern$/, 'is not a valid host name'],
  [/definitions\/quantity\/pattern$/, 'is not a Kubernetes quantity (e.g. 100m, 0.5, 128Mi)'],
  [/properties\/env\/propertyNames\/pattern$/, 'is not a valid environment variable name'],
  [/^pattern \/prometheus$/, 'is not a Prometheus address (http:// or https://); canary analysis queries it'],
  [/autoscaling\/oneOf$/, 'must be false or an object with minReplicas, maxReplicas, cpuUtilization'],
  [/properties\/platform\/items\/oneOf$/, `is not a platform component (${PLATFORM_COMPONENTS.join(', ')}), nor {component, version}`],
  [/\/(replicas|minReplicas|maxReplicas|minScale|maxScale)\/maximum$/, `is above ${MAX_REPLICAS}, ${REPLICAS_CEILING}`],
  [/definitions\/appName\/maxLength$/, 'is longer than 63 characters, the most a DNS-1035 label holds'],
  [/definitions\/dnsLabel\/maxLength$/, 'is longer than 63 characters, the most a DNS-1123 label holds'],
  [/definitions\/hostname\/maxLength$/, 'is longer than 253 characters, the most a host name holds'],
  // The delivery kinds' own (canary steps and durations...), from generators/delivery-kinds/.
  ...deliveryEnvMessages(),
];

interface FieldMessage {
  readonly field: string;
  readonly message: string;
}

/** Turns ajv's errors into one line per problem, most specific first. */
function describeErrors(errors: readonly ErrorObject[], doc: Document, text: string): FieldMessage[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => {
    if (e.keyword === 'propertyNames') return false; // its nested pattern error says it better
    // Errors of the alternatives at the oneOf's own path: the oneOf's message says it better.
    if (oneOfPaths.has(e.instancePath) && e.keyword !== 'oneOf') return false;
    if (e.keyword === 'oneOf') {
      // A branch that matched the type went deeper: its errors are the useful ones.
      return !errors.some((o) => o.instancePath.startsWith(e.instancePath + '/'));
    }
    return true;
  });
  const seen = new Set<string>();
  const out: FieldMessage[] = [];
  for (const e of kept) {
    const line = describe(e, doc, text);
    const key = `${line.field}: ${line.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(line);
    }
  }
  return out;
}

function describe(e: ErrorObject, doc: Document, text: string): FieldMessage {
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  // `apps.x.delivery.canary.steps[1].setWeight`: list indexes in brackets, as the other messages write them.
  const field = (extra?: string) => [...segments, ...(extra !== undefined ? [extra] : [])]
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  const friendly = MESSAGES.find(([re]) => re.test(e.schemaPath) || re.test(`${e.keyword} ${e.instancePath}`))?.[1];
  // propertyNames errors sit on the object; ajv names the offending key beside them.
  const propertyName = (e as { propertyName?: string }).propertyName;
  const value = propertyName ?? valueAt(doc, segments);
  switch (e.keyword) {
    case 'required':
      return { field: field(String(e.params.missingProperty)), message: 'required' };
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const guess = closest(key, known);
      return { field: field(key), message: `unknown key${guess ? ` (did you mean '${guess}'?)` : ''}` };
    }
    case 'type': {
      const expected = String(e.params.type);
      const source = sourceAt(doc, text, segments);
      const hint = expected === 'string' && source !== undefined ? `; quote it: "${source}"` : '';
      return { field: field(), message: `must be ${article(expected)} ${expected}${hint}, not ${describeValue(value)}` };
    }
    case 'pattern':
      return { field: field(), message: `'${String(value)}' ${friendly ?? `does not match ${String(e.params.pattern)}`}` };
    case 'enum':
      return { field: field(), message: `'${String(value)}' must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}` };
    case 'oneOf':
      if (friendly?.startsWith('is ') && isScalar(doc.getIn(segments, true))) return { field: field(), message: `'${String(value)}' ${friendly}` };
      return { field: field(), message: friendly ?? (e.message ?? 'is invalid') };
    case 'maximum':
      return { field: field(), message: friendly ? `${String(value)} ${friendly}` : (e.message ?? 'is invalid') };
    case 'maxLength':
      // A key too long (propertyNames) sits on its object: name the key, or nobody can find it.
      return { field: field(), message: friendly ? `'${String(value)}' ${friendly}` : `'${String(value)}' ${e.message ?? 'is too long'}` };
    default:
      return { field: field(), message: friendly ?? (e.message ?? 'is invalid') };
  }
}

function valueAt(doc: Document, segments: readonly string[]): unknown {
  const node = doc.getIn(segments, true);
  if (isScalar(node)) return node.value;
  return node === undefined || node === null ? undefined : (node as { toJSON(): unknown }).toJSON();
}

/** The value exactly as written in the file, so `tag: 1.10` can be quoted back as "1.10". */
function sourceAt(doc: Document, text: string, segments: readonly string[]): string | undefined {
  const node = doc.getIn(segments, true);
  if (!isScalar(node) || !node.range) return undefined;
  return text.slice(node.range[0], node.range[1]).trim();
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // String(): JSON.stringify writes Infinity and NaN (YAML's .inf, .nan) as null.
  return `${typeof value} ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** The known key within edit distance 2, for typos. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
