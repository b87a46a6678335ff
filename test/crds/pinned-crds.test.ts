/**
 * The pinned CRD table (src/crds/pinned-crds.ts) against what it describes: the charts slipway
 * installs (each row's chart is pinned by a platform component, and its version is that chart's
 * appVersion), the kinds those components provide, and upstream's bytes where ../shared has a
 * copy of them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PLATFORM_COMPONENT_REGISTRY, type PlatformComponentModule } from '../../generators/platform-components/index.js';
import { sha256 } from '../../src/core/sha256.js';
import { cacheFileName, mirrorUrl, PINNED_CRDS } from '../../src/crds/pinned-crds.js';
import { MIRRORED_COMPONENTS, UPSTREAM_COPIES } from '../support/crd-mirror.js';
import { itWithShared, SHARED_CHARTS } from '../support/shared.js';

/** Every chart a platform component pins, as `<chart>@<version>` → the component. */
const chartPins = new Map<string, PlatformComponentModule>(
  PLATFORM_COMPONENT_REGISTRY.flatMap((c) => Object.values(c.charts).map((s) => [`${s.chart}@${s.version}`, c] as const)),
);

describe('pinned CRDs', () => {
  it("each row's chart is one a platform component pins", () => {
    expect(PINNED_CRDS.map((p) => p.chart).filter((chart) => !chartPins.has(chart))).toEqual([]);
  });

  it('the kinds of the rows are exactly those the components with CRDs provide', () => {
    const components = new Set(PINNED_CRDS.map((p) => chartPins.get(p.chart)!));
    const provided = [...components].flatMap((c) => (c.provides ?? []).map((k) => `${k.group}/${k.kind}`)).sort();
    expect(PINNED_CRDS.flatMap((p) => p.kinds).sort()).toEqual(provided);
    // Argo CD, Argo Rollouts, Istio and Knative (serving through its operator).
    expect([...components].map((c) => c.name).sort()).toEqual(['argo-cd', 'argo-rollouts', 'istio', 'knative-serving']);
  });

  itWithShared("each row's version is its chart's appVersion (the controller the chart runs)", () => {
    const problems: string[] = [];
    for (const pin of PINNED_CRDS) {
      const [chart, version] = pin.chart.split('@') as [string, string];
      const manifest = parse(
        execFileSync('tar', ['-xzOf', join(SHARED_CHARTS, `${chart}-${version}.tgz`), `${chart}/Chart.yaml`], { encoding: 'utf8' }),
      ) as { version: string; appVersion?: string };
      // knative-operator's chart has no appVersion: its version is the Knative release it installs.
      const runs = manifest.appVersion ?? manifest.version;
      if (runs.replace(/^v/, '') !== pin.version.replace(/^v/, '')) problems.push(`${pin.component}: ${pin.version}, chart runs ${runs}`);
    }
    expect(problems).toEqual([]);
  });

  it('rows are well-formed: unique names, https upstream URLs at the version, distinct file names, hex sha256', () => {
    expect(new Set(PINNED_CRDS.map((p) => p.component)).size).toBe(PINNED_CRDS.length);
    for (const pin of PINNED_CRDS) {
      expect(new Set(pin.files.map(cacheFileName)).size).toBe(pin.files.length);
      for (const file of pin.files) {
        expect(file.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[^/]+\/.+\.yaml$/);
        // The tag names the version (`v3.4.4`, `1.30.3`, `knative-v1.23.0`).
        expect(file.url).toMatch(new RegExp(`^https://[^/]+/[^/]+/[^/]+/(knative-)?${pin.version.replaceAll('.', '\\.')}/`));
        expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  itWithShared("the recorded sha256 is that of upstream's bytes, for every file ../shared has a copy of", () => {
    const mismatched = [...UPSTREAM_COPIES].filter(([url, bytes]) => {
      const file = PINNED_CRDS.flatMap((p) => p.files).find((f) => f.url === url);
      return file === undefined || sha256(bytes()) !== file.sha256;
    });
    expect(mismatched.map(([url]) => url)).toEqual([]);
    expect(MIRRORED_COMPONENTS).toEqual(['argo-rollouts', 'istio', 'knative-serving', 'knative-operator']);
  });

  it('a mirror keeps the upstream path under its base URL', () => {
    const file = PINNED_CRDS[0]!.files[0]!;
    expect(mirrorUrl(file, undefined)).toBe(file.url);
    expect(mirrorUrl(file, 'https://mirror.example/raw/')).toBe(
      'https://mirror.example/raw/argoproj/argo-cd/v3.4.4/manifests/crds/application-crd.yaml',
    );
    expect(mirrorUrl(file, 'file:///mnt/mirror')).toBe('file:///mnt/mirror/argoproj/argo-cd/v3.4.4/manifests/crds/application-crd.yaml');
  });
});
