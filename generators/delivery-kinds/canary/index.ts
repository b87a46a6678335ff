/**
 * `Delivery.canary({...})`: an Argo Rollouts canary with Istio traffic splitting and, optionally,
 * Prometheus analysis (the book's progressive-delivery chapter). Everything slipway knows about
 * the kind is declared here; props.ts holds the props and rules, objects.ts the objects,
 * values.ts the chart's knobs, env-schema.ts what env files may override.
 */
import type { IgnoreDifference } from '../../argocd.js';
import { defineDeliveryKind } from '../delivery-kind.js';
import { CANARY_ENV_OVERRIDE } from './env-schema.js';
import { canaryDocuments } from './objects.js';
import {
  canarySteps,
  checkCanaryAnalysis,
  checkCanarySteps,
  type CanaryAnalysisProps,
  type CanarySettings,
  type CanaryStep,
} from './props.js';
import { CANARY_DOC, canaryValues, DEFAULT_PROMETHEUS, effectiveCanary, type CanaryValues } from './values.js';

declare module '../../delivery.js' {
  interface Delivery {
    /** The canary's settings, when `kind` is 'canary'. */
    readonly canary?: CanarySettings;
  }
}
declare module '../../environment.js' {
  interface DeliveryOverrides {
    readonly canary?: { readonly steps?: readonly CanaryStep[]; readonly analysis?: CanaryAnalysisProps };
  }
}
declare module '../../chart-values.js' {
  interface ChartValues {
    /** Canary delivery only. */
    readonly canary?: CanaryValues;
  }
}

/**
 * Argo Rollouts rewrites the canary's VirtualService route weights during a rollout: Argo CD must
 * neither report that as drift nor reset it (self-heal, or the next promotion's sync) half way.
 * Only the weights: a changed route (host, port, match) is still drift. This is the expression
 * the Argo Rollouts docs give (docs/features/traffic-management/istio.md, "Integrating with
 * GitOps", v1.9).
 */
const CANARY_IGNORE_DIFFERENCES: readonly IgnoreDifference[] = [
  { group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'] },
];

export const canaryKind = defineDeliveryKind<CanarySettings>({
  name: 'canary',
  documents: canaryDocuments,
  projectKinds: [
    { group: '', kind: 'Service' },
    { group: 'argoproj.io', kind: 'Rollout' },
    { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
    { group: 'policy', kind: 'PodDisruptionBudget' },
    { group: 'argoproj.io', kind: 'AnalysisTemplate' },
    { group: 'networking.istio.io', kind: 'VirtualService' },
    { group: 'networking.istio.io', kind: 'Gateway' },
  ],
  valuesDoc: (base) => ({ ...base, canary: CANARY_DOC }),
  values: (app, settings, env) => ({ canary: canaryValues(app, settings, env?.prometheus ?? DEFAULT_PROMETHEUS) }),
  notes: (_app, name) => `{{- if .Values.ingress.enabled }}

It answers on http{{ if .Values.ingress.tls.enabled }}s{{ end }}://{{ .Values.ingress.host }}/ through the Istio ingress gateway.
{{- end }}

New tags roll out as an Argo Rollouts canary{{ if .Values.canary.analysis.enabled }} judged by Prometheus analysis{{ end }}:
  kubectl argo rollouts get rollout ${name} --namespace {{ .Release.Namespace }} --watch`,
  ignoreDifferences: CANARY_IGNORE_DIFFERENCES,
  // The Rollout controller, the mesh that splits traffic, the metrics the analysis reads.
  requires: ['argo-rollouts', 'istio', 'prometheus'],
  envOverride: CANARY_ENV_OVERRIDE,
  checkDefinition: (app) => {
    // Istio splits traffic between the stable and canary Services by port: it must be the app's own.
    const problems: Array<[string, string]> = app.portDeclared
      ? []
      : [['port', 'required for canary delivery (Istio routes the canary by Service port)']];
    const canary = app.delivery.canary!;
    const steps = canarySteps(canary.steps, canary.analysis.enabled);
    return [
      ...problems,
      ...checkCanarySteps(steps, 'delivery.steps'),
      ...checkCanaryAnalysis(canary.analysis, 'delivery.analysis', steps.length),
    ];
  },
  checkOverride: (app, settings, field) => {
    const canary = effectiveCanary(app, settings);
    return [
      ...checkCanarySteps(canary.steps, `${field}.steps`),
      ...checkCanaryAnalysis(canary.analysis, `${field}.analysis`, canary.steps.length),
    ];
  },
});
