/**
 * Every platform component against the real upstream chart it pins: the chart packages in
 * ../shared/upstream-charts (index.json), rendered with Helm 3 and Helm 4 as Argo CD renders
 * the Application (`helm template <release> <chart> --namespace <dest> --include-crds -f
 * <valuesObject>`), for each sample env and for production as a two-cluster fleet.
 *
 * One `it` per requirement; each collects every problem of the env (both Helm versions) and
 * fails with the whole list, each line naming the component, the object and the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, HAVE_SHARED } from '../support/shared.js';
import type { K8sObject } from '../../generators/app-objects.js';
import type { FleetCluster } from '../../generators/environment.js';
import { generatePlatform, type GeneratedPlatform } from '../../generators/platform.js';
import { CHARTS } from '../../generators/platform-components.js';
import { isCoreKind, validateCoreObject } from '../../src/validate/core-schemas.js';
import { CrdSchemas } from '../../src/validate/crd-schemas.js';
import { fleetModel, generateSample, sampleModel, SHARED_CRDS } from '../support/generated.js';
import { helmBinaries, type HelmBinary } from '../support/helm.js';
import {
  BUILTIN_GROUPS,
  chartInstalls,
  containerResources,
  CrdScopes,
  destinationPermitted,
  diffPaths,
  formatPointer,
  globMatch,
  groupOf,
  ignoredPaths,
  indexEntryFor,
  istioGatewayExposure,
  jqPaths,
  meta,
  objectRef,
  parseJq,
  parseJsonPointer,
  parseQuantity,
  pathCovered,
  permissionProblems,
  readChartIndex,
  renderFailure,
  renderInstall,
  renderOk,
  resourceScope,
  uncoveredDifferences,
  type ChartIndexEntry,
  type ChartInstall,
  type IgnoreDifference,
  type RenderResult,
} from '../support/upstream-charts.js';

type Obj = Record<string, unknown>;

const GiB = 2 ** 30;
const MAX_MEMORY = GiB;
const MAX_CPU = 1;

/** Two clusters for production; staging runs on the first (fleetModel), as in test/generators/fleet.test.ts. */
const FLEET: FleetCluster[] = [
  { name: 'eu-1', server: 'https://eu-1.k8s.example.com', apps: {} },
  { name: 'us-1', server: 'https://us-1.k8s.example.com', apps: {} },
];

let sample: GeneratedPlatform;
let fleet: GeneratedPlatform;
const index: ChartIndexEntry[] = HAVE_SHARED ? readChartIndex() : [];

beforeAll(async () => {
  sample = (await generateSample()).output;
  fleet = generatePlatform(fleetModel(await sampleModel(), FLEET));
});

/** One install, rendered (or not) by each Helm. */
interface Rendered {
  readonly install: ChartInstall;
  /** The index entry rendered; undefined when the index has no chart of that name. */
  readonly entry: ChartIndexEntry | undefined;
  readonly exactPin: boolean;
  readonly first: ReadonlyMap<3 | 4, RenderResult>;
  readonly second: ReadonlyMap<3 | 4, RenderResult>;
}

interface EnvUnderTest {
  readonly name: string;
  readonly declaredPlatform: readonly unknown[];
  readonly argocd: readonly K8sObject[];
  readonly installs: readonly Rendered[];
  readonly helms: readonly HelmBinary[];
}

async function prepare(output: GeneratedPlatform, envName: string): Promise<EnvUnderTest> {
  const generated = output.envs.find((e) => e.env.name === envName);
  if (!generated) throw new Error(`the generated output has no env ${envName} (has: ${output.envs.map((e) => e.env.name).join(', ')})`);
  const helms = helmBinaries();
  const installs = await Promise.all(
    chartInstalls(generated.argocd).map(async (install): Promise<Rendered> => {
      const match = indexEntryFor(index, install);
      const first = new Map<3 | 4, RenderResult>();
      const second = new Map<3 | 4, RenderResult>();
      if (match) {
        await Promise.all(
          helms.map(async (h) => {
            const [a, b] = await Promise.all([renderInstall(h, install, match.entry, 1), renderInstall(h, install, match.entry, 2)]);
            first.set(h.major, a);
            second.set(h.major, b);
          }),
        );
      }
      return { install, entry: match?.entry, exactPin: match?.exact ?? false, first, second };
    }),
  );
  return {
    name: envName,
    declaredPlatform: (generated.env as { platform?: readonly unknown[] }).platform ?? [],
    argocd: generated.argocd,
    installs,
    helms,
  };
}

