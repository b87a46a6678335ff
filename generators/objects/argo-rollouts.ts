/**
 * Argo Rollouts objects (argoproj.io/v1alpha1), typed for the fields slipway uses. The tests
 * validate them against the Rollout and AnalysisTemplate CRDs of Argo Rollouts, strictly.
 */
import type { CanaryStep } from '../delivery-kinds/canary/props.js';
import type { K8sObject } from './k8s-object.js';

interface RolloutAnalysis {
  readonly templates: ReadonlyArray<{ readonly templateName: string }>;
  readonly startingStep: number;
  readonly args: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

interface RolloutCanaryStrategy {
  readonly canaryService: string;
  readonly stableService: string;
  readonly trafficRouting: { readonly istio: { readonly virtualService: { readonly name: string; readonly routes: readonly string[] } } };
  readonly steps: readonly CanaryStep[];
  readonly analysis?: RolloutAnalysis;
}

export interface RolloutProps {
  readonly metadata: K8sObject['metadata'];
  readonly replicas: number | undefined;
  readonly selector: { readonly matchLabels: Record<string, string> };
  readonly template: Record<string, unknown>;
  readonly canary: RolloutCanaryStrategy;
}

export function rollout(props: RolloutProps): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: props.metadata,
    spec: { replicas: props.replicas, selector: props.selector, template: props.template, strategy: { canary: props.canary } },
  };
}

/** A Prometheus metric of an AnalysisTemplate. */
export interface PrometheusMetric {
  readonly name: string;
  readonly interval: string;
  readonly successCondition: string;
  readonly failureCondition: string;
  readonly failureLimit: number;
  readonly address: string;
  readonly query: string;
}

export function analysisTemplate(
  metadata: K8sObject['metadata'],
  args: readonly string[],
  metrics: readonly PrometheusMetric[],
): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata,
    spec: {
      args: args.map((name) => ({ name })),
      metrics: metrics.map((m) => ({
        name: m.name,
        interval: m.interval,
        successCondition: m.successCondition,
        failureCondition: m.failureCondition,
        failureLimit: m.failureLimit,
        provider: { prometheus: { address: m.address, query: m.query } },
      })),
    },
  };
}
