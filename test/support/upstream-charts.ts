/**
 * Platform components against the real upstream charts: the pinned chart packages in
 * ../shared/upstream-charts (read there, never copied), rendered with the real Helm 3 and 4
 * the way Argo CD renders an Application's Helm source (`helm template <release> <chart>
 * --namespace <dest> --include-crds -f <valuesObject>`).
 *
 * Everything here is plain data in, plain data out, so the tests can state each requirement as
 * a list of problems (empty when it holds):
 * - the chart index (`readChartIndex`) and which entry an install's pin names (`indexEntryFor`);
 * - the chart installs of an env's Argo CD objects (`chartInstalls`: Applications, and
 *   ApplicationSets expanded over their list generator);
 * - rendering with a cache and a small concurrency limit (`renderChart`, `renderInstall`);
 * - Kubernetes quantities (`parseQuantity`) and pod-template resource requests (`containerResources`);
 * - AppProject permissions (`permissionProblems`, `resourceScope`);
 * - render-to-render differences and Argo CD `ignoreDifferences` (`diffPaths`, `jqPaths`,
 *   `parseJsonPointer`, `ignoredPaths`, `uncoveredDifferences`);
 * - what the istio gateway exposes (`istioGatewayExposure`, `renderedIstioGateway`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { CLUSTER_SCOPED_KINDS } from '../../src/validate/validate-output.js';
import { parseDocs, SHARED_CRDS } from './generated.js';
import { runHelm, type HelmBinary } from './helm.js';

type Obj = Record<string, unknown>;

import { SHARED_CHARTS } from './shared.js';

/** `--kube-version` for every render: a recent 1.3x, so charts take their current code paths. */
const KUBE_VERSION = '1.34.0';

/** Concurrent `helm template` processes: this machine has 2 cores. */
const RENDER_CONCURRENCY = 2;

const isRecord = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// ---------------------------------------------------------------------------------------
// The chart index.

export interface ChartIndexEntry {
  /** slipway's CHARTS key, e.g. `istio-ingressgateway`. */
  readonly component: string;
  readonly chart: string;
  /** Literal, as the chart repository's index lists it (knative's is `v1.23.0`). */
  readonly version: string;
  readonly appVersion: string;
  readonly repoURL: string;
  /** File name in the shared folder. */
  readonly file: string;
  /** Absolute path of the package. */
  readonly path: string;
}

