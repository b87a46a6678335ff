/**
 * `Delivery.canary()`: what the book's progressive-delivery chapter builds by hand. A Rollout in
 * place of the Deployment, stable and canary Services, an Istio VirtualService whose `primary`
 * route Argo Rollouts reweighs step by step, a Gateway when the app is exposed, an HPA and PDB on
 * the Rollout, and an AnalysisTemplate on Istio's metrics in Prometheus when analysis is on.
 *
 * How the analysis judges a canary (rules read in Argo Rollouts v1.9.1, commit b6bd3bcf8f60):
 * - Success means "not a server error": every response whose code is not 5xx counts, so the
 *   redirects, 304s and 404s of a static site never abort a healthy release. Latency is the
 *   average request duration. Both are `rate()`s over a window of several scrapes.
 * - No traffic is a success: the thresholds judge measured traffic only. Before the first request
 *   reaches the canary Prometheus returns an empty vector, and with series but no requests in the
 *   window the ratio is 0/0 = NaN. Left alone, `result[0]` of an empty vector is an evaluation
 *   error (more than 4 in a row end the analysis in Error, which aborts the rollout) and NaN
 *   satisfies neither condition (Inconclusive: the rollout pauses for a person). So both
 *   conditions test for them first.
 * - The two conditions are exact complements: every measurement is Successful or Failed, never
 *   Inconclusive or Error; more than `failureLimit` failed measurements (default 3) abort the
 *   rollout (analysis/analysis.go `assessMetricFailureInconclusiveOrError`: failed > failureLimit).
 * The trade-off: an analysis that never sees traffic (Prometheus not scraping Istio, a wrong
 * address or service name) passes. The Rollout's own steps still bound how far it goes.
 */
import type { AppDefinition } from '../../app-definition.js';
import type { CanaryStep } from './props.js';
import type { ValueSource } from '../../value-source.js';
import { analysisTemplate, rollout } from '../../objects/argo-rollouts.js';
import { gateway, virtualService } from '../../objects/istio.js';
import { podTemplate } from '../../objects/pod-template.js';
import { horizontalPodAutoscaler, podDisruptionBudget, replicas, service, type Document } from '../../objects/workload.js';

/** Argo Rollouts substitutes `{{args.service-name}}` at run time; Helm must print it as is. */
const SERVICE_ARG = '{{args.service-name}}';

/**
 * Rule "vector result": the Prometheus provider hands a vector answer to the conditions as a list
 * of floats, `[]` when the query matched no series (argo-rollouts v1.9.1,
 * metricproviders/prometheus/prometheus.go, `processResponse`, case model.Vector). Indexing `[]`
 * is an evaluation error, which the AnalysisRun records as an Error measurement; more than
 * `consecutiveErrorLimit` (default 4: utils/defaults/defaults.go `DefaultConsecutiveErrorLimit`)
 * in a row end the run in Error (analysis/analysis.go `assessMetricFailureInconclusiveOrError`).
 *
 * Rule "NaN": a measurement where neither condition holds is Inconclusive
 * (utils/evaluate/evaluate.go `EvaluateResult`); `inconclusiveLimit` defaults to 0, so the first
 * one ends the run Inconclusive and the rollout pauses (analysis.go, same function;
 * docs/features/analysis.md "Inconclusive Runs"). `NaN >= x` and `NaN < x` are both false.
 *
 * Rule "functions": the condition environment offers `result`, `asInt`, `asFloat`, `isNaN`
 * (Go's math.IsNaN), `isInf`, `isNil` and `default` (evaluate.go `EvalCondition`); `len` is a
 * builtin of the expr language (github.com/antonmedv/expr v1.15.5, builtin/builtin.go), whose
 * `||` and `&&` short-circuit (compiler/compiler.go), so `result[0]` is read only when present.
 * docs/features/analysis.md ("Handling Metric Results": "NaN and Infinity", "Empty array") shows
 * `isNaN(result) || ...` and `len(result) == 0 || result[0] >= 0.95` as the upstream idioms.
 */
const NO_TRAFFIC = 'len(result) == 0 || isNaN(result[0])';
/** The negation of NO_TRAFFIC: a measured value is present. */
const MEASURED = 'len(result) > 0 && !isNaN(result[0])';

interface Conditions {
  readonly successCondition: string;
  readonly failureCondition: string;
}

/**
 * Conditions for "the value must stay at or above `threshold`" (success rate) or "at or below"
 * (latency). `threshold` is text: a number, or a chart value marker from `src.str`. No traffic
 * succeeds; otherwise exactly one of the two holds (never Inconclusive, see the rules above).
 */
function thresholdConditions(bound: 'atLeast' | 'atMost', threshold: string): Conditions {
  const [pass, fail] = bound === 'atLeast' ? ['>=', '<'] : ['<=', '>'];
  return {
    successCondition: `${NO_TRAFFIC} || result[0] ${pass} ${threshold}`,
    failureCondition: `${MEASURED} && result[0] ${fail} ${threshold}`,
  };
}

/**
 * Rule "non-5xx": the upstream analysis examples count `response_code!~"5.*"` as success
 * (argo-rollouts v1.9.1, docs/features/analysis.md, "Background Analysis"); client errors and
 * redirects are the client's business, not the release's.
 */
const SUCCESS_CODES = 'response_code!~"5.*"';

/**
 * Rule "window": `rate()` over a range of several scrapes, not `irate()`, which reads only the
 * last two samples (with a 1m scrape a 2m `irate` is one sample pair, noise). The range is
 * RATE_WINDOW_INTERVALS analysis intervals, at least MIN_RATE_WINDOW_SECONDS, so that a
 * Prometheus scraping every analysis interval (slipway's platform sets it so; see
 * DEFAULT_ANALYSIS_INTERVAL in props.ts) has 6 or more samples in it: `rate` needs two and
 * Prometheus advises a range of at least four scrape intervals.
 */
