/**
 * After one `slipway crds pull`, synth schema-checks the custom resources it could not before:
 * it reads the cache (.slipway/crds/<component>-<version>/ of the pinned versions) by default,
 * an explicit --crds folder still wins, and a field the CRD does not know is now refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pullCrds } from '../../src/crds/pull-crds.js';
import { generate } from '../../src/synth.js';
import { MIRRORED_COMPONENTS, startCrdMirror, type CrdMirror } from '../support/crd-mirror.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { run } from '../support/run.js';
import { describeWithShared } from '../support/shared.js';

const GO_DEMO = 'charts-src/go-demo-9.ts';

/** A VirtualService from go-demo-9's escape hatch, with `spec` as given. */
function addVirtualService(p: Project, spec: string): void {
  p.replace(
    GO_DEMO,
    "import { ConfigMap } from 'cdk8s-plus-33';",
    "import { ApiObject } from 'cdk8s';\nimport { ConfigMap } from 'cdk8s-plus-33';",
  );
  p.replace(
    GO_DEMO,
    '  extend: (scope) => {\n',
    `  extend: (scope) => {\n    new ApiObject(scope, 'vs', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'go-demo-9-extra' }, spec: ${spec} });\n`,
  );
}

describeWithShared('synth with the CRD cache', () => {
  let mirror: CrdMirror;
  let project: Project;
  let empty: string;

  beforeAll(async () => {
    mirror = await startCrdMirror();
    project = makeProject((p) => addVirtualService(p, "{ hosts: ['go-demo-9'], tcp: [], bogus: true }"));
    empty = mkdtempSync(join(tmpdir(), 'slipway-no-crds-'));
  });
  afterAll(async () => {
    await mirror.stop();
    project.cleanup();
    rmSync(empty, { recursive: true, force: true });
  });

  it('before a pull the kinds are unchecked; after it they are checked, and an unknown field is refused', async () => {
    const before = await generate({ root: project.root });
    expect(before.validation.unchecked).toEqual(
      expect.arrayContaining(['argoproj.io/v1alpha1 Rollout', 'networking.istio.io/v1 VirtualService', 'serving.knative.dev/v1 Service']),
    );

    const pulled = await pullCrds({ root: project.root, baseUrl: mirror.url, components: MIRRORED_COMPONENTS });
    expect(pulled.map((r) => r.status)).toEqual(MIRRORED_COMPONENTS.map(() => 'downloaded'));

    await expect(generate({ root: project.root })).rejects.toThrow(
      /charts-src\/go-demo-9\.ts \(in production\): VirtualService\/go-demo-9-extra: .*bogus/,
    );

    // --crds names the folder to use: the cache is not read then.
    const explicit = await generate({ root: project.root, crdsDir: empty });
    expect(explicit.validation.unchecked).toContain('networking.istio.io/v1 VirtualService');
  });

  it('a clean project validates every kind but Argo CD’s against the cache, and synth says which stayed unchecked', async () => {
    const clean = makeProject();
    try {
      await pullCrds({ root: clean.root, baseUrl: mirror.url, components: MIRRORED_COMPONENTS });
      const after = await generate({ root: clean.root });
      // Argo CD v3.4.4's files are not in ../shared, so its kinds stay unchecked here.
      expect(after.validation.unchecked).toEqual(['argoproj.io/v1alpha1 AppProject', 'argoproj.io/v1alpha1 Application']);

      const r = await run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', clean.root, '--no-color', 'synth'], {
        env: { ...process.env, NO_COLOR: '1' },
        limitMs: 120_000,
      });
      expect(r.code).toBe(0);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('note:'))).toEqual([
        "note: no CRDs for these kinds, so they were not schema-checked: argoproj.io/v1alpha1 AppProject, argoproj.io/v1alpha1 Application (slipway crds pull fetches the pinned controllers' CRDs; or --crds <dir>)",
      ]);
    } finally {
      clean.cleanup();
    }
  });
});
