/** devops-paradox is the sample's Knative app: one Service that scales to zero, a DomainMapping per env. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../generators/app-objects.js';
import { Delivery } from '../../generators/delivery.js';
import { checkKnative } from '../../generators/delivery-kinds/knative/props.js';
import { generatePlatform, type GeneratedPlatform, type PlatformModel } from '../../generators/platform.js';
import { knativeAnnotationProblems } from '../../src/validate/knative-annotations.js';
import { SAMPLE_TAGS, sampleModel } from '../support/generated.js';

let model: PlatformModel;
let output: GeneratedPlatform;
beforeAll(async () => {
  model = await sampleModel();
  output = generatePlatform(model);
});

const objectsOf = (out: GeneratedPlatform, env: string) =>
  out.envs.find((e) => e.env.name === env)!.apps.find((a) => a.app === 'devops-paradox')!.objects;
const ksvc = (objects: readonly K8sObject[]) => objects.find((o) => o.kind === 'Service') as any;

/** The model with devops-paradox's env settings changed in one environment. */
function withParadox(env: string, edit: (s: any) => any): PlatformModel {
  return {
    apps: model.apps,
    envs: model.envs.map((e) => (e.name !== env ? e : { ...e, apps: { ...e.apps, 'devops-paradox': edit(e.apps['devops-paradox']) } })),
  };
}

describe('Knative delivery', () => {
  it('is one Knative Service and a DomainMapping: no Deployment, Service, Ingress or HPA of our own', () => {
    for (const env of ['staging', 'production']) {
      expect(
        objectsOf(output, env)
          .map((o) => `${o.apiVersion} ${o.kind}`)
          .sort(),
      ).toEqual(['serving.knative.dev/v1 Service', 'serving.knative.dev/v1beta1 DomainMapping']);
    }
  });

  it('has the book defaults in staging: scale to zero, at most 3, 100 concurrent requests', () => {
    const template = ksvc(objectsOf(output, 'staging')).spec.template;
    expect(template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/min-scale': '0',
      'autoscaling.knative.dev/max-scale': '3',
    });
    expect(template.metadata.name).toBeUndefined(); // Knative names revisions
    expect(template.spec.containerConcurrency).toBe(100);
    expect(template.spec.timeoutSeconds).toBe(300);
    const container = template.spec.containers[0];
    expect(container.image).toBe(`vfarcic/devops-paradox:${SAMPLE_TAGS.staging!['devops-paradox']}`);
    expect(container.ports).toEqual([{ name: 'http1', containerPort: 80, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/' });
    expect(container.resources.limits).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(container.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(template.spec.securityContext).toBeUndefined(); // behind a Knative feature flag
  });

  it('takes production overrides (in the sample: one warm pod, up to 5)', () => {
    const overrides = model.envs.find((e) => e.name === 'production')!.apps['devops-paradox']!.delivery!.knative!;
    expect(ksvc(objectsOf(output, 'production')).spec.template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/min-scale': String(overrides.minScale),
      'autoscaling.knative.dev/max-scale': String(overrides.maxScale),
    });
  });

  it('maps each environment its own host, with a DomainMapping named after it', () => {
    const mapping = (env: string) => objectsOf(output, env).find((o) => o.kind === 'DomainMapping') as any;
    expect(mapping('staging').metadata.name).toBe('staging.devops-paradox.devopstoolkitseries.com');
    expect(mapping('production').metadata.name).toBe('devops-paradox.devopstoolkitseries.com');
    expect(mapping('production').spec).toEqual({ ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'devops-paradox' } });
    expect(ksvc(objectsOf(output, 'production')).metadata.labels['networking.knative.dev/visibility']).toBeUndefined();
  });

  it('a tag bump changes the revision template only in the image and version label', () => {
    const bumped = generatePlatform(withParadox('production', (s) => ({ ...s, tag: '9.9.9-bumped' })));
    const [a, b] = [ksvc(objectsOf(output, 'production')), ksvc(objectsOf(bumped, 'production'))];
    const strip = (o: any) => JSON.parse(JSON.stringify(o).replaceAll('9.9.9-bumped', SAMPLE_TAGS.production!['devops-paradox']!));
    expect(strip(b)).toEqual(a);
    expect(b.spec.template.spec.containers[0].image).toBe('vfarcic/devops-paradox:9.9.9-bumped');
  });

  it('a cpu metric brings the HPA class; a traffic split reaches spec.traffic', () => {
    const split = [
      { latestRevision: true, percent: 90 },
      { revisionName: 'devops-paradox-00007', percent: 10, tag: 'previous' },
    ];
    const out = generatePlatform(
      withParadox('production', (s) => ({ ...s, delivery: { knative: { metric: 'cpu', target: 70, minScale: 2, traffic: split } } })),
    );
    const svc = ksvc(objectsOf(out, 'production'));
    expect(svc.spec.template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/min-scale': '2',
      'autoscaling.knative.dev/max-scale': '3', // the override replaced production's maxScale: 5
      'autoscaling.knative.dev/metric': 'cpu',
      'autoscaling.knative.dev/target': '70',
      'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev',
    });
    expect(svc.spec.traffic).toEqual(split);
    expect(knativeAnnotationProblems(svc)).toEqual([]);
  });

  it('the AppProject whitelists exactly the Knative kinds used, and the Application has no canary extras', () => {
    const env = output.envs.find((e) => e.env.name === 'staging')!;
    const project = env.argocd.find((o) => o.kind === 'AppProject') as any;
    const knativeKinds = project.spec.namespaceResourceWhitelist.filter((g: any) => g.group === 'serving.knative.dev');
    expect(knativeKinds).toEqual([
      { group: 'serving.knative.dev', kind: 'DomainMapping' },
      { group: 'serving.knative.dev', kind: 'Service' },
    ]);
    const app = env.argocd.find((o) => o.metadata.name === 'devops-paradox-staging') as any;
    expect(app.spec.ignoreDifferences).toBeUndefined();
  });
});

