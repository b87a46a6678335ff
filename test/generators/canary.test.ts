/**
 * devops-toolkit is the sample's canary: the pieces of the book's progressive-delivery chapter,
 * generated, with production automated (analysis on) and staging on short timed pauses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../generators/app-objects.js';
import { AUTOMATED_STEPS, checkCanarySteps, Delivery, MANUAL_STEPS } from '../../generators/delivery.js';
import type { GeneratedPlatform } from '../../generators/platform.js';
import { generateSample } from '../support/generated.js';

let output: GeneratedPlatform;
beforeAll(async () => {
  output = (await generateSample()).output;
});

const objectsOf = (env: string) => output.envs.find((e) => e.env.name === env)!.apps.find((a) => a.app === 'devops-toolkit')!.objects;
const find = (objects: readonly K8sObject[], kind: string, name = 'devops-toolkit') =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as any;
const kinds = (objects: readonly K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

describe('canary in production (automated, with analysis)', () => {
  it('renders the book chapter pieces and nothing of the plain delivery', () => {
    expect(kinds(objectsOf('production'))).toEqual([
      'AnalysisTemplate/devops-toolkit', 'Gateway/devops-toolkit', 'HorizontalPodAutoscaler/devops-toolkit',
      'PodDisruptionBudget/devops-toolkit', 'Rollout/devops-toolkit', 'Service/devops-toolkit',
      'Service/devops-toolkit-canary', 'VirtualService/devops-toolkit',
    ]);
  });

  it('Rollout: the book automated steps, Istio traffic routing, analysis from step 2 on the canary Service', () => {
    const rollout = find(objectsOf('production'), 'Rollout');
    const canary = rollout.spec.strategy.canary;
    expect(canary.steps).toEqual(AUTOMATED_STEPS);
    expect(canary.canaryService).toBe('devops-toolkit-canary');
    expect(canary.stableService).toBe('devops-toolkit');
    expect(canary.trafficRouting).toEqual({ istio: { virtualService: { name: 'devops-toolkit', routes: ['primary'] } } });
    expect(canary.analysis).toEqual({
      templates: [{ templateName: 'devops-toolkit' }],
      startingStep: 2,
      args: [{ name: 'service-name', value: 'devops-toolkit-canary.production.svc.cluster.local' }],
    });
    expect(rollout.spec.replicas).toBeUndefined(); // the HPA owns it
    expect(rollout.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
    expect(rollout.spec.template.spec.containers[0].image).toBe('vfarcic/devops-toolkit-series:2.9.9');
  });

  it('two Services, same selector and port', () => {
    const [stable, canary] = [find(objectsOf('production'), 'Service'), find(objectsOf('production'), 'Service', 'devops-toolkit-canary')];
    expect(canary.spec.selector).toEqual(stable.spec.selector);
    expect(canary.spec.ports).toEqual(stable.spec.ports);
    expect(stable.spec.ports[0].port).toBe(80);
  });

  it('VirtualService: route primary 100 stable / 0 canary, public host through the Gateway and the in-cluster name', () => {
    const vs = find(objectsOf('production'), 'VirtualService');
    expect(vs.spec.hosts).toEqual(['devopstoolkitseries.com', 'devops-toolkit']);
    expect(vs.spec.gateways).toEqual(['devops-toolkit', 'mesh']);
    expect(vs.spec.http).toEqual([{
      name: 'primary',
      route: [
        { destination: { host: 'devops-toolkit', port: { number: 80 } }, weight: 100 },
        { destination: { host: 'devops-toolkit-canary', port: { number: 80 } }, weight: 0 },
      ],
    }]);
    const gateway = find(objectsOf('production'), 'Gateway');
    expect(gateway.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['devopstoolkitseries.com'] }],
    });
    expect(objectsOf('production').some((o) => o.kind === 'DestinationRule')).toBe(false);
  });

  it('AnalysisTemplate: Istio success rate and latency from the env Prometheus, strict thresholds, 3 failures abort', () => {
    const template = find(objectsOf('production'), 'AnalysisTemplate');
    expect(template.spec.args).toEqual([{ name: 'service-name' }]);
    const [success, latency] = template.spec.metrics;
    expect(success).toMatchObject({
      name: 'success-rate', interval: '10s', failureLimit: 3,
      successCondition: 'result[0] >= 0.99', failureCondition: 'result[0] < 0.99',
      provider: { prometheus: { address: 'http://prometheus-server.monitoring' } },
    });
    expect(success.provider.prometheus.query).toContain('istio_requests_total{');
    expect(success.provider.prometheus.query).toContain('reporter="source"');
    expect(success.provider.prometheus.query).toContain('destination_service=~"{{args.service-name}}"');
    expect(success.provider.prometheus.query).toContain('response_code=~"2.*"');
    expect(latency).toMatchObject({ name: 'avg-req-duration', successCondition: 'result[0] <= 1000', failureCondition: 'result[0] > 1000', failureLimit: 3 });
    expect(latency.provider.prometheus.query).toContain('istio_request_duration_milliseconds_sum{');
    expect(latency.provider.prometheus.query).toContain('istio_request_duration_milliseconds_count{');
  });

  it('HPA scales the Rollout; a PDB keeps all but one pod through drains', () => {
    const hpa = find(objectsOf('production'), 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'devops-toolkit' });
    expect(hpa.spec.minReplicas).toBe(3);
    expect(find(objectsOf('production'), 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'devops-toolkit', 'app.kubernetes.io/instance': 'devops-toolkit' } },
    });
  });

  it('Argo CD ignores the weights Argo Rollouts rewrites, also when syncing', () => {
    const app = output.envs.find((e) => e.env.name === 'production')!.argocd.find((o) => o.metadata.name === 'devops-toolkit-production') as any;
    expect(app.spec.ignoreDifferences).toEqual([{ group: 'networking.istio.io', kind: 'VirtualService', jsonPointers: ['/spec/http'] }]);
    expect(app.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    const plain = output.envs.find((e) => e.env.name === 'production')!.argocd.find((o) => o.metadata.name === 'devops-paradox-production') as any;
    expect(plain.spec.ignoreDifferences).toBeUndefined();
  });

  it('the AppProject whitelists the new kinds', () => {
    const project = output.envs.find((e) => e.env.name === 'production')!.argocd.find((o) => o.kind === 'AppProject') as any;
    for (const gk of [
      { group: 'argoproj.io', kind: 'Rollout' }, { group: 'argoproj.io', kind: 'AnalysisTemplate' },
      { group: 'networking.istio.io', kind: 'VirtualService' }, { group: 'networking.istio.io', kind: 'Gateway' },
      { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' }, { group: 'policy', kind: 'PodDisruptionBudget' },
    ]) expect(project.spec.namespaceResourceWhitelist).toContainEqual(gk);
  });
});

describe('canary in staging (timed pauses, no analysis)', () => {
  it('never waits for a person and runs no analysis', () => {
    const objects = objectsOf('staging');
    const rollout = find(objects, 'Rollout');
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setWeight: 20 }, { pause: { duration: '10s' } }, { setWeight: 60 }, { pause: { duration: '10s' } },
    ]);
    expect(rollout.spec.strategy.canary.steps.every((s: any) => !s.pause || s.pause.duration)).toBe(true);
    expect(rollout.spec.strategy.canary.analysis).toBeUndefined();
    expect(objects.some((o) => o.kind === 'AnalysisTemplate')).toBe(false);
    // One replica, no autoscaling: no HPA, and no PDB that would block every node drain.
    expect(rollout.spec.replicas).toBe(1);
    expect(objects.some((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(find(objects, 'VirtualService').spec.hosts).toEqual(['staging.devops-toolkit.devopstoolkitseries.com', 'devops-toolkit']);
  });
});

describe('Delivery.canary defaults', () => {
  it('uses the book automated steps with analysis and the manual steps without', () => {
    expect(Delivery.canary().canary).toEqual({ steps: undefined, analysis: expect.objectContaining({ enabled: true, successRate: 0.99, maxLatencyMs: 1000, failureLimit: 3, startingStep: 2, interval: '10s' }) });
    expect(MANUAL_STEPS).toEqual([
      { setWeight: 20 }, { pause: {} }, { setWeight: 40 }, { pause: {} },
      { setWeight: 60 }, { pause: { duration: '10s' } }, { setWeight: 80 }, { pause: { duration: '10s' } },
    ]);
    expect(AUTOMATED_STEPS).toEqual([
      { setWeight: 10 }, { pause: { duration: '2m' } }, { setWeight: 30 }, { pause: { duration: '30s' } },
      { setWeight: 50 }, { pause: { duration: '30s' } },
    ]);
  });

  it.each([
    { name: 'increasing weights, pauses of every accepted form', steps: [{ setWeight: 5 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: 30 } }, { pause: { duration: '1h' } }], expected: [] },
    { name: 'equal weights', steps: [{ setWeight: 20 }, { setWeight: 20 }], expected: [['s[1].setWeight', '20 must be above the previous weight (20): weights only increase']] },
    { name: 'weight above 100', steps: [{ setWeight: 101 }], expected: [['s[0].setWeight', '101 must be a whole number from 0 to 100']] },
    { name: 'fractional duration', steps: [{ setWeight: 10 }, { pause: { duration: '1.5m' } }], expected: [['s[1].pause.duration', "'1.5m' is not a duration Argo Rollouts accepts (whole seconds, or a number with s, m or h: 30s, 2m, 1h)"]] },
    { name: 'pauses only', steps: [{ pause: {} }], expected: [['s', 'needs at least one setWeight step']] },
  ])('checkCanarySteps: $name', ({ steps, expected }) => {
    expect(checkCanarySteps(steps as never, 's')).toEqual(expected);
  });
});
