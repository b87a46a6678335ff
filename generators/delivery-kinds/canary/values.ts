/**
 * The canary's knobs in the app's chart (`canary:` in values.yaml and values.schema.json) and the
 * values slipway computes for them: the definition's settings, an env's overrides on top.
 */
import type { AppDefinition } from '../../app-definition.js';
import { ENV_DEFAULTS } from '../../env-defaults.js';
import type { ValueDoc } from '../../chart-values.js';
import type { EnvAppSettings } from '../../environment.js';
import { analysisRateWindow } from './objects.js';
import { canarySteps, type CanaryAnalysis, type CanaryStep } from './props.js';

/** Prometheus address canary analysis queries when the environment names none. */
export const DEFAULT_PROMETHEUS: string = ENV_DEFAULTS.prometheus;

/** `canary:` in the chart's values. */
export interface CanaryValues {
  readonly steps: readonly CanaryStep[];
  /** `rateWindow` is computed from `interval` (objects.ts), never set by an environment. */
  readonly analysis: CanaryAnalysis & { readonly rateWindow: string; readonly prometheus: string };
}

const duration = {
  oneOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^[0-9]+(s|m|h)?$' },
  ],
};

export const CANARY_DOC: ValueDoc = {
  doc: 'Argo Rollouts canary: traffic shifts to the new version step by step.',
  children: {
    steps: {
      doc: 'setWeight (percent to the canary) and pause ({} waits for a person; duration: seconds or s/m/h).',
      schema: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: {
            setWeight: { type: 'integer', minimum: 0, maximum: 100 },
            pause: { type: 'object', additionalProperties: false, properties: { duration } },
          },
        },
      },
    },
    analysis: {
      doc: "Prometheus analysis of the canary's Istio metrics; failing it aborts the rollout.",
      children: {
        enabled: { doc: 'Run the analysis (an AnalysisTemplate, referenced from the Rollout).', schema: { type: 'boolean' } },
        successRate: {
          doc: 'Share of non-5xx responses the canary must keep (0-1); no traffic passes.',
          schema: { type: 'number', minimum: 0, maximum: 1 },
        },
        maxLatencyMs: { doc: 'Highest average request duration, in milliseconds.', schema: { type: 'integer', minimum: 1 } },
        interval: { doc: 'How often each metric is measured.', schema: { type: 'string', pattern: '^[0-9]+(s|m|h)$' } },
        rateWindow: {
          doc: 'Range of rate() in the queries; slipway sets it to max(1m, 6 x interval): change interval instead.',
          schema: { type: 'string', pattern: '^[0-9]+(s|m|h)$' },
        },
        failureLimit: { doc: 'Failed measurements tolerated before the rollout aborts.', schema: { type: 'integer', minimum: 0 } },
        startingStep: { doc: 'Step index from which the analysis runs.', schema: { type: 'integer', minimum: 0 } },
        prometheus: { doc: 'Prometheus address the analysis queries.', schema: { type: 'string', pattern: '^https?://' } },
      },
    },
  },
};

/** An app's canary settings in an environment: the env's overrides over the definition's. */
export function effectiveCanary(
  app: AppDefinition,
  settings: EnvAppSettings | undefined,
): { steps: readonly CanaryStep[]; analysis: CanaryAnalysis } {
  const base = app.delivery.canary!;
  const override = settings?.delivery?.canary;
  const analysis = { ...base.analysis, ...override?.analysis };
  return { steps: canarySteps(override?.steps ?? base.steps, analysis.enabled), analysis };
}

/** The chart's `canary:` values: in an env, or the chart's defaults (no env: the default Prometheus). */
export function canaryValues(app: AppDefinition, settings: EnvAppSettings | undefined, prometheus: string): CanaryValues {
  const { steps, analysis } = effectiveCanary(app, settings);
  return { steps, analysis: { ...analysis, rateWindow: analysisRateWindow(analysis.interval), prometheus } };
}
