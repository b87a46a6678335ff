/**
 * Loki as slipway installs it (generators/platform-components/loki.ts), held to its shape on the
 * real pinned chart (loki 18.11.0 in ../shared/upstream-charts, Helm 3 and 4): one single-binary
 * process on its filesystem, no memcached caches, no canary, modest requests. The chart's
 * defaults are none of these (a canary DaemonSet on every node, ~10 GiB of caches), so a value
 * dropped or renamed upstream shows here, not on a cluster.
 */
import { beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateSample } from '../support/generated.js';
import { helmBinaries, type HelmBinary } from '../support/helm.js';
import { describeWithShared } from '../support/shared.js';
import {
  chartInstalls,
  containerResources,
  indexEntryFor,
  meta,
  objectRef,
  parseQuantity,
  readChartIndex,
  renderFailure,
  renderInstall,
  renderOk,
  type ChartInstall,
} from '../support/upstream-charts.js';

type Obj = Record<string, unknown>;

/** What slipway asks for (README: "256Mi requested"): no Loki container may request more. */
const MODEST = { cpu: '100m', memory: '256Mi' } as const;

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
const isRecord = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function podSpec(o: Obj): Obj {
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  if (o['kind'] === 'Pod') return spec;
  const job =
    o['kind'] === 'CronJob' && isRecord(spec['jobTemplate']) && isRecord(spec['jobTemplate']['spec']) ? spec['jobTemplate']['spec'] : spec;
  const template = isRecord(job['template']) ? job['template'] : {};
  return isRecord(template['spec']) ? template['spec'] : {};
}

const containers = (o: Obj): Obj[] =>
  Array.isArray(podSpec(o)['containers']) ? (podSpec(o)['containers'] as unknown[]).filter(isRecord) : [];
const images = (o: Obj): string[] => containers(o).map((c) => String(c['image'] ?? ''));
/** The Loki server container: grafana/loki, not loki-canary or a sidecar. */
const lokiContainer = (o: Obj): Obj | undefined => containers(o).find((c) => /\/loki:/.test(String(c['image'] ?? '')));
/** `-target=` of the Loki container (Loki's default, when absent, is `all`: the single binary). */
function target(c: Obj): string {
  const args = Array.isArray(c['args']) ? c['args'].map(String) : [];
  return args.find((a) => a.startsWith('-target='))?.slice('-target='.length) ?? 'all';
}

/**
 * Everything about the rendered chart that is not "one single-binary Loki on its filesystem, no
 * caches, no canary, requests within MODEST", one line each (empty when it holds).
 */
function lokiShapeProblems(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(String(o['kind'])));
  for (const w of workloads) {
    if (images(w).some((i) => i.includes('memcached'))) out.push(`${objectRef(w)}: a memcached cache (chunksCache/resultsCache)`);
    else if (images(w).some((i) => i.includes('loki-canary')) || meta(w).name.endsWith('-canary'))
      out.push(`${objectRef(w)}: the Loki canary`);
    else if (!lokiContainer(w)) out.push(`${objectRef(w)}: a workload that is not Loki itself (${images(w).join(', ')})`);
  }
  const loki = workloads.filter((w) => lokiContainer(w) && !images(w).some((i) => i.includes('loki-canary')));
  if (loki.length !== 1) out.push(`${loki.length} Loki workloads (${loki.map(objectRef).join(', ') || 'none'}), not one single binary`);
  for (const w of loki) {
    if (w['kind'] !== 'StatefulSet' && w['kind'] !== 'Deployment') out.push(`${objectRef(w)}: Loki as a ${String(w['kind'])}`);
    const t = target(lokiContainer(w)!);
    if (t !== 'all') out.push(`${objectRef(w)}: Loki runs -target=${t}, not the single binary (all)`);
    for (const c of containerResources(w)) {
      for (const resource of ['cpu', 'memory'] as const) {
        const q = c[resource];
        if (q !== undefined && parseQuantity(q) > parseQuantity(MODEST[resource]))
          out.push(
            `${objectRef(w)} container ${c.container}: ${c[`${resource}From`]}.${resource} ${String(q)} is more than ${MODEST[resource]}`,
          );
      }
      if (c.container === 'loki' && (c.cpu === undefined || c.memory === undefined))
        out.push(`${objectRef(w)} container loki: no cpu or memory request (${String(c.cpu)}, ${String(c.memory)})`);
    }
  }
  const configMap = objects.find((o) => o['kind'] === 'ConfigMap' && isRecord(o['data']) && typeof o['data']['config.yaml'] === 'string');
  if (!configMap) out.push('no ConfigMap holds config.yaml (the Loki config)');
  else {
    const config = parse((configMap['data'] as Obj)['config.yaml'] as string) as Obj;
    const common = isRecord(config['common']) ? config['common'] : {};
    const storage = isRecord(common['storage']) ? Object.keys(common['storage']) : [];
    if (storage.join() !== 'filesystem')
      out.push(`${objectRef(configMap)}: common.storage is ${storage.join(', ') || 'empty'}, not filesystem`);
    const schema =
      isRecord(config['schema_config']) && Array.isArray(config['schema_config']['configs']) ? config['schema_config']['configs'] : [];
    for (const [i, s] of schema.filter(isRecord).entries())
      if (s['object_store'] !== 'filesystem')
        out.push(`${objectRef(configMap)}: schema_config.configs[${i}].object_store is ${String(s['object_store'])}, not filesystem`);
  }
  return out;
}