export function readChartIndex(dir: string = SHARED_CHARTS): ChartIndexEntry[] {
  const raw = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${join(dir, 'index.json')}: not a JSON array`);
  return raw.map((e: Obj) => {
    for (const k of ['component', 'chart', 'version', 'appVersion', 'repoURL', 'file']) {
      if (typeof e[k] !== 'string') throw new Error(`${join(dir, 'index.json')}: an entry without a string "${k}": ${JSON.stringify(e)}`);
    }
    return { ...(e as unknown as Omit<ChartIndexEntry, 'path'>), path: join(dir, e['file'] as string) };
  });
}

export interface IndexMatch {
  readonly entry: ChartIndexEntry;
  /** True when repoURL, chart and version all equal the pin (versions compared literally). */
  readonly exact: boolean;
}

/**
 * The index entry an install's pin names: the exact (repoURL, chart, targetRevision) entry, else
 * (so the other checks still say something about a drifted pin) the entry of the same chart name,
 * preferring the same repoURL; undefined when the index has no chart of that name.
 */
export function indexEntryFor(
  index: readonly ChartIndexEntry[],
  pin: { repoURL: string; chart: string; targetRevision: string },
): IndexMatch | undefined {
  const exact = index.find((e) => e.repoURL === pin.repoURL && e.chart === pin.chart && e.version === pin.targetRevision);
  if (exact) return { entry: exact, exact: true };
  const sameName = index.filter((e) => e.chart === pin.chart);
  const fallback = sameName.find((e) => e.repoURL === pin.repoURL) ?? sameName[0];
  return fallback ? { entry: fallback, exact: false } : undefined;
}

// ---------------------------------------------------------------------------------------
// Chart installs of an env.

export interface IgnoreDifference {
  readonly group?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers?: readonly string[];
  readonly jqPathExpressions?: readonly string[];
}

export interface ChartInstall {
  /** `slipway.dev/platform` label of the Application/ApplicationSet, e.g. `istio`. */
  readonly component: string;
  /** For messages: the component, and the chart when it differs (`istio/gateway`). */
  readonly display: string;
  /** Name of the Application (an ApplicationSet's, expanded for one list element). */
  readonly name: string;
  /** `Application production-grafana` or `ApplicationSet production-grafana (cluster=eu-1)`. */
  readonly owner: string;
  /** Namespace the Application (or ApplicationSet) lives in: the Argo CD that runs it. */
  readonly ownerNamespace: string | undefined;
  readonly repoURL: string;
  readonly chart: string;
  readonly targetRevision: string;
  /** `spec.source.helm.releaseName`, or the Application's name as Argo CD defaults it. */
  readonly releaseName: string;
  readonly values: Obj;
  /** Helm source settings besides valuesObject/releaseName, which a render here would not apply. */
  readonly otherHelmSettings: readonly string[];
  readonly server: string | undefined;
  readonly destinationName: string | undefined;
  readonly namespace: string;
  readonly project: string;
  readonly ignoreDifferences: readonly IgnoreDifference[];
}

const PLATFORM_LABEL = 'slipway.dev/platform';

const TEMPLATE_PARAM = /\{\{\s*\.?([A-Za-z0-9_.-]+)\s*\}\}/g;

/** Argo CD's list generator: each element's params into the (go or fasttemplate) template. */
function expandTemplate(template: unknown, params: Readonly<Record<string, unknown>>): unknown {
  const text = JSON.stringify(template).replace(TEMPLATE_PARAM, (whole: string, key: string) =>
    key in params ? JSON.stringify(String(params[key])).slice(1, -1) : whole,
  );
  return JSON.parse(text) as unknown;
}

/**
 * Every platform component install from an upstream chart among an env's Argo CD objects:
 * Applications labelled `slipway.dev/platform` with `spec.source.chart`, and ApplicationSets so
 * labelled whose template has one (expanded per element of a list generator; a template without
 * one stays as it is, `{{...}}` params and all).
 */
export function chartInstalls(argocd: readonly unknown[]): ChartInstall[] {
  const out: ChartInstall[] = [];
  for (const o of argocd) {
    if (!isRecord(o) || !isRecord(o['metadata']) || !isRecord(o['spec'])) continue;
    const labels = isRecord(o['metadata']['labels']) ? o['metadata']['labels'] : {};
    const component = str(labels[PLATFORM_LABEL]);
    if (component === undefined) continue;
    if (o['kind'] === 'Application') {
      const install = fromApplication(
        component,
        `Application ${String(o['metadata']['name'])}`,
        str(o['metadata']['namespace']),
        o['metadata'],
        o['spec'],
      );
      if (install) out.push(install);
    } else if (o['kind'] === 'ApplicationSet') {
      const template = o['spec']['template'];
      if (!isRecord(template)) continue;
      const elements = (Array.isArray(o['spec']['generators']) ? o['spec']['generators'] : [])
        .flatMap((g: unknown) => (isRecord(g) && isRecord(g['list']) && Array.isArray(g['list']['elements']) ? g['list']['elements'] : []))
        .filter(isRecord);
      const setName = String(o['metadata']['name']);
      const variants = elements.length
        ? elements.map((el) => ({
            t: expandTemplate(template, el) as Obj,
            why: ` (${Object.entries(el)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(', ')})`,
          }))
        : [{ t: template, why: '' }];
      for (const { t, why } of variants) {
        if (!isRecord(t['spec'])) continue;
        const install = fromApplication(
          component,
          `ApplicationSet ${setName}${why}`,
          str(o['metadata']['namespace']),
          isRecord(t['metadata']) ? t['metadata'] : {},
          t['spec'],
        );
        if (install) out.push(install);
      }
    }
  }
  return out;
}

function fromApplication(
  component: string,
  owner: string,
  ownerNamespace: string | undefined,
  metadata: Obj,
  spec: Obj,
): ChartInstall | undefined {
  const source = isRecord(spec['source']) ? spec['source'] : undefined;
  const chart = str(source?.['chart']);
  if (!source || chart === undefined) return undefined;
  const helm = isRecord(source['helm']) ? source['helm'] : {};
  const destination = isRecord(spec['destination']) ? spec['destination'] : {};
  const name = str(metadata['name']) ?? owner;
  const valuesObject = helm['valuesObject'];
  return {
    component,
    display: component === chart ? component : `${component}/${chart}`,
    name,
    owner,
    ownerNamespace,
    repoURL: str(source['repoURL']) ?? '',
    chart,
    targetRevision: str(source['targetRevision']) ?? '',
    releaseName: str(helm['releaseName']) ?? name,
    values: isRecord(valuesObject) ? valuesObject : {},
    otherHelmSettings: Object.keys(helm).filter((k) => !['releaseName', 'valuesObject'].includes(k) && !isEmpty(helm[k])),
    server: str(destination['server']),
    destinationName: str(destination['name']),
    namespace: str(destination['namespace']) ?? '',
    project: str(spec['project']) ?? 'default',
    ignoreDifferences: (Array.isArray(spec['ignoreDifferences']) ? spec['ignoreDifferences'] : []).filter(
      isRecord,
    ) as unknown as IgnoreDifference[],
  };
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

// ---------------------------------------------------------------------------------------
// Rendering.

interface RenderRequest {
  /** Absolute path of the chart package. */
  readonly file: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** Given to helm exactly, as YAML on stdin (`-f -`). */
  readonly values: Obj;
}

export interface RenderResult {
  readonly helm: HelmBinary;
  readonly args: readonly string[];
  readonly code: number;
  readonly stderr: string;
  /** The rendered objects (empty when helm failed or the output did not parse). */
  readonly objects: readonly Obj[];
  /** Set when helm exited 0 but its output is not YAML. */
  readonly parseError?: string;
}

export const renderOk = (r: RenderResult): boolean => r.code === 0 && r.parseError === undefined;

/** One line of a failed render, for messages. */
export function renderFailure(r: RenderResult): string {
  if (r.parseError !== undefined) return `output does not parse: ${r.parseError}`;
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return `exit ${r.code}: ${lines.find((l) => /^Error:/.test(l)) ?? (lines.join(' | ') || '(no stderr)')}`;
}

/** A promise-returning function run with at most `n` calls in flight. */
function limit(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (active >= n) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(fn: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        fn()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

const renderSlot = limit(RENDER_CONCURRENCY);
const renderCache = new Map<string, Promise<RenderResult>>();

/** JSON with object keys sorted: equal values, equal keys. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * `helm template <release> <file> --namespace <ns> --include-crds --kube-version <KUBE_VERSION>
 * -f -`, the values as YAML on stdin. Cached per (helm, file, release, namespace, values,
 * attempt): `attempt` 2 is a second, independent render of the same input (for the
 * render-twice check). At most {@link RENDER_CONCURRENCY} helm processes run at once.
 */
function renderChart(helm: HelmBinary, req: RenderRequest, attempt = 1): Promise<RenderResult> {
  const key = stableJson([helm.path, req.file, req.releaseName, req.namespace, req.values, attempt]);
  let cached = renderCache.get(key);
  if (cached === undefined) {
    const args = [
      'template',
      req.releaseName,
      req.file,
      '--namespace',
      req.namespace,
      '--include-crds',
      '--kube-version',
      KUBE_VERSION,
      '-f',
      '-',
    ];
    cached = renderSlot(async (): Promise<RenderResult> => {
      const r = await runHelm(helm, args, { input: stringify(req.values) });
      if (r.code !== 0) return { helm, args, code: r.code, stderr: r.stderr, objects: [] };
      try {
        return { helm, args, code: 0, stderr: r.stderr, objects: parseDocs(r.stdout) };
      } catch (error) {
        return { helm, args, code: 0, stderr: r.stderr, objects: [], parseError: (error as Error).message };
      }
    });
    renderCache.set(key, cached);
  }
  return cached;
}

/** Renders an install from the index entry its pin names (see {@link indexEntryFor}). */
export function renderInstall(helm: HelmBinary, install: ChartInstall, entry: ChartIndexEntry, attempt = 1): Promise<RenderResult> {
  return renderChart(
    helm,
    { file: entry.path, releaseName: install.releaseName, namespace: install.namespace, values: install.values },
    attempt,
  );
}

// ---------------------------------------------------------------------------------------
// Objects.

export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

export function meta(o: Obj): { name: string; namespace: string | undefined } {
  const m = isRecord(o['metadata']) ? o['metadata'] : {};
  return { name: String(m['name'] ?? '?'), namespace: str(m['namespace']) };
}

/** `Deployment/argocd-server` for messages. */
export const objectRef = (o: Obj): string => `${String(o['kind'])}/${meta(o).name}`;

/** API groups served by Kubernetes itself (not by CRDs). */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

export type Scope = 'Cluster' | 'Namespaced';

/** group/kind → scope of CRDs: the rendered ones, then (lazily parsed) the shared ones. */
export class CrdScopes {
  readonly #own = new Map<string, Scope>();
  #shared: Map<string, Scope> | undefined;
  readonly #sharedDir: string;
  constructor(crdObjects: readonly Obj[], sharedDir: string = SHARED_CRDS) {
    for (const c of crdObjects) addScope(this.#own, c);
    this.#sharedDir = sharedDir;
  }
  get(group: string, kind: string): Scope | undefined {
    const k = `${group}/${kind}`;
    return this.#own.get(k) ?? this.#sharedScopes().get(k);
  }
  /** Scope from the rendered CRDs only (never parses the shared folder). */
  own(group: string, kind: string): Scope | undefined {
    return this.#own.get(`${group}/${kind}`);
  }
  #sharedScopes(): Map<string, Scope> {
    if (this.#shared === undefined) {
      this.#shared = new Map();
      for (const file of listYaml(this.#sharedDir)) {
        let text: string;
        try {
          text = readFileSync(join(this.#sharedDir, file), 'utf8');
        } catch {
          continue;
        }
        for (const d of parseAllDocuments(text)) {
          const v = d.toJS({ maxAliasCount: -1 }) as unknown;
          const items = isRecord(v) && v['kind'] === 'List' && Array.isArray(v['items']) ? v['items'] : [v];
          for (const item of items) if (isRecord(item)) addScope(this.#shared, item);
        }
      }
    }
    return this.#shared;
  }
}

function listYaml(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/i.test(f))
      .sort();
  } catch {
    return [];
  }
}

function addScope(into: Map<string, Scope>, crd: Obj): void {
  if (crd['kind'] !== 'CustomResourceDefinition' || !isRecord(crd['spec'])) return;
  const spec = crd['spec'];
  const kind = isRecord(spec['names']) ? str(spec['names']['kind']) : undefined;
  const group = str(spec['group']);
  const scope = spec['scope'];
  if (kind && group !== undefined && (scope === 'Cluster' || scope === 'Namespaced')) into.set(`${group}/${kind}`, scope);
}

/** Scope of an object: a CRD's `spec.scope`, else the built-in list; undefined when unknown. */
export function resourceScope(obj: Obj, crdScopes: CrdScopes): Scope | undefined {
  const group = groupOf(String(obj['apiVersion'] ?? ''));
  const kind = String(obj['kind'] ?? '');
  // Rendered CRDs first, then the built-in kinds, then the (slow to parse) shared CRDs.
  const rendered = crdScopes.own(group, kind);
  if (rendered) return rendered;
  if (BUILTIN_GROUPS.has(group)) return CLUSTER_SCOPED_KINDS.has(kind) ? 'Cluster' : 'Namespaced';
  return crdScopes.get(group, kind);
}

// ---------------------------------------------------------------------------------------
// AppProject permissions.

/** Argo CD's glob for project fields: `*` any run of characters (also `/` and `.`), `?` one. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

const ruleMatches = (rules: unknown, group: string, kind: string): boolean =>
  Array.isArray(rules) &&
  rules.some((r: unknown) => isRecord(r) && globMatch(str(r['group']) ?? '', group) && globMatch(str(r['kind']) ?? '', kind));

/** Is (server or cluster name, namespace) a destination of the project? Honours `!` deny entries. */
export function destinationPermitted(
  project: Obj,
  dest: { server?: string | undefined; name?: string | undefined; namespace: string },
): boolean {
  const spec = isRecord(project['spec']) ? project['spec'] : {};
  const destinations = (Array.isArray(spec['destinations']) ? spec['destinations'] : []).filter(isRecord);
  const matchField = (pattern: string | undefined, value: string | undefined): boolean => {
    if (pattern === undefined || value === undefined) return false;
    // An unexpanded ApplicationSet parameter stands for any cluster.
    if (value.includes('{{')) return true;
    return globMatch(pattern, value);
  };
  const hits = (d: Obj, strip: boolean) => {
    const s = str(d['server']);
    const n = str(d['name']);
    const ns = str(d['namespace']) ?? '';
    const un = (p: string | undefined) => (strip && p?.startsWith('!') ? p.slice(1) : p);
    return (matchField(un(s), dest.server) || matchField(un(n), dest.name)) && globMatch(un(ns) ?? '', dest.namespace);
  };
  const isDeny = (d: Obj) => [d['server'], d['name'], d['namespace']].some((v) => typeof v === 'string' && v.startsWith('!'));
  const allowed = destinations.filter((d) => !isDeny(d)).some((d) => hits(d, false));
  const denied = destinations.filter(isDeny).some((d) => hits(d, true));
  return allowed && !denied;
}

/**
 * Why the project would refuse to sync `obj` (empty when it permits it): its group/kind
 * against the cluster or namespace white/blacklists, and a namespaced object's namespace
 * (`metadata.namespace`, else the destination's) against the project's destinations.
 */
export function permissionProblems(project: Obj, obj: Obj, install: ChartInstall, scope: Scope | undefined): string[] {
  const spec = isRecord(project['spec']) ? project['spec'] : {};
  const projectName = meta(project).name;
  const group = groupOf(String(obj['apiVersion'] ?? ''));
  const kind = String(obj['kind'] ?? '');
  const gk = `${group === '' ? '""' : group}/${kind}`;
  const problems: string[] = [];
  if (scope === undefined) return [`scope of ${gk} unknown (no CRD for it): cannot check it against AppProject ${projectName}`];
  if (scope === 'Cluster') {
    if (!ruleMatches(spec['clusterResourceWhitelist'], group, kind))
      problems.push(`cluster-scoped ${gk} is not in AppProject ${projectName}'s clusterResourceWhitelist`);
    if (ruleMatches(spec['clusterResourceBlacklist'], group, kind))
      problems.push(`cluster-scoped ${gk} is in AppProject ${projectName}'s clusterResourceBlacklist`);
    return problems;
  }
  const whitelist = spec['namespaceResourceWhitelist'];
  // Argo CD: no namespaceResourceWhitelist at all means every namespaced kind.
  if (Array.isArray(whitelist) && whitelist.length > 0 && !ruleMatches(whitelist, group, kind)) {
    problems.push(`${gk} is not in AppProject ${projectName}'s namespaceResourceWhitelist`);
  }
  if (ruleMatches(spec['namespaceResourceBlacklist'], group, kind))
    problems.push(`${gk} is in AppProject ${projectName}'s namespaceResourceBlacklist`);
  const namespace = meta(obj).namespace ?? install.namespace;
  if (!destinationPermitted(project, { server: install.server, name: install.destinationName, namespace })) {
    problems.push(
      `namespace ${namespace} on ${install.server ?? install.destinationName ?? '?'} is not a destination of AppProject ${projectName}`,
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// Quantities and resources.

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * A Kubernetes resource quantity as a number of base units (cores, bytes): `500m` → 0.5,
 * `1Gi` → 1073741824, `1G` → 1e9, `2` → 2, `1.5`, `1e3`, `12E-1`. Throws on anything else.
 */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new Error(`invalid quantity ${q}`);
    return q;
  }
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E)?)$/.exec(q.trim());
  if (!m) throw new Error(`invalid quantity "${q}"`);
  const n = Number(m[1]);
  if (m[2]) return n * BINARY[m[2]]!;
  if (m[3]) return Number(`${m[1]}${m[3]}`);
  return n * DECIMAL[m[4] ?? '']!;
}

