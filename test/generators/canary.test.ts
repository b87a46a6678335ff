/**
 * devops-toolkit is the sample's canary: the pieces of the book's progressive-delivery chapter,
 * generated, with production automated (analysis on) and staging on short timed pauses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../generators/app-objects.js';
import { buildAppObjects } from '../../generators/app-objects.js';
import { defineApp } from '../../generators/app-definition.js';
import { defaultValues } from '../../generators/chart-values.js';
import { Delivery } from '../../generators/delivery.js';
import {
  AUTOMATED_STEPS,
  checkCanarySteps,
  DEFAULT_ANALYSIS,
  DEFAULT_ANALYSIS_INTERVAL,
  MANUAL_STEPS,
} from '../../generators/delivery-kinds/canary/props.js';
import { analysisRateWindow } from '../../generators/delivery-kinds/canary/objects.js';
import type { GeneratedPlatform } from '../../generators/platform.js';
import { concreteSource } from '../../generators/value-source.js';
import { generateSample, SAMPLE_TAGS } from '../support/generated.js';

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
      'AnalysisTemplate/devops-toolkit',
      'Gateway/devops-toolkit',
      'HorizontalPodAutoscaler/devops-toolkit',
      'PodDisruptionBudget/devops-toolkit',
      'Rollout/devops-toolkit',
      'Service/devops-toolkit',
      'Service/devops-toolkit-canary',
      'VirtualService/devops-toolkit',
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
    expect(rollout.spec.template.spec.containers[0].image).toBe(
      `vfarcic/devops-toolkit-series:${SAMPLE_TAGS.production!['devops-toolkit']}`,
    );
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
    expect(vs.spec.http).toEqual([
      {
        name: 'primary',
        route: [
          { destination: { host: 'devops-toolkit', port: { number: 80 } }, weight: 100 },
          { destination: { host: 'devops-toolkit-canary', port: { number: 80 } }, weight: 0 },
        ],
      },
    ]);
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
      name: 'success-rate',
      interval: '10s',
      failureLimit: 3,
      successCondition: 'len(result) == 0 || isNaN(result[0]) || result[0] >= 0.99',
      failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] < 0.99',
      provider: { prometheus: { address: 'http://prometheus-server.monitoring' } },
    });
    expect(success.provider.prometheus.query).toContain('istio_requests_total{');
    expect(success.provider.prometheus.query).toContain('reporter="source"');
    expect(success.provider.prometheus.query).toContain('destination_service=~"{{args.service-name}}"');
    expect(latency).toMatchObject({
      name: 'avg-req-duration',
      failureLimit: 3,
      successCondition: 'len(result) == 0 || isNaN(result[0]) || result[0] <= 1000',
      failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] > 1000',
    });
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
    const app = output.envs
      .find((e) => e.env.name === 'production')!
      .argocd.find((o) => o.metadata.name === 'devops-toolkit-production') as any;
    expect(app.spec.ignoreDifferences).toEqual([
      { group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'] },
    ]);
    expect(app.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    const plain = output.envs
      .find((e) => e.env.name === 'production')!
      .argocd.find((o) => o.metadata.name === 'devops-paradox-production') as any;
    expect(plain.spec.ignoreDifferences).toBeUndefined();
  });

  it('the AppProject whitelists the new kinds', () => {
    const project = output.envs.find((e) => e.env.name === 'production')!.argocd.find((o) => o.kind === 'AppProject') as any;
    for (const gk of [
      { group: 'argoproj.io', kind: 'Rollout' },
      { group: 'argoproj.io', kind: 'AnalysisTemplate' },
      { group: 'networking.istio.io', kind: 'VirtualService' },
      { group: 'networking.istio.io', kind: 'Gateway' },
      { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
      { group: 'policy', kind: 'PodDisruptionBudget' },
    ])
      expect(project.spec.namespaceResourceWhitelist).toContainEqual(gk);
  });
});

describe('canary in staging (timed pauses, no analysis)', () => {
  it('never waits for a person and runs no analysis', () => {
    const objects = objectsOf('staging');
    const rollout = find(objects, 'Rollout');
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setWeight: 20 },
      { pause: { duration: '10s' } },
      { setWeight: 60 },
      { pause: { duration: '10s' } },
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
    expect(Delivery.canary().canary).toEqual({
      steps: undefined,
      analysis: expect.objectContaining({
        enabled: true,
        successRate: 0.99,
        maxLatencyMs: 1000,
        failureLimit: 3,
        startingStep: 2,
        interval: '10s',
      }),
    });
    expect(MANUAL_STEPS).toEqual([
      { setWeight: 20 },
      { pause: {} },
      { setWeight: 40 },
      { pause: {} },
      { setWeight: 60 },
      { pause: { duration: '10s' } },
      { setWeight: 80 },
      { pause: { duration: '10s' } },
    ]);
    expect(AUTOMATED_STEPS).toEqual([
      { setWeight: 10 },
      { pause: { duration: '2m' } },
      { setWeight: 30 },
      { pause: { duration: '30s' } },
      { setWeight: 50 },
      { pause: { duration: '30s' } },
    ]);
  });

  it.each([
    {
      name: 'increasing weights, pauses of every accepted form',
      steps: [{ setWeight: 5 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: 30 } }, { pause: { duration: '1h' } }],
      expected: [],
    },
    {
      name: 'equal weights',
      steps: [{ setWeight: 20 }, { setWeight: 20 }],
      expected: [['s[1].setWeight', '20 must be above the previous weight (20): weights only increase']],
    },
    { name: 'weight above 100', steps: [{ setWeight: 101 }], expected: [['s[0].setWeight', '101 must be a whole number from 0 to 100']] },
    {
      name: 'fractional duration',
      steps: [{ setWeight: 10 }, { pause: { duration: '1.5m' } }],
      expected: [
        ['s[1].pause.duration', "'1.5m' is not a duration Argo Rollouts accepts (whole seconds, or a number with s, m or h: 30s, 2m, 1h)"],
      ],
    },
    { name: 'pauses only', steps: [{ pause: {} }], expected: [['s', 'needs at least one setWeight step']] },
  ])('checkCanarySteps: $name', ({ steps, expected }) => {
    expect(checkCanarySteps(steps as never, 's')).toEqual(expected);
  });
});

/**
 * The conditions as Argo Rollouts evaluates them (expr, with `len` built in and `isNaN` from its
 * environment), here in JavaScript: the operators used (`||`, `&&`, `!`, `==`, comparisons,
 * `result[0]`) mean the same in both, for a list of numbers.
 */