/** `grafana` or, when the pin is not in the index, `grafana[rendered grafana-12.11.1.tgz]`. */
const subject = (r: Rendered): string =>
  r.exactPin || !r.entry ? r.install.display : `${r.install.display}[pin not in index; rendered ${r.entry.file}]`;

/**
 * Runs `check` for each Helm and merges the messages: one line per distinct message, marked
 * `[Helm 3]`/`[Helm 4]` when only one version produced it.
 */
function perHelm(env: EnvUnderTest, check: (helm: HelmBinary) => string[]): string[] {
  const seen = new Map<string, Set<number>>();
  for (const h of env.helms) for (const m of check(h)) (seen.get(m) ?? seen.set(m, new Set()).get(m)!).add(h.major);
  return [...seen].map(([m, majors]) => (majors.size === env.helms.length ? m : `${m} [Helm ${[...majors].join(', ')} only]`));
}

/** Installs that rendered under `helm`; the others are reported once each (the render check says why). */
function renderedWith(
  env: EnvUnderTest,
  helm: HelmBinary,
  problems: string[],
  what: string,
): Array<{ r: Rendered; objects: readonly Obj[] }> {
  const out: Array<{ r: Rendered; objects: readonly Obj[] }> = [];
  for (const r of env.installs) {
    const result = r.first.get(helm.major);
    if (result && renderOk(result)) out.push({ r, objects: result.objects });
    else problems.push(`${subject(r)} (${r.install.owner}): not rendered, so ${what} is unchecked (see the render check)`);
  }
  return out;
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

const ENVS: ReadonlyArray<{ title: string; env: string; output: () => GeneratedPlatform }> = [
  { title: 'staging', env: 'staging', output: () => sample },
  { title: 'production', env: 'production', output: () => sample },
  {
    title: `production as a two-cluster fleet (${FLEET.map((c) => c.name).join(', ')}), staging on ${FLEET[0]!.name}`,
    env: 'production',
    output: () => fleet,
  },
];

for (const c of ENVS) {
  describeWithShared(`platform charts against the upstream charts: ${c.title}`, () => {
    let env: EnvUnderTest;
    beforeAll(async () => {
      env = await prepare(c.output(), c.env);
    });

    it('the output is one synth writes: nothing refused, no component missing for an app', () => {
      // A model synth would refuse (an app on a cluster without the controllers it needs) proves nothing about a real cluster.
      expect(c.output().refusals).toEqual([]);
      expect(c.output().missingPlatform).toEqual([]);
    });

    it('pins (repoURL, chart, targetRevision) are charts of the shared index', () => {
      const problems: string[] = [];
      if (env.declaredPlatform.length > 0 && env.installs.length === 0) {
        problems.push(
          `env ${env.name} declares ${env.declaredPlatform.length} platform components but has no Application/ApplicationSet labelled slipway.dev/platform with spec.source.chart`,
        );
      }
      for (const r of env.installs) {
        const { install } = r;
        if (r.exactPin) continue;
        const pin = `${install.repoURL} ${install.chart}@${install.targetRevision}`;
        const indexed = index.filter((e) => e.chart === install.chart).map((e) => `${e.repoURL} ${e.chart}@${e.version}`);
        problems.push(
          `${install.display} (${install.owner}): pin ${pin} is not in index.json (index has: ${indexed.join(', ') || `no chart "${install.chart}"`})`,
        );
      }
      expect(unique(problems)).toEqual([]);
    });

    it('helm template renders each chart with exactly its valuesObject (Helm 3 and Helm 4)', () => {
      const problems = perHelm(env, (helm) => {
        const out: string[] = [];
        for (const r of env.installs) {
          const { install } = r;
          if (!r.entry) {
            out.push(`${install.display} (${install.owner}): no chart "${install.chart}" in the shared index, cannot render`);
            continue;
          }
          if (install.otherHelmSettings.length) {
            out.push(
              `${install.display} (${install.owner}): spec.source.helm sets ${install.otherHelmSettings.join(', ')}, which this render does not apply (only releaseName and valuesObject)`,
            );
          }
          const result = r.first.get(helm.major)!;
          if (!renderOk(result)) {
            out.push(
              `${subject(r)} (${install.owner}): helm template ${install.releaseName} ${r.entry.file} -n ${install.namespace} failed: ${renderFailure(result)}`,
            );
          } else if (result.objects.length === 0) {
            out.push(`${subject(r)} (${install.owner}): rendered no objects`);
          }
        }
        return out;
      });
      expect(problems).toEqual([]);
    });

    it('every rendered object is strictly valid (core schemas; CRDs from ../shared/crds and the charts)', () => {
      const problems = perHelm(env, (helm) => {
        const out: string[] = [];
        const rendered = renderedWith(env, helm, out, 'schema validity');
        const crdObjects = rendered.flatMap(({ objects }) => objects.filter((o) => o['kind'] === 'CustomResourceDefinition'));
        const crds = CrdSchemas.fromSources({ directories: [SHARED_CRDS], objects: crdObjects });
        for (const { r, objects } of rendered) {
          for (const obj of objects) {
            const apiVersion = String(obj['apiVersion']);
            const kind = String(obj['kind']);
            const at = `${subject(r)} ${objectRef(obj)}`;
            let issues: Array<{ path: string; message: string }>;
            if (isCoreKind(apiVersion, kind)) issues = validateCoreObject(obj);
            else if (crds.has(apiVersion, kind)) issues = crds.validate(obj);
            else if (BUILTIN_GROUPS.has(groupOf(apiVersion))) {
              out.push(`${at}: built-in kind ${apiVersion} ${kind} has no schema in src/validate/core-models.cjs, so it is not validated`);
              continue;
            } else {
              out.push(`${at}: custom kind ${apiVersion} ${kind} has no CRD in ../shared/crds nor among the env's rendered charts`);
              continue;
            }
            for (const issue of issues) out.push(`${at}: ${issue.path || '(top level)'}: ${issue.message}`);
          }
        }
        return out;
      });
      expect(problems).toEqual([]);
    });

    it("every rendered object is permitted by the Application's AppProject", () => {
      const projects = new Map(env.argocd.filter((o) => o.kind === 'AppProject').map((p) => [meta(p as Obj).name, p as Obj]));
      const problems = perHelm(env, (helm) => {
        const out: string[] = [];
        for (const r of env.installs) {
          const { install } = r;
          const project = projects.get(install.project);
          if (!project) {
            out.push(`${install.display} (${install.owner}): AppProject ${install.project} is not among the env's Argo CD objects`);
            continue;
          }
          const spec = (project['spec'] ?? {}) as { sourceRepos?: string[] };
          if (!(spec.sourceRepos ?? []).some((p) => globMatch(p, install.repoURL))) {
            out.push(
              `${install.display} (${install.owner}): repoURL ${install.repoURL} is not in AppProject ${install.project}'s sourceRepos`,
            );
          }
          if (!destinationPermitted(project, { server: install.server, name: install.destinationName, namespace: install.namespace })) {
            out.push(
              `${install.display} (${install.owner}): destination ${install.server ?? install.destinationName}/${install.namespace} is not a destination of AppProject ${install.project}`,
            );
          }
        }
        const rendered = renderedWith(env, helm, out, 'AppProject permission');
        const scopes = new CrdScopes(rendered.flatMap(({ objects }) => objects.filter((o) => o['kind'] === 'CustomResourceDefinition')));
        for (const { r, objects } of rendered) {
          const project = projects.get(r.install.project);
          if (!project) continue;
          for (const obj of objects) {
            for (const p of permissionProblems(project, obj, r.install, resourceScope(obj, scopes)))
              out.push(`${subject(r)} ${objectRef(obj)} (${r.install.owner}): ${p}`);
          }
        }
        return out;
      });
      expect(unique(problems)).toEqual([]);
    });

    it("Argo CD's own objects carry the names a running Argo CD uses (no second control plane)", () => {
      const REQUIRED: ReadonlyArray<[kind: string, name: string]> = [
        ['Deployment', 'argocd-server'],
        ['Deployment', 'argocd-repo-server'],
        ['StatefulSet', 'argocd-application-controller'],
        ['ConfigMap', 'argocd-cm'],
        ['ConfigMap', 'argocd-rbac-cm'],
        ['Secret', 'argocd-secret'],
      ];
      const argoInstalls = env.installs.filter((r) => r.install.chart === 'argo-cd');
      const problems = perHelm(env, (helm) => {
        const out: string[] = [];
        if (env.declaredPlatform.some((p) => (p as { component?: unknown })?.component === 'argo-cd') && argoInstalls.length === 0) {
          out.push(`env ${env.name} declares argo-cd but no Application installs chart argo-cd`);
        }
        for (const r of argoInstalls) {
          const result = r.first.get(helm.major);
          if (!result || !renderOk(result)) {
            out.push(`${subject(r)} (${r.install.owner}): not rendered, so Argo CD's object names are unchecked (see the render check)`);
            continue;
          }
          const argocdNamespace = r.install.ownerNamespace;
          for (const [kind, name] of REQUIRED) {
            const found = result.objects.filter((o) => o['kind'] === kind && meta(o).name === name);
            if (found.length === 0) {
              const similar = result.objects.filter((o) => o['kind'] === kind).map((o) => meta(o).name);
              out.push(
                `${subject(r)}: no ${kind}/${name} rendered (release ${r.install.releaseName}; its ${kind}s: ${similar.join(', ') || 'none'})`,
              );
            }
            for (const o of found) {
              const ns = meta(o).namespace ?? r.install.namespace;
              if (argocdNamespace !== undefined && ns !== argocdNamespace) {
                out.push(`${subject(r)} ${kind}/${name}: in namespace ${ns}, not ${argocdNamespace} where the env's Applications live`);
              }
            }
          }
          const second = result.objects.filter((o) => meta(o).name.startsWith('argo-cd-'));
          if (second.length)
            out.push(
              `${subject(r)}: ${second.length} objects named argo-cd-* (a second control plane): ${second.map(objectRef).join(', ')}`,
            );
        }
        return out;
      });
      expect(problems).toEqual([]);
    });

    it(`no container requests more than 1Gi of memory or more than ${MAX_CPU} CPU`, () => {
      const problems = perHelm(env, (helm) => {
        const out: string[] = [];
        for (const { r, objects } of renderedWith(env, helm, out, 'resource requests')) {
          for (const obj of objects) {
            for (const c of containerResources(obj)) {
              const where = `${subject(r)} ${objectRef(obj)} ${c.init ? 'initContainer' : 'container'} ${c.container} (${c.path}.resources)`;
              const check = (
                resource: 'cpu' | 'memory',
                q: string | number | undefined,
                from: string | undefined,
                max: number,
                maxText: string,
              ) => {
                if (q === undefined) return;
                let v: number;
                try {
                  v = parseQuantity(q);
                } catch (error) {
                  out.push(`${where}: ${from}.${resource}: ${(error as Error).message}`);
                  return;
                }
                if (v > max) {
                  const note = from === 'limits' ? ' (no request: the request defaults to the limit)' : '';
                  out.push(`${where}: ${from}.${resource} ${String(q)} is more than ${maxText}${note}`);
                }
              };
              check('memory', c.memory, c.memoryFrom, MAX_MEMORY, '1Gi');
              check('cpu', c.cpu, c.cpuFrom, MAX_CPU, `${MAX_CPU} CPU`);
            }
          }
        }
        return out;
      });
      expect(problems).toEqual([]);
    });

    it("rendering twice differs only where the Application's ignoreDifferences says so", () => {
      const problems = perHelm(env, (helm) => {
        const out: string[] = [];
        for (const { r, objects } of renderedWith(env, helm, out, 'render stability')) {
          const again = r.second.get(helm.major)!;
          if (!renderOk(again)) {
            out.push(`${subject(r)} (${r.install.owner}): the second render failed: ${renderFailure(again)}`);
            continue;
          }
          out.push(...uncoveredDifferences({ ...r.install, display: subject(r) }, objects, again.objects));
        }
        return out;
      });
      expect(unique(problems)).toEqual([]);
    });
  });
}

// ---------------------------------------------------------------------------------------
// The helpers the checks above rely on.

describeWithShared("slipway's pins and the shared chart packages", () => {
  it('every pin marked as rendered is a package of the index; the others are not, and are named here', () => {
    const index = readChartIndex();
    const pins = Object.entries(CHARTS).map(([key, c]) => ({
      key,
      rendered: c.rendered,
      match: indexEntryFor(index, { repoURL: c.repoURL, chart: c.chart, targetRevision: c.version }),
    }));
    for (const pin of pins.filter((p) => p.rendered))
      expect(pin.match?.exact, `${pin.key} is rendered by the tests, so its pin must be an index entry`).toBe(true);
    // Honest about what is not verified here: these two have no package in ../shared/upstream-charts.
    expect(
      pins
        .filter((p) => !p.rendered)
        .map((p) => p.key)
        .sort(),
    ).toEqual(['cert-manager', 'metrics-server']);
    for (const pin of pins.filter((p) => !p.rendered)) expect(pin.match?.exact ?? false).toBe(false);
    // And every index entry is pinned by slipway: a package nobody pins is a drift the other way.
    for (const entry of index)
      expect(
        Object.values(CHARTS).some((c) => c.chart === entry.chart && c.version === entry.version && c.repoURL === entry.repoURL),
        entry.file,
      ).toBe(true);
  });
});

describe('ignoreDifferences matcher (jq path subset and JSON pointers)', () => {
  const webhook = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'istiod-default-validator', labels: { 'app.kubernetes.io/name': 'istiod' } },
    webhooks: [
      {
        name: 'a',
        failurePolicy: 'Ignore',
        clientConfig: { caBundle: 'AAA', service: { name: 'istiod' } },
        rules: [{ operations: ['CREATE'] }],
      },
      { name: 'b', failurePolicy: 'Fail', clientConfig: { caBundle: 'BBB' } },
    ],
    data: { 'admin-password': 'x', 'ca.crt': 'y' },
  };

  it('selects the paths it names', () => {
    expect(jqPaths('.webhooks[]?.clientConfig.caBundle', webhook)).toEqual([
      ['webhooks', 0, 'clientConfig', 'caBundle'],
      ['webhooks', 1, 'clientConfig', 'caBundle'],
    ]);
    expect(jqPaths('.webhooks[].failurePolicy', webhook)).toEqual([
      ['webhooks', 0, 'failurePolicy'],
      ['webhooks', 1, 'failurePolicy'],
    ]);
    expect(jqPaths('.metadata.labels."app.kubernetes.io/name"', webhook)).toEqual([['metadata', 'labels', 'app.kubernetes.io/name']]);
    expect(jqPaths('.data["admin-password"]', webhook)).toEqual([['data', 'admin-password']]);
    expect(jqPaths('.data."ca.crt"', webhook)).toEqual([['data', 'ca.crt']]);
    expect(jqPaths('.webhooks[0].name', webhook)).toEqual([['webhooks', 0, 'name']]);
    expect(jqPaths('.webhooks[].rules[]?.operations', webhook)).toEqual([['webhooks', 0, 'rules', 0, 'operations']]);
    expect(jqPaths('.data[]', webhook)).toEqual([
      ['data', 'admin-password'],
      ['data', 'ca.crt'],
    ]);
    expect(jqPaths('.', webhook)).toEqual([[]]);
    // A missing key is still a path (jq: `path(.a.b)` on `{}` is ["a","b"]); deleting it is a no-op.
    expect(jqPaths('.spec.missing', webhook)).toEqual([['spec', 'missing']]);
  });

  it('selects nothing it does not name, and errors select nothing', () => {
    // `[]` over null fails in jq without `?`; Argo CD then skips the expression.
    expect(jqPaths('.spec.items[].x', webhook)).toEqual([]);
    expect(jqPaths('.spec.items[]?.x', webhook)).toEqual([]);
    // `.webhooks[1]` has no rules: `[]?` drops it, `[]` fails the whole expression.
    expect(jqPaths('.webhooks[].rules[].operations', webhook)).toEqual([]);
    // Indexing a string with a key is an error.
    expect(jqPaths('.metadata.name.x', webhook)).toEqual([]);
    const covered = jqPaths('.webhooks[]?.clientConfig.caBundle', webhook);
    expect(pathCovered(covered, ['webhooks', 0, 'clientConfig', 'caBundle'])).toBe(true);
    expect(pathCovered(covered, ['webhooks', 0, 'clientConfig', 'service', 'name'])).toBe(false);
    expect(pathCovered(covered, ['webhooks', 0, 'failurePolicy'])).toBe(false);
    expect(pathCovered(covered, ['webhooks', 0, 'clientConfig'])).toBe(false);
    expect(pathCovered(jqPaths('.data."ca.crt"', webhook), ['data', 'admin-password'])).toBe(false);
  });

  it('rejects jq it does not implement instead of guessing', () => {
    for (const bad of ['.a | .b', '.webhooks[] | select(.name == "a")', 'webhooks', '.a[', '.a.', '..', '.a["k"', '.a[1:2]']) {
      expect(() => parseJq(bad), bad).toThrow(/unsupported jq path expression/);
    }
  });

  it('JSON pointers cover their subtree, with ~0/~1 escapes', () => {
    expect(parseJsonPointer('/metadata/annotations/checksum~1secret')).toEqual(['metadata', 'annotations', 'checksum/secret']);
    expect(parseJsonPointer('/a~0b')).toEqual(['a~b']);
    expect(formatPointer(['metadata', 'annotations', 'checksum/secret'])).toBe('/metadata/annotations/checksum~1secret');
    expect(pathCovered([parseJsonPointer('/data')], ['data', 'admin-password'])).toBe(true);
    expect(pathCovered([parseJsonPointer('/webhooks/0')], ['webhooks', 0, 'name'])).toBe(true);
    expect(pathCovered([parseJsonPointer('/webhooks/1')], ['webhooks', 0, 'name'])).toBe(false);
    expect(pathCovered([parseJsonPointer('/dat')], ['data', 'admin-password'])).toBe(false);
  });

  it('an entry applies by group/kind, and by name only when it sets one', () => {
    const entries: IgnoreDifference[] = [
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.failurePolicy'] },
      { group: '', kind: 'Secret', name: 'grafana', jsonPointers: ['/data/admin-password'] },
    ];
    expect(ignoredPaths(entries, webhook)).toEqual([
      ['webhooks', 0, 'failurePolicy'],
      ['webhooks', 1, 'failurePolicy'],
    ]);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'grafana' }, data: { 'admin-password': 'x' } };
    expect(ignoredPaths(entries, secret)).toEqual([['data', 'admin-password']]);
    expect(ignoredPaths(entries, { ...secret, metadata: { name: 'other' } })).toEqual([]);
    expect(ignoredPaths(entries, { ...webhook, apiVersion: 'v1' })).toEqual([]);
  });

  it('reports each uncovered difference as component kind/name path', () => {
    const install = {
      display: 'grafana',
      namespace: 'logging',
      ignoreDifferences: [{ group: '', kind: 'Secret', name: 'grafana', jsonPointers: ['/data/admin-password'] }],
    } as unknown as ChartInstall;
    const secret = (pw: string, extra: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'grafana' },
      data: { 'admin-password': pw, other: extra },
    });
    const dep = (sum: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'grafana', annotations: { 'checksum/secret': sum } },
    });
    expect(uncoveredDifferences(install, [secret('a', 'same'), dep('1')], [secret('b', 'same'), dep('1')])).toEqual([]);
    expect(uncoveredDifferences(install, [secret('a', 'x'), dep('1')], [secret('b', 'y'), dep('2')])).toEqual([
      'grafana Secret/grafana /data/other',
      'grafana Deployment/grafana /metadata/annotations/checksum~1secret',
    ]);
    expect(diffPaths({ a: [1, 2] }, { a: [1] })).toEqual([['a', 1]]);
  });
});