export interface ContainerResources {
  /** `spec.template.spec.containers[0]`-style path of the container. */
  readonly path: string;
  readonly container: string;
  readonly init: boolean;
  /** Effective requests: `requests`, else `limits` (Kubernetes defaults requests to limits). */
  readonly cpu: string | number | undefined;
  readonly memory: string | number | undefined;
  readonly cpuFrom: 'requests' | 'limits' | undefined;
  readonly memoryFrom: 'requests' | 'limits' | undefined;
}

const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Containers and initContainers of the object's pod template (none for other kinds). */
export function containerResources(obj: Obj): ContainerResources[] {
  const podPath = POD_SPEC_PATHS[String(obj['kind'])];
  if (!podPath) return [];
  let pod: unknown = obj;
  for (const k of podPath) pod = isRecord(pod) ? pod[k] : undefined;
  if (!isRecord(pod)) return [];
  const out: ContainerResources[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    const list = Array.isArray(pod[field]) ? (pod[field] as unknown[]) : [];
    list.forEach((c, i) => {
      if (!isRecord(c)) return;
      const res = isRecord(c['resources']) ? c['resources'] : {};
      const requests = isRecord(res['requests']) ? res['requests'] : {};
      const limits = isRecord(res['limits']) ? res['limits'] : {};
      const pick = (r: string) =>
        requests[r] !== undefined && requests[r] !== null
          ? { v: requests[r] as string | number, from: 'requests' as const }
          : limits[r] !== undefined && limits[r] !== null
            ? { v: limits[r] as string | number, from: 'limits' as const }
            : { v: undefined, from: undefined };
      const cpu = pick('cpu');
      const memory = pick('memory');
      out.push({
        path: `${podPath.join('.')}.${field}[${i}]`,
        container: String(c['name'] ?? i),
        init: field === 'initContainers',
        cpu: cpu.v,
        memory: memory.v,
        cpuFrom: cpu.from,
        memoryFrom: memory.from,
      });
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Render-to-render differences and ignoreDifferences.

export type Path = readonly (string | number)[];

/** `/data/admin-password` (JSON pointer, `~` and `/` escaped). */
export function formatPointer(path: Path): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer "${pointer}" does not start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Leaf paths where two values differ (a key or item present on one side only is one path). */
export function diffPaths(a: unknown, b: unknown, at: (string | number)[] = []): Path[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: Path[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) out.push([...at, i]);
      else out.push(...diffPaths(a[i], b[i], [...at, i]));
    }
    return out;
  }
  if (isRecord(a) && isRecord(b)) {
    const out: Path[] = [];
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(k in a) || !(k in b)) out.push([...at, k]);
      else out.push(...diffPaths(a[k], b[k], [...at, k]));
    }
    return out;
  }
  return Object.is(a, b) ? [] : [at];
}