describe('knative settings checks', () => {
  it.each([
    { name: 'book defaults', settings: Delivery.knative().knative!, expected: [] },
    { name: 'min above max', settings: { minScale: 4, maxScale: 3 }, expected: [['k.minScale', '4 is above maxScale (3)']] },
    { name: 'max 0 is unlimited', settings: { minScale: 4, maxScale: 0 }, expected: [] },
    { name: 'negative scale', settings: { minScale: -1 }, expected: [['k.minScale', '-1 must be a whole number >= 0']] },
    { name: 'fractional scale', settings: { maxScale: 2.5 }, expected: [['k.maxScale', '2.5 must be a whole number >= 0']] },
    {
      name: 'negative concurrency',
      settings: { containerConcurrency: -5 },
      expected: [['k.containerConcurrency', '-5 must be a whole number >= 0']],
    },
    {
      name: 'cpu with scale to zero',
      settings: { metric: 'cpu', minScale: 0 },
      expected: [
        [
          'k.metric',
          "'cpu' needs Knative's HPA autoscaler class, which cannot scale to zero: set minScale to 1 or more, or use concurrency or rps",
        ],
      ],
    },
    {
      name: 'unknown metric',
      settings: { metric: 'latency' },
      expected: [['k.metric', "unknown metric 'latency' (known: concurrency, rps, cpu, memory)"]],
    },
    {
      name: 'traffic not adding to 100',
      settings: { traffic: [{ latestRevision: true, percent: 50 }] },
      expected: [['k.traffic', 'percents add up to 50, not 100']],
    },
    {
      name: 'traffic target naming both',
      settings: { traffic: [{ latestRevision: true, revisionName: 'r1', percent: 100 }] },
      expected: [['k.traffic[0]', 'needs exactly one of latestRevision: true or revisionName']],
    },
  ])('$name', ({ settings, expected }) => {
    expect(checkKnative(settings as never, 'k')).toEqual(expected);
  });
});

describe('knativeAnnotationProblems', () => {
  const service = (annotations: Record<string, unknown>) => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'x' },
    spec: { template: { metadata: { annotations }, spec: { containers: [] } } },
  });
  const key = (k: string) => `spec.template.metadata.annotations["autoscaling.knative.dev/${k}"]`;

  it.each([
    [{ 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '3' }, []],
    [{ 'autoscaling.knative.dev/minScale': '0' }, [`${key('minScale')}: deprecated key; use autoscaling.knative.dev/min-scale`]],
    [{ 'autoscaling.knative.dev/min-scale': '-1' }, [`${key('min-scale')}: '-1' must be a whole number >= 0`]],
    [{ 'autoscaling.knative.dev/max-scale': 3 }, [`${key('max-scale')}: annotation values are strings, not number`]],
    [
      { 'autoscaling.knative.dev/min-scale': '5', 'autoscaling.knative.dev/max-scale': '2' },
      [`${key('min-scale')}: 5 is above max-scale (2)`],
    ],
    [
      { 'autoscaling.knative.dev/metric': 'cpu' },
      [`${key('metric')}: 'cpu' needs autoscaling.knative.dev/class: hpa.autoscaling.knative.dev`],
    ],
    [
      { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'cpu' },
      [`${key('min-scale')}: the HPA class cannot scale to zero; set min-scale to 1 or more`],
    ],
    [{ 'autoscaling.knative.dev/scale-to-zero': 'true' }, [`${key('scale-to-zero')}: unknown Knative autoscaling annotation`]],
  ])('%j', (annotations, expected) => {
    expect(knativeAnnotationProblems(service(annotations) as never)).toEqual(expected);
  });
});