describe('Kubernetes quantities', () => {
  it('parses the suffixes and forms the API server accepts', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('1')).toBe(1);
    expect(parseQuantity(2)).toBe(2);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('1Gi')).toBe(GiB);
    expect(parseQuantity('1024Mi')).toBe(GiB);
    expect(parseQuantity('512Ki')).toBe(512 * 1024);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('128M')).toBe(128e6);
    expect(parseQuantity('100k')).toBe(1e5);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('12E-1')).toBe(1.2);
    expect(parseQuantity('1E')).toBe(1e18);
    expect(parseQuantity('0.5Gi')).toBe(GiB / 2);
    expect(parseQuantity('1100Mi') > MAX_MEMORY).toBe(true);
    expect(parseQuantity('1G') > MAX_MEMORY).toBe(false);
    expect(parseQuantity('1001m') > MAX_CPU).toBe(true);
    for (const bad of ['', 'Gi', '1gi', '1 Gi', '1MB', 'abc', '1.2.3']) expect(() => parseQuantity(bad), bad).toThrow(/invalid quantity/);
  });

  it('finds containers and initContainers in every pod template, requests before limits', () => {
    const pod = (resources: Obj) => ({ initContainers: [{ name: 'init', resources }], containers: [{ name: 'main', resources: {} }] });
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { jobTemplate: { spec: { template: { spec: pod({ limits: { memory: '2Gi' } }) } } } },
    };
    expect(containerResources(cronJob)).toEqual([
      {
        path: 'spec.jobTemplate.spec.template.spec.initContainers[0]',
        container: 'init',
        init: true,
        cpu: undefined,
        memory: '2Gi',
        cpuFrom: undefined,
        memoryFrom: 'limits',
      },
      {
        path: 'spec.jobTemplate.spec.template.spec.containers[0]',
        container: 'main',
        init: false,
        cpu: undefined,
        memory: undefined,
        cpuFrom: undefined,
        memoryFrom: undefined,
      },
    ]);
    const sts = { kind: 'StatefulSet', spec: { template: { spec: pod({ requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: 4 } }) } } };
    expect(containerResources(sts)[0]).toMatchObject({ cpu: '2', cpuFrom: 'requests', memory: '1Gi' });
    expect(containerResources({ kind: 'Pod', spec: pod({}) })).toHaveLength(2);
    expect(containerResources({ kind: 'ConfigMap', data: {} })).toEqual([]);
  });
});