/** One step of a jq path expression in the subset slipway uses. */
type JqStep =
  | { readonly t: 'key'; readonly key: string; readonly opt: boolean }
  | { readonly t: 'index'; readonly index: number; readonly opt: boolean }
  | { readonly t: 'iterate'; readonly opt: boolean };

/**
 * Parses the jq path subset Argo CD users write in `jqPathExpressions`: `.a.b`, `.a[]`,
 * `.a[]?`, `.a[0]`, `."quoted-key"`, `.a["k"]`, `.a.b?`, `.[]`, `.` (identity). Anything
 * else (pipes, select(), ..) throws "unsupported", so a test says so instead of guessing.
 */
export function parseJq(expr: string): JqStep[] {
  const s = expr.trim();
  const steps: JqStep[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`unsupported jq path expression "${expr}" at ${i}: ${why}`);
  };
  const readString = (): string => {
    const m = /^"(?:[^"\\]|\\.)*"/.exec(s.slice(i));
    if (!m) return fail('unterminated string');
    i += m[0].length;
    try {
      return JSON.parse(m[0]) as string;
    } catch {
      return fail('bad string');
    }
  };
  const optional = (): boolean => {
    if (s[i] === '?') {
      i++;
      return true;
    }
    return false;
  };
  const bracket = (): JqStep => {
    i++; // [
    if (s[i] === ']') {
      i++;
      return { t: 'iterate', opt: optional() };
    }
    let step: JqStep;
    if (s[i] === '"') step = { t: 'key', key: readString(), opt: false };
    else {
      const m = /^-?\d+/.exec(s.slice(i));
      if (!m) return fail('expected "]", a string or an index');
      i += m[0].length;
      step = { t: 'index', index: Number(m[0]), opt: false };
    }
    if (s[i] !== ']') return fail('expected "]"');
    i++;
    return { ...step, opt: optional() };
  };
  if (s[0] !== '.') fail('must start with "."');
  if (s === '.') return [];
  while (i < s.length) {
    if (s[i] === '.') {
      i++;
      if (s[i] === '[') {
        steps.push(bracket());
        continue;
      }
      if (s[i] === '"') {
        const key = readString();
        steps.push({ t: 'key', key, opt: optional() });
        continue;
      }
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
      if (!m) fail('expected a key after "."');
      i += m![0].length;
      steps.push({ t: 'key', key: m![0], opt: optional() });
    } else if (s[i] === '[') {
      if (steps.length === 0) fail('expected "." first');
      steps.push(bracket());
    } else fail(`unexpected "${s[i]}"`);
  }
  return steps;
}

