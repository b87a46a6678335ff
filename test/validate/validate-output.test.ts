/** synth validates every object it generates, and names what it could not check. */
import { describe, expect, it } from 'vitest';
import { itWithShared } from '../support/shared.js';
import type { K8sObject } from '../../generators/app-objects.js';
import { generatePlatform } from '../../generators/platform.js';
import { ConfigError } from '../../src/core/config-error.js';
import { loadProject } from '../../src/load/load-project.js';
import { CrdSchemas } from '../../src/validate/crd-schemas.js';
import { policyProblems, validateGenerated } from '../../src/validate/validate-output.js';
import { generate } from '../../src/synth.js';
import { REPO_ROOT, SHARED_CRDS } from '../support/generated.js';

const name = (s: string) => s;

describe('validateGenerated', () => {
  itWithShared('checks every object of the sample against the Kubernetes schemas and the upstream CRDs', async () => {
    const { output, validation } = await generate({ root: REPO_ROOT, crdsDir: SHARED_CRDS });
    const total = output.envs.reduce((n, e) => n + e.argocd.length + e.apps.reduce((m, a) => m + a.objects.length, 0), 0);
    expect(validation.objectsChecked).toBe(total);
    expect(validation.unchecked).toEqual([]);
  });

  it('without CRDs, names the custom kinds it could not check', async () => {
    const { validation } = await generate({ root: REPO_ROOT });
    expect(validation.unchecked).toEqual([
      'argoproj.io/v1alpha1 AnalysisTemplate',
      'argoproj.io/v1alpha1 AppProject',
      'argoproj.io/v1alpha1 Application',
      'argoproj.io/v1alpha1 Rollout',
      'networking.istio.io/v1 Gateway',
      'networking.istio.io/v1 VirtualService',
      'operator.knative.dev/v1beta1 KnativeServing',
      'serving.knative.dev/v1 Service',
      'serving.knative.dev/v1beta1 DomainMapping',
    ]);
  });

  itWithShared('rejects an unknown field in a generated object, naming the source, the object and the path', async () => {
    const { model, appFiles, envFiles } = await loadProject(REPO_ROOT);
    const output = generatePlatform(model);
    const deployment = output.envs[0]!.apps.find((a) => a.app === 'go-demo-9')!.objects.find(
      (o) => o.kind === 'Deployment',
    )! as K8sObject & { spec: Record<string, unknown> };
    deployment.spec.replica = 3;
    const crds = CrdSchemas.fromDirectory(SHARED_CRDS);
    const run = () =>
      validateGenerated(
        output,
        crds,
        (a) => appFiles.find((f) => f.definition.name === a)!.file,
        (e) => envFiles.find((f) => f.definition.name === e)!.file,
      );
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (e) {
      expect((e as ConfigError).problems).toContain(
        `charts-src/go-demo-9.ts (in production): Deployment/go-demo-9: spec.replica: unknown field "replica"`,
      );
    }
  });

  itWithShared('rejects an Application with a typo against the Argo CD CRD', async () => {
    const { model } = await loadProject(REPO_ROOT);
    const output = generatePlatform(model);
    const app = output.envs[0]!.argocd.find((o) => o.kind === 'Application')! as K8sObject & {
      spec: { syncPolicy: Record<string, unknown> };
    };
    app.spec.syncPolicy.automatic = { prune: true };
    expect(() => validateGenerated(output, CrdSchemas.fromDirectory(SHARED_CRDS), name, (e) => `envs/${e}.yaml`)).toThrow(
      'envs/production.yaml: Application/production-root: spec.syncPolicy.automatic: unknown field "automatic"',
    );
  });

  itWithShared('skips the schema check of objects an env repo already holds (a promotion), never the other rules', async () => {
    const { model } = await loadProject(REPO_ROOT);
    const output = generatePlatform(model);
    const objects = output.envs[0]!.apps.find((a) => a.app === 'go-demo-9')!.objects;
    const deployment = objects.find((o) => o.kind === 'Deployment')! as K8sObject & { spec: Record<string, unknown> };
    deployment.spec.replica = 3;
    const crds = CrdSchemas.fromDirectory(SHARED_CRDS);
    const unknownField = 'charts-src/go-demo-9.ts (in production): Deployment/go-demo-9: spec.replica: unknown field "replica"';
    const problems = (already?: ReadonlySet<string>): readonly string[] => {
      try {
        validateGenerated(output, crds, (a) => `charts-src/${a}.ts`, name, already);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems()).toEqual([unknownField]);
    const held = new Set([JSON.stringify(deployment)]);
    expect(problems(held)).toEqual([]);
    // Held, yet an object in another namespace breaks an app rule, not a schema: still refused.
    (deployment.metadata as { namespace?: string }).namespace = 'kube-system';
    expect(problems(new Set([JSON.stringify(deployment)])).join('\n')).toMatch(/Deployment\/go-demo-9: .*namespace/);
  });
});

describe('policyProblems', () => {
  const pod = (image: string) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'x' },
    spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } } },
  });

  it('refuses a Secret carrying data, allows one without', () => {
    expect(policyProblems({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { p: 'x' } }, false)[0]).toMatch(
      /secret values in Git/,
    );
    expect(policyProblems({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, false)).toEqual([]);
  });

  it('refuses floating images anywhere in an object in a pinned env, and only there', () => {
    expect(policyProblems(pod('busybox:latest'), true)).toEqual([
      `image 'busybox:latest' floats (tag 'latest') in an environment that pins tags`,
    ]);
    expect(policyProblems(pod('busybox'), true)).toEqual([`image 'busybox' floats (no tag) in an environment that pins tags`]);
    expect(policyProblems(pod('registry:5000/busybox'), true)).toHaveLength(1);
    expect(policyProblems(pod('busybox:1.36'), true)).toEqual([]);
    expect(policyProblems(pod('busybox@sha256:' + 'a'.repeat(64)), true)).toEqual([]);
    expect(policyProblems(pod('busybox:latest'), false)).toEqual([]);
  });

  it('refuses cluster-scoped kinds from an app', () => {
    expect(policyProblems({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' } }, false)[0]).toMatch(
      /cluster-scoped/,
    );
  });
});