describeWithShared('chart installs, CRDs and the istio gateway helper', () => {
  const spec = (server: string) => ({
    project: 'p-platform',
    source: {
      repoURL: 'https://charts.example',
      chart: 'gateway',
      targetRevision: '1.0.0',
      helm: { releaseName: 'gw', valuesObject: { a: 1 } },
    },
    destination: { server, namespace: 'istio-system' },
    ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
  });
  it('reads Applications and expands ApplicationSets over their list generator', () => {
    const installs = chartInstalls([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'p-gw', namespace: 'argocd', labels: { 'slipway.dev/platform': 'istio' } },
        spec: spec('https://kubernetes.default.svc'),
      },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'p-app', labels: { 'slipway.dev/app': 'x' } },
        spec: spec('https://kubernetes.default.svc'),
      },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        metadata: { name: 'p-gw', namespace: 'argocd', labels: { 'slipway.dev/platform': 'istio' } },
        spec: {
          goTemplate: true,
          generators: [
            {
              list: {
                elements: [
                  { cluster: 'eu-1', url: 'https://eu-1.example' },
                  { cluster: 'us-1', url: 'https://us-1.example' },
                ],
              },
            },
          ],
          template: {
            metadata: { name: 'p-gw-{{.cluster}}' },
            spec: { ...spec('{{.url}}'), source: { chart: 'gateway', helm: { valuesObject: { c: '{{ .cluster }}' } } } },
          },
        },
      },
    ]);
    expect(installs.map((i) => [i.owner, i.name, i.server, i.display, i.releaseName, i.values])).toEqual([
      ['Application p-gw', 'p-gw', 'https://kubernetes.default.svc', 'istio/gateway', 'gw', { a: 1 }],
      [
        'ApplicationSet p-gw (cluster=eu-1, url=https://eu-1.example)',
        'p-gw-eu-1',
        'https://eu-1.example',
        'istio/gateway',
        'p-gw-eu-1',
        { c: 'eu-1' },
      ],
      [
        'ApplicationSet p-gw (cluster=us-1, url=https://us-1.example)',
        'p-gw-us-1',
        'https://us-1.example',
        'istio/gateway',
        'p-gw-us-1',
        { c: 'us-1' },
      ],
    ]);
    expect(installs[0]!.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }]);
    expect(installs[0]!.ownerNamespace).toBe('argocd');
  });

  it('matches pins literally against the index', () => {
    const knative = index.find((e) => e.chart === 'knative-operator')!;
    expect(indexEntryFor(index, { repoURL: knative.repoURL, chart: 'knative-operator', targetRevision: knative.version })).toEqual({
      entry: knative,
      exact: true,
    });
    expect(
      indexEntryFor(index, { repoURL: knative.repoURL, chart: 'knative-operator', targetRevision: knative.version.replace(/^v/, '') }),
    ).toEqual({ entry: knative, exact: false });
    expect(indexEntryFor(index, { repoURL: 'https://example', chart: 'no-such-chart', targetRevision: '1' })).toBeUndefined();
  });

  it('CrdSchemas.fromSources: shared CRDs plus rendered ones, the rendered ones last', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Thing', plural: 'things' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } },
            },
          },
        ],
      },
    };
    const crds = CrdSchemas.fromSources({ directories: [SHARED_CRDS], objects: [crd, { kind: 'ConfigMap' }] });
    expect(crds.has('argoproj.io/v1alpha1', 'Rollout')).toBe(true);
    expect(crds.validate({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { size: 1 } })).toEqual([]);
    expect(
      crds
        .validate({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { size: 'big', colour: 'red' } })
        .map((i) => i.path)
        .sort(),
    ).toEqual(['spec.colour', 'spec.size']);
  });

  it('istioGatewayExposure: the Service and the pod labels of the Deployment', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'gw' } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'gw', namespace: 'istio-ingress' },
        spec: { type: 'LoadBalancer', selector: { istio: 'ingressgateway' } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'gw' },
        spec: { template: { metadata: { labels: { istio: 'ingressgateway', app: 'gw' } } } },
      },
    ];
    expect(istioGatewayExposure(objects, 'default-ns')).toEqual({
      service: { name: 'gw', namespace: 'istio-ingress', selector: { istio: 'ingressgateway' }, type: 'LoadBalancer' },
      deployment: { name: 'gw', namespace: 'default-ns', podLabels: { istio: 'ingressgateway', app: 'gw' } },
    });
    expect(() => istioGatewayExposure(objects.slice(0, 1), 'x')).toThrow(/rendered 0 Service objects/);
  });
});