let loki: ChartInstall;
beforeAll(async () => {
  const production = (await generateSample()).output.envs.find((e) => e.env.name === 'production')!;
  loki = chartInstalls(production.argocd).find((i) => i.chart === 'loki')!;
});

async function render(helm: HelmBinary, values: Obj): Promise<readonly Obj[]> {
  const entry = indexEntryFor(readChartIndex(), loki)!;
  expect(entry.exact, `the loki pin ${loki.targetRevision} is a package of the index`).toBe(true);
  const result = await renderInstall(helm, { ...loki, values }, entry.entry);
  if (!renderOk(result)) throw new Error(`helm ${helm.version} template loki: ${renderFailure(result)}`);
  return result.objects;
}

describeWithShared("Loki from the pinned chart, with the Application's valuesObject", () => {
  it.each([3, 4] as const)('Helm %i: one single-binary Loki on its filesystem, no caches, no canary, modest requests', async (major) => {
    const helm = helmBinaries().find((h) => h.major === major)!;
    const objects = await render(helm, loki.values);
    expect(lokiShapeProblems(objects)).toEqual([]);
    // What the check reads is there: the StatefulSet with the requests slipway sets.
    const sts = objects.find((o) => o['kind'] === 'StatefulSet' && meta(o).name === 'loki')!;
    expect(containerResources(sts).find((c) => c.container === 'loki')).toMatchObject({ cpu: '100m', memory: '256Mi' });
  });

  it('catches the chart as it would be without each of slipway values', async () => {
    const helm = helmBinaries().find((h) => h.major === 4)!;
    const v = loki.values as { loki: Obj } & Obj;
    const cases: ReadonlyArray<[what: string, values: Obj, expected: RegExp]> = [
      ['the canary on', { ...v, lokiCanary: { enabled: true } }, /^DaemonSet\/loki-canary: the Loki canary$/],
      ['the chunks cache on', { ...v, chunksCache: { enabled: true } }, /^StatefulSet\/loki-chunks-cache: a memcached cache/],
      ['SimpleScalable with the scalable targets still at 0', { ...v, deploymentMode: 'SimpleScalable' }, /^0 Loki workloads/],
      [
        'SimpleScalable on object storage',
        {
          ...v,
          deploymentMode: 'SimpleScalable',
          singleBinary: { replicas: 0 },
          read: { replicas: 1 },
          write: { replicas: 1 },
          backend: { replicas: 1 },
          loki: {
            ...v.loki,
            storage: { type: 's3', bucketNames: { chunks: 'c', ruler: 'r', admin: 'a' } },
            schemaConfig: { configs: [{ ...(v.loki['schemaConfig'] as { configs: Obj[] }).configs[0], object_store: 's3' }] },
          },
        },
        /-target=read, not the single binary/,
      ],
      [
        'bigger requests',
        { ...v, singleBinary: { replicas: 1, resources: { requests: { cpu: '500m', memory: '2Gi' } } } },
        /container loki: requests.memory 2Gi is more than 256Mi/,
      ],
    ];
    for (const [what, values, expected] of cases) {
      const problems = lokiShapeProblems(await render(helm, values));
      expect(
        problems.some((p) => expected.test(p)),
        `${what}: ${problems.join(' | ')}`,
      ).toBe(true);
    }
  });
});