function evaluate(condition: string, result: number[]): boolean {
  const identifiers = new Set(condition.match(/[A-Za-z_$][\w$]*/g));
  expect([...identifiers].filter((id) => !['result', 'len', 'isNaN'].includes(id))).toEqual([]);
  // Nothing but names, numbers, brackets and the operators above: no strings, calls on other names, or assignment.
  expect(condition).toMatch(/^[A-Za-z0-9_.\s()[\]|&!=<>]*$/);
  expect(condition).not.toMatch(/(?<![=!<>])=(?!=)/);
  const fn = new Function('result', 'len', 'isNaN', `return (${condition});`) as (
    r: number[],
    l: (a: unknown[]) => number,
    n: (x: number) => boolean,
  ) => unknown;
  const value = fn(result, (a) => a.length, Number.isNaN);
  expect(typeof value).toBe('boolean');
  return value as boolean;
}

/** A measurement's phase as Argo Rollouts decides it from both conditions (utils/evaluate/evaluate.go). */
function phase(metric: { successCondition: string; failureCondition: string }, result: number[]): string {
  const success = evaluate(metric.successCondition, result);
  const failure = evaluate(metric.failureCondition, result);
  return failure ? 'Failed' : success ? 'Successful' : 'Inconclusive';
}

describe('canary analysis on a real cluster', () => {
  const metrics = () => find(objectsOf('production'), 'AnalysisTemplate').spec.metrics as any[];

  it('success rate: no traffic (empty result, 0/0 = NaN) passes, measured traffic is judged at 0.99', () => {
    const m = metrics().find((x) => x.name === 'success-rate');
    for (const [result, success, failure] of [
      [[], true, false],
      [[NaN], true, false],
      [[1], true, false],
      [[0.99], true, false],
      [[0.5], false, true],
      [[0.989], false, true],
      [[0], false, true],
    ] as Array<[number[], boolean, boolean]>) {
      expect({ result, success: evaluate(m.successCondition, result) }).toEqual({ result, success });
      expect({ result, failure: evaluate(m.failureCondition, result) }).toEqual({ result, failure });
    }
  });

  it('latency: no traffic passes, measured traffic is judged at 1000 ms', () => {
    const m = metrics().find((x) => x.name === 'avg-req-duration');
    for (const [result, success, failure] of [
      [[], true, false],
      [[NaN], true, false],
      [[12.5], true, false],
      [[1000], true, false],
      [[1000.1], false, true],
      [[5000], false, true],
      [[Infinity], false, true],
    ] as Array<[number[], boolean, boolean]>) {
      expect({ result, success: evaluate(m.successCondition, result) }).toEqual({ result, success });
      expect({ result, failure: evaluate(m.failureCondition, result) }).toEqual({ result, failure });
    }
  });

  it('every measurement is Successful or Failed, never Inconclusive (which would pause for a person)', () => {
    for (const m of metrics()) {
      for (const result of [[], [NaN], [0], [0.5], [0.99], [1], [999], [1000], [1001], [Infinity], [-Infinity]]) {
        expect({ metric: m.name, result, phase: phase(m, result) }).not.toMatchObject({ phase: 'Inconclusive' });
      }
    }
  });

  it('success counts every non-5xx response, and all-5xx traffic is 0 (a failure), not "no traffic"', () => {
    const query: string = metrics().find((x) => x.name === 'success-rate').provider.prometheus.query;
    expect(query).toContain('response_code!~"5.*"');
    expect(query).not.toContain('response_code=~"2.*"');
    // With no non-5xx series the numerator would be empty, and so the ratio: `or vector(0)` makes it 0.
    expect(query).toMatch(/\)\)\s*or vector\(0\)\s*\)\s*\/\s*sum\(rate\(/);
  });

  it('queries use rate() over a window of at least 4 analysis intervals (and at least 1m), never irate()', () => {
    const seconds = (d: string) => Number(d.slice(0, -1)) * { s: 1, m: 60, h: 3600 }[d.slice(-1) as 's' | 'm' | 'h']!;
    for (const interval of ['10s', '30s', '1m', '2m']) {
      const app = defineApp({ name: 'demo', image: 'example/demo', port: 80, delivery: Delivery.canary({ analysis: { interval } }) });
      const values = defaultValues(app);
      expect(values.canary!.analysis.rateWindow).toBe(analysisRateWindow(interval));
      const objects = buildAppObjects(app, concreteSource({ name: 'demo', version: '0.1.0', namespace: 'demo' }, values as never));
      const template = objects.find((o) => o.kind === 'AnalysisTemplate') as any;
      for (const m of template.spec.metrics) {
        const query: string = m.provider.prometheus.query;
        expect(m.interval).toBe(interval);
        expect(query).not.toContain('irate(');
        expect(query).toContain('rate(');
        const windows = [...query.matchAll(/\}\[([0-9]+[smh])\]/g)].map((x) => x[1]!);
        expect(windows.length).toBe(2);
        for (const w of windows) {
          expect({ interval, w, intervals: seconds(w) / seconds(interval) >= 4, atLeast1m: seconds(w) >= 60 }).toEqual({
            interval,
            w,
            intervals: true,
            atLeast1m: true,
          });
        }
      }
    }
    expect(['10s', '30s', '1m', '2m', '90s', '1h'].map(analysisRateWindow)).toEqual(['1m', '3m', '6m', '12m', '9m', '6h']);
  });

  it('exports the default analysis interval (the platform scrapes Istio metrics at least that often)', () => {
    expect(DEFAULT_ANALYSIS_INTERVAL).toBe('10s');
    expect(DEFAULT_ANALYSIS.interval).toBe(DEFAULT_ANALYSIS_INTERVAL);
  });
});