class JqError extends Error {}

/**
 * The paths (`path(expr)` in jq) an expression of the subset selects in `value`; a jq error
 * (`.a` on a string, `[]` on null without `?`) yields no paths, as Argo CD then skips the
 * expression.
 */
export function jqPaths(expr: string, value: unknown): Path[] {
  const steps = parseJq(expr);
  let cur: Array<{ path: (string | number)[]; v: unknown }> = [{ path: [], v: value }];
  try {
    for (const step of steps) {
      const next: typeof cur = [];
      for (const { path, v } of cur) {
        try {
          if (step.t === 'key') {
            if (v === null || v === undefined) next.push({ path: [...path, step.key], v: undefined });
            else if (isRecord(v)) next.push({ path: [...path, step.key], v: v[step.key] });
            else throw new JqError(`cannot index ${Array.isArray(v) ? 'array' : typeof v} with "${step.key}"`);
          } else if (step.t === 'index') {
            if (v === null || v === undefined) next.push({ path: [...path, step.index], v: undefined });
            else if (Array.isArray(v)) {
              const idx = step.index < 0 ? v.length + step.index : step.index;
              next.push({ path: [...path, idx], v: v[idx] });
            } else throw new JqError(`cannot index ${typeof v} with number`);
          } else if (Array.isArray(v))
            v.forEach((item, idx) => {
              next.push({ path: [...path, idx], v: item });
            });
          else if (isRecord(v)) for (const [k, item] of Object.entries(v)) next.push({ path: [...path, k], v: item });
          else throw new JqError(`cannot iterate over ${v === null || v === undefined ? 'null' : typeof v}`);
        } catch (error) {
          if (!(error instanceof JqError) || !step.opt) throw error;
        }
      }
      cur = next;
    }
  } catch (error) {
    if (error instanceof JqError) return [];
    throw error;
  }
  return cur.map((c) => c.path);
}

