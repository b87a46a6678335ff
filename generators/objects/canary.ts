/**
 * `Delivery.canary()`: what the book's progressive-delivery chapter builds by hand. A Rollout in
 * place of the Deployment, stable and canary Services, an Istio VirtualService whose `primary`
 * route Argo Rollouts reweighs step by step, a Gateway when the app is exposed, an HPA and PDB on
 * the Rollout, and an AnalysisTemplate on Istio's metrics in Prometheus when analysis is on.
 */
import type { AppDefinition } from '../app-definition.js';
import type { CanaryStep } from '../delivery.js';
import type { ValueSource } from '../value-source.js';
import { analysisTemplate, rollout } from './argo-rollouts.js';
import { gateway, virtualService } from './istio.js';
import { podTemplate } from './pod-template.js';
import { horizontalPodAutoscaler, podDisruptionBudget, replicas, service, type Document } from './workload.js';

/** Argo Rollouts substitutes `{{args.service-name}}` at run time; Helm must print it as is. */
const SERVICE_ARG = '{{args.service-name}}';

/** Istio's share of 2xx responses to the canary Service, over two minutes. */
export const SUCCESS_RATE_QUERY = `sum(irate(
  istio_requests_total{
    reporter="source",
    destination_service=~"${SERVICE_ARG}",
    response_code=~"2.*"
  }[2m]
)) / sum(irate(
  istio_requests_total{
    reporter="source",
    destination_service=~"${SERVICE_ARG}"
  }[2m]
))
`;

/** Istio's average request duration to the canary Service, in milliseconds, over two minutes. */
export const LATENCY_QUERY = `sum(irate(
  istio_request_duration_milliseconds_sum{
    reporter="source",
    destination_service=~"${SERVICE_ARG}"
  }[2m]
)) / sum(irate(
  istio_request_duration_milliseconds_count{
    reporter="source",
    destination_service=~"${SERVICE_ARG}"
  }[2m]
))
`;

export function canaryDocuments(app: AppDefinition, src: ValueSource): Document[] {
  const name = src.fullname();
  const canaryName = src.fullname('-canary');
  const host = src.scalar<string>('ingress.host');
  const exposed = { paths: ['ingress.enabled'] };
  const analysisOn = { paths: ['canary.analysis.enabled'] };
  const metric = (metricName: string, successCondition: string, failureCondition: string, query: string) => ({
    name: metricName,
    interval: src.scalar<string>('canary.analysis.interval'),
    successCondition,
    failureCondition,
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
      object: src.when(analysisOn, () => analysisTemplate({ name, labels: src.labels() }, ['service-name'], [
        metric('success-rate',
          src.str`result[0] >= ${'canary.analysis.successRate'}`,
          src.str`result[0] < ${'canary.analysis.successRate'}`,
          SUCCESS_RATE_QUERY),
        metric('avg-req-duration',
          src.str`result[0] <= ${'canary.analysis.maxLatencyMs'}`,
          src.str`result[0] > ${'canary.analysis.maxLatencyMs'}`,
          LATENCY_QUERY),
      ])),
    },
    {
      id: 'virtual-service',
      object: virtualService({
        metadata: { name, labels: src.labels() },
        hosts: [src.when(exposed, () => host), name],
        gateways: [src.when(exposed, () => name), 'mesh'],
        http: [{
          name: 'primary',
          // Argo Rollouts rewrites these weights during a rollout; Argo CD is told to ignore them.
          route: [{ host: name, port: app.port, weight: 100 }, { host: canaryName, port: app.port, weight: 0 }],
        }],
      }),
    },
    {
      id: 'gateway',
      object: src.when(exposed, () => gateway({ name, labels: src.labels() }, [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [host] },
        src.when({ paths: ['ingress.tls.enabled'] }, () => ({
          port: { number: 443, name: 'https', protocol: 'HTTPS' as const },
          hosts: [host],
          tls: { mode: 'SIMPLE' as const, credentialName: src.scalar<string>('ingress.tls.secretName') },
        })),
      ])),
    },
  ];
}
