/**
 * Objects every delivery kind with pods of its own shares: the Service, the HPA, the
 * PodDisruptionBudget. Each builder returns documents; `undefined` means "left out here".
 */
import type { AppDefinition } from '../app-definition.js';
import type { K8sObject } from './k8s-object.js';
import type { ValueSource } from '../value-source.js';

/** A document with the construct id it gets in the cdk8s chart. */
export interface Document {
  readonly id: string;
  readonly object: K8sObject | undefined;
}

/** What the HPA and PDB point at. */
export interface ScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
}

export function service(app: AppDefinition, src: ValueSource, suffix = ''): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: src.fullname(suffix), labels: src.labels() },
    spec: {
      type: 'ClusterIP',
      selector: src.selectorLabels(),
      ports: [{ name: 'http', port: app.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** Replicas of a workload: left to the HPA when autoscaling, fixed otherwise. */
export function replicas(src: ValueSource): number | undefined {
  // With autoscaling the HPA owns the count; a fixed field would fight it on every sync.
  return src.when({ paths: ['autoscaling.enabled'], negate: true }, () => src.scalar<number>('replicaCount'));
}

export function horizontalPodAutoscaler(src: ValueSource, target: ScaleTarget): K8sObject | undefined {
  return src.when({ paths: ['autoscaling.enabled'] }, () => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: src.fullname(), labels: src.labels() },
    spec: {
      scaleTargetRef: { ...target, name: src.fullname() },
      minReplicas: src.scalar<number>('autoscaling.minReplicas'),
      maxReplicas: src.scalar<number>('autoscaling.maxReplicas'),
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: src.scalar<number>('autoscaling.targetCPUUtilizationPercentage') },
          },
        },
      ],
    },
  }));
}

/**
 * Keeps all but one pod up through voluntary disruptions (node drains, upgrades), when more than
 * one pod runs: with a single pod it would block every drain.
 */
export function podDisruptionBudget(src: ValueSource): K8sObject | undefined {
  const several = {
    expr: 'ternary (gt (int .Values.autoscaling.minReplicas) 1) (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled',
    test: (get: (path: string) => unknown) => Number(get(get('autoscaling.enabled') ? 'autoscaling.minReplicas' : 'replicaCount')) > 1,
  };
  return src.when(several, () => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: src.fullname(), labels: src.labels() },
    spec: { maxUnavailable: 1, selector: { matchLabels: src.selectorLabels() } },
  }));
}