/** Does an ignoreDifferences entry apply to this object (group/kind, and name/namespace if set)? */
function ignoreEntryApplies(entry: IgnoreDifference, obj: Obj, defaultNamespace?: string): boolean {
  const group = groupOf(String(obj['apiVersion'] ?? ''));
  const { name, namespace } = meta(obj);
  return (
    globMatch(entry.group ?? '', group) &&
    globMatch(entry.kind, String(obj['kind'])) &&
    (entry.name === undefined || entry.name === '' || entry.name === name) &&
    (entry.namespace === undefined || entry.namespace === '' || entry.namespace === (namespace ?? defaultNamespace))
  );
}

/** The paths an Application's ignoreDifferences remove from `obj` (each covers everything under it). */
export function ignoredPaths(entries: readonly IgnoreDifference[], obj: Obj, defaultNamespace?: string): Path[] {
  const out: Path[] = [];
  for (const e of entries) {
    if (!ignoreEntryApplies(e, obj, defaultNamespace)) continue;
    for (const p of e.jsonPointers ?? []) out.push(parseJsonPointer(p));
    for (const q of e.jqPathExpressions ?? []) out.push(...jqPaths(q, obj));
  }
  return out;
}

const isPrefix = (prefix: Path, path: Path): boolean =>
  prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));