const RATE_WINDOW_INTERVALS = 6;
const MIN_RATE_WINDOW_SECONDS = 60;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/**
 * The range of the analysis queries for an analysis `interval` (a whole number with s, m or h, as
 * props.ts checks): max(1m, 6 x interval), as a Prometheus duration. slipway computes it into
 * the chart's values (`canary.analysis.rateWindow`), so no environment sets it by hand.
 */
export function analysisRateWindow(interval: string): string {
  const m = /^([0-9]+)(s|m|h)$/.exec(interval);
  if (!m) throw new Error(`canary analysis interval '${interval}' is not a whole number with s, m or h`);
  const seconds = Math.max(MIN_RATE_WINDOW_SECONDS, RATE_WINDOW_INTERVALS * Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS]);
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/**
 * Istio's share of non-5xx responses to the canary Service over `window`. When requests were
 * made but none of them succeeded, the non-5xx selector may match no series at all: `or
 * vector(0)` turns that into 0 (a failure) instead of an empty vector (which counts as no traffic).
 */
function successRateQuery(window: string): string {
  return `(
  sum(rate(
    istio_requests_total{
      reporter="source",
      destination_service=~"${SERVICE_ARG}",
      ${SUCCESS_CODES}
    }[${window}]
  ))
  or vector(0)
)
/
sum(rate(
  istio_requests_total{
    reporter="source",
    destination_service=~"${SERVICE_ARG}"
  }[${window}]
))
`;
}

/** Istio's average request duration to the canary Service, in milliseconds, over `window`. */
function latencyQuery(window: string): string {
  return `sum(rate(
  istio_request_duration_milliseconds_sum{
    reporter="source",
    destination_service=~"${SERVICE_ARG}"
  }[${window}]
))
/
sum(rate(
  istio_request_duration_milliseconds_count{
    reporter="source",
    destination_service=~"${SERVICE_ARG}"
  }[${window}]
))
`;
}

export function canaryDocuments(app: AppDefinition, src: ValueSource): Document[] {
  const name = src.fullname();
  const canaryName = src.fullname('-canary');
  const host = src.scalar<string>('ingress.host');
  const exposed = { paths: ['ingress.enabled'] };
  const analysisOn = { paths: ['canary.analysis.enabled'] };
  // Text, not a scalar: it is spliced into the queries (a Helm `printf` in the chart).
  const rateWindow = src.str`${'canary.analysis.rateWindow'}`;
  const metric = (metricName: string, conditions: Conditions, query: string) => ({
    name: metricName,
    interval: src.scalar<string>('canary.analysis.interval'),
    ...conditions,
    failureLimit: src.scalar<number>('canary.analysis.failureLimit'),
    address: src.scalar<string>('canary.analysis.prometheus'),
    query,
  });
  return [
    { id: 'service', object: service(app, src) },
    { id: 'service-canary', object: service(app, src, '-canary') },
    {
      id: 'rollout',
      object: rollout({
        metadata: { name, labels: src.labels() },
        replicas: replicas(src),
        selector: { matchLabels: src.selectorLabels() },
        // Without a sidecar Istio neither splits the traffic nor reports the metrics the analysis
        // reads; the pod label asks for one whatever the namespace says (unless it disables it).
        template: podTemplate(app, src, { 'sidecar.istio.io/inject': 'true' }),
        canary: {
          canaryService: canaryName,
          stableService: name,
          trafficRouting: { istio: { virtualService: { name, routes: ['primary'] } } },
          steps: src.block<CanaryStep[]>('canary.steps'),
          analysis: src.when(analysisOn, () => ({
            templates: [{ templateName: name }],
            startingStep: src.scalar<number>('canary.analysis.startingStep'),
            args: [{ name: 'service-name', value: src.str`${'@fullname'}-canary.${'@namespace'}.svc.cluster.local` }],
          })),
        },
      }),
    },
    { id: 'hpa', object: horizontalPodAutoscaler(src, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' }) },
    { id: 'pdb', object: podDisruptionBudget(src) },
    {
      id: 'analysis-template',
      object: src.when(analysisOn, () =>
        analysisTemplate(
          { name, labels: src.labels() },
          ['service-name'],
          [
            metric('success-rate', thresholdConditions('atLeast', src.str`${'canary.analysis.successRate'}`), successRateQuery(rateWindow)),
            metric('avg-req-duration', thresholdConditions('atMost', src.str`${'canary.analysis.maxLatencyMs'}`), latencyQuery(rateWindow)),
          ],
        ),
      ),
    },
    {
      id: 'virtual-service',
      object: virtualService({
        metadata: { name, labels: src.labels() },
        hosts: [src.when(exposed, () => host), name],
        gateways: [src.when(exposed, () => name), 'mesh'],
        http: [
          {
            name: 'primary',
            // Argo Rollouts rewrites these weights during a rollout; Argo CD is told to ignore them.
            route: [
              { host: name, port: app.port, weight: 100 },
              { host: canaryName, port: app.port, weight: 0 },
            ],
          },
        ],
      }),
    },
    {
      id: 'gateway',
      object: src.when(exposed, () =>
        gateway({ name, labels: src.labels() }, [
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [host] },
          src.when({ paths: ['ingress.tls.enabled'] }, () => ({
            port: { number: 443, name: 'https', protocol: 'HTTPS' as const },
            hosts: [host],
            tls: { mode: 'SIMPLE' as const, credentialName: src.scalar<string>('ingress.tls.secretName') },
          })),
        ]),
      ),
    },
  ];
}
