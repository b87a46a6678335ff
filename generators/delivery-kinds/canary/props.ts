/**
 * `Delivery.canary({...})`: its props with their defaults, the book's step lists, and the checks
 * of steps and analysis (shared by app definitions and env-file overrides).
 */
import type { Problem } from '../delivery-kind.js';

/**
 * An Argo Rollouts canary step: shift traffic, or wait. A pause without duration waits for a
 * person (`kubectl argo rollouts promote`); a duration is whole seconds or a number with s/m/h.
 */
export type CanaryStep = { readonly setWeight: number } | { readonly pause: { readonly duration?: number | string } };

/** Prometheus analysis of the canary's Istio metrics. */
export interface CanaryAnalysisProps {
  /** @default true */
  readonly enabled?: boolean;
  /**
   * Share of responses the canary must answer without a server error (non-5xx: redirects and
   * 404s are fine). The book used 0.8, but one failure in five is not healthy.
   * @default 0.99
   */
  readonly successRate?: number;
  /** Highest average request duration, in milliseconds. @default 1000 */
  readonly maxLatencyMs?: number;
  /**
   * How often each metric is measured; the queries' rate window follows it (max(1m, 6 x interval)).
   * @default '10s' (DEFAULT_ANALYSIS_INTERVAL)
   */
  readonly interval?: string;
  /** Failed measurements tolerated before the rollout aborts. @default 3 */
  readonly failureLimit?: number;
  /** Step from which analysis runs in the background. @default 2 */
  readonly startingStep?: number;
}

/** Properties for `Delivery.canary`. */
export interface CanaryProps {
  /** @default - with analysis: the book's automated steps; without: its manual steps */
  readonly steps?: readonly CanaryStep[];
  /** `false` turns analysis off. @default - on, with the defaults of CanaryAnalysisProps */
  readonly analysis?: CanaryAnalysisProps | false;
}

/** Analysis settings with every default resolved. */
export type CanaryAnalysis = Required<CanaryAnalysisProps>;

/** The book's manual canary (analysis off): a person promotes past the first two pauses. */
export const MANUAL_STEPS: readonly CanaryStep[] = [
  { setWeight: 20 },
  { pause: {} },
  { setWeight: 40 },
  { pause: {} },
  { setWeight: 60 },
  { pause: { duration: '10s' } },
  { setWeight: 80 },
  { pause: { duration: '10s' } },
];

/** The book's automated canary (analysis on from step 2). */
export const AUTOMATED_STEPS: readonly CanaryStep[] = [
  { setWeight: 10 },
  { pause: { duration: '2m' } },
  { setWeight: 30 },
  { pause: { duration: '30s' } },
  { setWeight: 50 },
  { pause: { duration: '30s' } },
];

/**
 * How often analysis measures when the app and env say nothing. Prometheus should scrape Istio's
 * metrics at least this often: the queries' rate window (max(1m, 6 x interval), see
 * `analysisRateWindow` in objects.ts) is meant to hold six scrapes or more.
 */
export const DEFAULT_ANALYSIS_INTERVAL = '10s';

export const DEFAULT_ANALYSIS: CanaryAnalysis = {
  enabled: true,
  successRate: 0.99,
  maxLatencyMs: 1000,
  interval: DEFAULT_ANALYSIS_INTERVAL,
  failureLimit: 3,
  startingStep: 2,
};

/** Canary settings as `Delivery.canary` resolves them; `steps` undefined means "the default for the analysis setting". */
export interface CanarySettings {
  readonly steps: readonly CanaryStep[] | undefined;
  readonly analysis: CanaryAnalysis;
}

/** Resolves the props' defaults, once. */
export function resolveCanary(props: CanaryProps = {}): CanarySettings {
  const analysis: CanaryAnalysis =
    props.analysis === false ? { ...DEFAULT_ANALYSIS, enabled: false } : { ...DEFAULT_ANALYSIS, ...props.analysis };
  return { steps: props.steps, analysis };
}

/** Steps in force: explicit ones, else the book's list for the analysis setting. */
export function canarySteps(steps: readonly CanaryStep[] | undefined, analysisEnabled: boolean): readonly CanaryStep[] {
  return steps ?? (analysisEnabled ? AUTOMATED_STEPS : MANUAL_STEPS);
}

/** A pause duration Argo Rollouts accepts: whole seconds, or a whole number with s, m or h. */
function isRolloutDuration(value: unknown): boolean {
  return (
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && /^[0-9]+(s|m|h)?$/.test(value))
  );
}

/** Problems with a step list, as `[field, message]` pairs (the loader adds the file name). */
export function checkCanarySteps(steps: readonly CanaryStep[], field: string): Problem[] {
  const problems: Problem[] = [];
  let last = -1;
  if (steps.length === 0) problems.push([field, 'needs at least one step']);
  steps.forEach((step, i) => {
    const at = `${field}[${i}]`;
    const keys = Object.keys(step ?? {});
    if (keys.length !== 1 || !['setWeight', 'pause'].includes(keys[0]!)) {
      problems.push([at, 'a step is exactly one of setWeight or pause']);
      return;
    }
    if ('setWeight' in step) {
      const w = step.setWeight;
      if (!Number.isInteger(w) || w < 0 || w > 100) problems.push([`${at}.setWeight`, `${w} must be a whole number from 0 to 100`]);
      else if (w <= last) problems.push([`${at}.setWeight`, `${w} must be above the previous weight (${last}): weights only increase`]);
      else last = w;
    } else if (step.pause.duration !== undefined && !isRolloutDuration(step.pause.duration)) {
      problems.push([
        `${at}.pause.duration`,
        `'${step.pause.duration}' is not a duration Argo Rollouts accepts (whole seconds, or a number with s, m or h: 30s, 2m, 1h)`,
      ]);
    }
  });
  if (!steps.some((s) => 'setWeight' in s)) problems.push([field, 'needs at least one setWeight step']);
  return problems;
}

/** Problems with analysis settings. */
export function checkCanaryAnalysis(a: Partial<CanaryAnalysis>, field: string, stepCount: number): Problem[] {
  const problems: Problem[] = [];
  if (a.successRate !== undefined && !(a.successRate >= 0 && a.successRate <= 1 && Number.isInteger(a.successRate * 10000))) {
    problems.push([
      `${field}.successRate`,
      `${a.successRate} must be between 0 and 1, at most 4 decimals (0.99 = 99% of responses not 5xx)`,
    ]);
  }
  if (a.maxLatencyMs !== undefined && !(Number.isInteger(a.maxLatencyMs) && a.maxLatencyMs > 0 && a.maxLatencyMs < 1e6)) {
    problems.push([`${field}.maxLatencyMs`, `${a.maxLatencyMs} must be a whole number of milliseconds from 1 to 999999`]);
  }
  if (a.interval !== undefined && !(typeof a.interval === 'string' && /^[0-9]+(s|m|h)$/.test(a.interval))) {
    problems.push([`${field}.interval`, `'${a.interval}' must be a number with s, m or h (e.g. 10s)`]);
  }
  if (a.failureLimit !== undefined && !(Number.isInteger(a.failureLimit) && a.failureLimit >= 0)) {
    problems.push([`${field}.failureLimit`, `${a.failureLimit} must be a whole number >= 0`]);
  }
  if (a.startingStep !== undefined && !(Number.isInteger(a.startingStep) && a.startingStep >= 0 && a.startingStep < stepCount)) {
    problems.push([`${field}.startingStep`, `${a.startingStep} must point at one of the ${stepCount} steps (0-${stepCount - 1})`]);
  }
  return problems;
}