describe('AppProject permission check', () => {
  const project = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'p' },
    spec: {
      destinations: [
        { server: 'https://kubernetes.default.svc', namespace: 'monitoring' },
        { server: 'https://*.k8s.example.com', namespace: 'logging' },
        { server: 'https://kubernetes.default.svc', namespace: 'team-*' },
        { server: '*', namespace: '!team-secret' },
      ],
      clusterResourceWhitelist: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
      namespaceResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  };
  const install = { server: 'https://kubernetes.default.svc', namespace: 'monitoring' } as ChartInstall;
  // No shared folder here (parsing the real one takes a second); the shared lookup is tested below.
  const scopes = new CrdScopes(
    [{ kind: 'CustomResourceDefinition', spec: { group: 'example.com', names: { kind: 'Thing' }, scope: 'Cluster' } }],
    '/nonexistent',
  );
  it('checks cluster kinds against the whitelist and namespaces against the destinations', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
    expect(permissionProblems(project, cm, install, resourceScope(cm, scopes))).toEqual([]);
    const team = { ...cm, metadata: { name: 'x', namespace: 'team-a' } };
    expect(permissionProblems(project, team, install, resourceScope(team, scopes))).toEqual([]);
    for (const ns of ['default', 'team-secret']) {
      const denied = { ...cm, metadata: { name: 'x', namespace: ns } };
      expect(permissionProblems(project, denied, install, resourceScope(denied, scopes))).toEqual([
        `namespace ${ns} on https://kubernetes.default.svc is not a destination of AppProject p`,
      ]);
    }
    const cr = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } };
    expect(permissionProblems(project, cr, install, resourceScope(cr, scopes))).toEqual([]);
    const crb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'r' } };
    expect(permissionProblems(project, crb, install, resourceScope(crb, scopes))).toEqual([
      "cluster-scoped rbac.authorization.k8s.io/ClusterRoleBinding is not in AppProject p's clusterResourceWhitelist",
    ]);
    const thing = { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' } };
    expect(resourceScope(thing, scopes)).toBe('Cluster');
    expect(resourceScope({ apiVersion: 'nowhere.example/v1', kind: 'X' }, scopes)).toBeUndefined();
    // CRDs of the shared folder count too (a small stand-in folder here: the real one takes seconds to parse).
    const dir = mkdtempSync(join(tmpdir(), 'slipway-crds-'));
    try {
      writeFileSync(
        join(dir, 'vs.yaml'),
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: virtualservices.networking.istio.io}\nspec: {group: networking.istio.io, scope: Namespaced, names: {kind: VirtualService}}\n',
      );
      const withShared = new CrdScopes([], dir);
      expect(resourceScope({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' }, withShared)).toBe('Namespaced');
      expect(resourceScope({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway' }, withShared)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(destinationPermitted(project, { server: 'https://eu-1.k8s.example.com', namespace: 'logging' })).toBe(true);
    expect(destinationPermitted(project, { server: '{{.url}}', namespace: 'logging' })).toBe(true);
  });
});
