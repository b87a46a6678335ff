/**
 * A platform Application's valuesObject holds only what slipway needs to differ from the chart's
 * defaults (generators/platform-components/platform-component.ts): a value that repeats the
 * chart's own values.yaml says nothing, and hides what slipway really changes. Every leaf of
 * every platform Application and ApplicationSet (the sample envs, and the two-cluster fleet) is
 * compared with the pinned chart's values.yaml, read from its package in ../shared/upstream-charts.
 */
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FleetCluster } from '../../generators/environment.js';
import { generatePlatform, type GeneratedPlatform } from '../../generators/platform.js';
import { fleetModel, generateSample, sampleModel } from '../support/generated.js';
import { describeWithShared } from '../support/shared.js';
import { chartInstalls, indexEntryFor, readChartIndex, type ChartIndexEntry } from '../support/upstream-charts.js';

type Obj = Record<string, unknown>;
type Path = readonly string[];

/**
 * Leaves that equal the chart's default on purpose, as `<chart> <dotted.path>`, each with its
 * reason. Empty today: a line here needs a reason a reader accepts (e.g. an env setting that
 * happens to be the default).
 */
const ALLOWED: Readonly<Record<string, string>> = {};

const isRecord = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The leaves of a values object: scalars, arrays (Helm replaces a list whole) and empty maps, each
 * with its path.
 */
function leaves(values: unknown, at: Path = []): Array<{ path: Path; value: unknown }> {
  if (isRecord(values) && Object.keys(values).length > 0) return Object.entries(values).flatMap(([k, v]) => leaves(v, [...at, k]));
  return at.length ? [{ path: at, value: values }] : [];
}

/** The value at `path` in the chart's defaults; `absent` when the chart does not set it. */
function defaultAt(defaults: unknown, path: Path): { value: unknown } | 'absent' {
  let cur = defaults;
  for (const k of path) {
    if (!isRecord(cur) || !(k in cur)) return 'absent';
    cur = cur[k];
  }
  return { value: cur };
}

/** `<path>: <value> is the chart's default` for each leaf of `values` that repeats `defaults`. */
function repeatedDefaults(values: Obj, defaults: unknown): Array<{ path: string; value: unknown }> {
  return leaves(values)
    .filter(({ path, value }) => {
      const d = defaultAt(defaults, path);
      return d !== 'absent' && isDeepStrictEqual(d.value, value);
    })
    .map(({ path, value }) => ({ path: path.join('.'), value }));
}

const defaultsCache = new Map<string, unknown>();
/** The chart's own values.yaml, read out of its package (`<chart>/values.yaml` in the .tgz). */
function chartDefaults(entry: ChartIndexEntry): unknown {
  if (!defaultsCache.has(entry.path)) {
    const r = spawnSync('tar', ['-xzOf', entry.path, `${entry.chart}/values.yaml`], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`tar -xzOf ${entry.file} ${entry.chart}/values.yaml: ${r.stderr.trim()}`);
    defaultsCache.set(entry.path, parse(r.stdout) as unknown);
  }
  return defaultsCache.get(entry.path);
}

const FLEET: FleetCluster[] = [
  { name: 'eu-1', server: 'https://eu-1.k8s.example.com', apps: {} },
  { name: 'us-1', server: 'https://us-1.k8s.example.com', apps: {} },
];

let sample: GeneratedPlatform;
let fleet: GeneratedPlatform;
beforeAll(async () => {
  sample = (await generateSample()).output;
  fleet = generatePlatform(fleetModel(await sampleModel(), FLEET));
});

describeWithShared("platform values hold only what differs from the chart's defaults", () => {
  it.each([
    ['the sample envs', () => sample],
    ['the two-cluster fleet', () => fleet],
  ])('%s: no valuesObject leaf equals the pinned chart default at its path', (_title, output) => {
    const index = readChartIndex();
    const problems = new Set<string>();
    let compared = 0;
    for (const env of output().envs) {
      for (const install of chartInstalls(env.argocd)) {
        const match = indexEntryFor(index, install);
        if (!match?.exact) {
          problems.add(`${install.owner}: pin ${install.chart}@${install.targetRevision} is not a package of the index`);
          continue;
        }
        const defaults = chartDefaults(match.entry);
        compared++;
        for (const { path, value } of repeatedDefaults(install.values, defaults)) {
          if (`${install.chart} ${path}` in ALLOWED) continue;
          problems.add(`${install.owner} (chart ${install.chart}): ${path}: ${JSON.stringify(value)} is the chart's default`);
        }
      }
    }
    expect(compared).toBeGreaterThan(8);
    expect([...problems]).toEqual([]);
  });

  it('every allow-list entry still matches a leaf that repeats a default (no stale exceptions)', () => {
    const index = readChartIndex();
    const repeated = new Set(
      [sample, fleet].flatMap((o) =>
        o.envs.flatMap((e) =>
          chartInstalls(e.argocd).flatMap((i) => {
            const match = indexEntryFor(index, i);
            return match ? repeatedDefaults(i.values, chartDefaults(match.entry)).map((r) => `${i.chart} ${r.path}`) : [];
          }),
        ),
      ),
    );
    for (const key of Object.keys(ALLOWED)) expect(repeated.has(key), key).toBe(true);
  });
});

describe('repeatedDefaults', () => {
  const defaults = {
    admin: { existingSecret: '', userKey: 'admin-user' },
    server: { global: { scrape_interval: '1m', scrape_timeout: '10s' }, args: ['a', 'b'] },
    empty: {},
  };
  it('reports leaves equal to the default at their path, lists compared whole, empty maps as leaves', () => {
    expect(
      repeatedDefaults(
        {
          admin: { existingSecret: 'grafana-admin', userKey: 'admin-user' },
          server: { global: { scrape_interval: '10s', scrape_timeout: '10s' }, args: ['a', 'b'] },
          empty: {},
        },
        defaults,
      ),
    ).toEqual([
      { path: 'admin.userKey', value: 'admin-user' },
      { path: 'server.global.scrape_timeout', value: '10s' },
      { path: 'server.args', value: ['a', 'b'] },
      { path: 'empty', value: {} },
    ]);
  });
  it('a path the chart does not set, another value or another type is no repeat', () => {
    expect(
      repeatedDefaults({ admin: { passwordKey: 'admin-password' }, server: { args: ['a'], global: { scrape_timeout: 10 } } }, defaults),
    ).toEqual([]);
    expect(repeatedDefaults({ extra: { deep: 1 } }, defaults)).toEqual([]);
  });
});