/** True when one of `ignored` is `path` or a parent of it. */
export const pathCovered = (ignored: readonly Path[], path: Path): boolean => ignored.some((p) => isPrefix(p, path));

/** `apps/v1 Deployment ns/name`: identity of an object across renders. */
const objectKey = (o: Obj, defaultNamespace: string): string =>
  `${String(o['apiVersion'])} ${String(o['kind'])} ${meta(o).namespace ?? defaultNamespace}/${meta(o).name}`;

/**
 * What differs between two renders of the same install and no ignoreDifferences entry covers,
 * as `<display> <kind>/<name> <json pointer>` (an object in one render only: `... (only in render N)`).
 */
export function uncoveredDifferences(install: ChartInstall, first: readonly Obj[], second: readonly Obj[]): string[] {
  const index = (objs: readonly Obj[]) => new Map(objs.map((o) => [objectKey(o, install.namespace), o]));
  const a = index(first);
  const b = index(second);
  const out: string[] = [];
  for (const [key, o1] of a) {
    const o2 = b.get(key);
    if (!o2) {
      out.push(`${install.display} ${objectRef(o1)} (only in render 1)`);
      continue;
    }
    const paths = diffPaths(o1, o2);
    if (paths.length === 0) continue;
    const ignored = [
      ...ignoredPaths(install.ignoreDifferences, o1, install.namespace),
      ...ignoredPaths(install.ignoreDifferences, o2, install.namespace),
    ];
    for (const p of paths) if (!pathCovered(ignored, p)) out.push(`${install.display} ${objectRef(o1)} ${formatPointer(p)}`);
  }
  for (const [key, o2] of b) if (!a.has(key)) out.push(`${install.display} ${objectRef(o2)} (only in render 2)`);
  return out;
}

