/**
 * `Delivery.knative()`: one serving.knative.dev/v1 Service, as in the book's serverless chapter,
 * and a DomainMapping per environment host. Knative creates the Deployment, Service, routes and
 * autoscaler itself, so nothing else is generated.
 */
import type { AppDefinition } from '../../app-definition.js';
import { HPA_METRICS } from './props.js';
import type { ValueSource } from '../../value-source.js';
import type { K8sObject } from '../../objects/k8s-object.js';
import { container, podBasics } from '../../objects/pod-template.js';
import type { Document } from '../../objects/workload.js';

/** Revision-template annotation keys (the current, kebab-case ones). */
const KNATIVE_ANNOTATIONS = {
  minScale: 'autoscaling.knative.dev/min-scale',
  maxScale: 'autoscaling.knative.dev/max-scale',
  target: 'autoscaling.knative.dev/target',
  metric: 'autoscaling.knative.dev/metric',
  class: 'autoscaling.knative.dev/class',
} as const;

/** Knative's HPA-based autoscaler class, needed for cpu and memory metrics. */
export const HPA_CLASS = 'hpa.autoscaling.knative.dev';

export function knativeDocuments(app: AppDefinition, src: ValueSource): Document[] {
  const mapped = {
    expr: 'and .Values.ingress.enabled .Values.ingress.host',
    test: (get: (path: string) => unknown) => Boolean(get('ingress.enabled')) && Boolean(get('ingress.host')),
  };
  const hpaMetric = {
    expr: `has .Values.knative.metric (list ${HPA_METRICS.map((m) => JSON.stringify(m)).join(' ')})`,
    test: (get: (path: string) => unknown) => HPA_METRICS.includes(String(get('knative.metric'))),
  };
  const service: K8sObject = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: src.fullname(),
      // Not exposed: Knative serves it inside the cluster only.
      labels: src.labels(undefined, {
        condition: { paths: ['ingress.enabled'], negate: true },
        labels: { 'networking.knative.dev/visibility': 'cluster-local' },
      }),
    },
    spec: {
      template: {
        // No revision name: Knative names revisions, so a tag bump yields exactly one new one.
        metadata: {
          labels: src.labels(),
          annotations: {
            // Annotation values are strings: numbers are printed into them.
            [KNATIVE_ANNOTATIONS.minScale]: src.str`${'knative.minScale'}`,
            [KNATIVE_ANNOTATIONS.maxScale]: src.str`${'knative.maxScale'}`,
            [KNATIVE_ANNOTATIONS.target]: src.when({ paths: ['knative.target'] }, () => src.str`${'knative.target'}`),
            [KNATIVE_ANNOTATIONS.metric]: src.when({ paths: ['knative.metric'] }, () => src.str`${'knative.metric'}`),
            [KNATIVE_ANNOTATIONS.class]: src.when(hpaMetric, () => HPA_CLASS),
          },
        },
        spec: {
          ...podBasics(app),
          containerConcurrency: src.scalar<number>('knative.containerConcurrency'),
          timeoutSeconds: src.scalar<number>('knative.timeoutSeconds'),
          // Knative allows a pod-level securityContext only behind a feature flag: the restricted
          // settings go on the container. Its port is named http1; it probes that port itself.
          containers: [container(app, src, { portName: 'http1', probePort: false, containerLevelSecurity: true })],
        },
      },
      traffic: src.when({ paths: ['knative.traffic'] }, () => src.block<unknown[]>('knative.traffic')),
    },
  };
  return [
    { id: 'knative-service', object: service },
    {
      id: 'domain-mapping',
      // Named after the host it serves: staging and production each map their own.
      object: src.when(mapped, () => ({
        apiVersion: 'serving.knative.dev/v1beta1',
        kind: 'DomainMapping',
        metadata: { name: src.scalar<string>('ingress.host'), labels: src.labels() },
        spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: src.fullname() } },
      })),
    },
  ];
}