// ---------------------------------------------------------------------------------------
// The istio gateway.

export interface IstioGatewayExposure {
  readonly service: {
    readonly name: string;
    readonly namespace: string;
    readonly selector: Readonly<Record<string, string>>;
    readonly type: string;
  };
  readonly deployment: { readonly name: string; readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

/**
 * The Service the gateway chart renders (name, namespace, selector, type: `ClusterIP` when
 * unset) and the pod labels of its Deployment. Throws unless there is exactly one of each.
 */
export function istioGatewayExposure(objects: readonly Obj[], defaultNamespace: string): IstioGatewayExposure {
  const one = (kind: string, apiVersion: string): Obj => {
    const found = objects.filter((o) => o['kind'] === kind && o['apiVersion'] === apiVersion);
    if (found.length !== 1)
      throw new Error(
        `istio gateway chart rendered ${found.length} ${kind} objects (${found.map(objectRef).join(', ') || 'none'}); expected 1`,
      );
    return found[0]!;
  };
  const svc = one('Service', 'v1');
  const dep = one('Deployment', 'apps/v1');
  const svcSpec = isRecord(svc['spec']) ? svc['spec'] : {};
  const template = isRecord(dep['spec']) && isRecord(dep['spec']['template']) ? dep['spec']['template'] : {};
  const podMeta = isRecord(template['metadata']) ? template['metadata'] : {};
  return {
    service: {
      name: meta(svc).name,
      namespace: meta(svc).namespace ?? defaultNamespace,
      selector: (isRecord(svcSpec['selector']) ? svcSpec['selector'] : {}) as Record<string, string>,
      type: str(svcSpec['type']) ?? 'ClusterIP',
    },
    deployment: {
      name: meta(dep).name,
      namespace: meta(dep).namespace ?? defaultNamespace,
      podLabels: (isRecord(podMeta['labels']) ? podMeta['labels'] : {}) as Record<string, string>,
    },
  };
}

/**
 * Renders the env's istio gateway install (chart `gateway`) with `helm` and returns what it
 * exposes. Throws when the env has none, the pin has no chart in the index, or helm fails.
 */
export async function renderedIstioGateway(
  argocd: readonly unknown[],
  helm: HelmBinary,
  index: readonly ChartIndexEntry[] = readChartIndex(),
): Promise<IstioGatewayExposure & { install: ChartInstall }> {
  const installs = chartInstalls(argocd).filter((i) => i.chart === 'gateway');
  if (installs.length === 0) throw new Error('no istio gateway (chart "gateway") install among the Argo CD objects');
  const install = installs[0]!;
  const match = indexEntryFor(index, install);
  if (!match) throw new Error(`${install.owner}: no chart "gateway" in the shared index`);
  const r = await renderInstall(helm, install, match.entry);
  if (!renderOk(r)) throw new Error(`${install.owner}: helm ${r.helm.version} template failed: ${renderFailure(r)}`);
  return { ...istioGatewayExposure(r.objects, install.namespace), install };
}
