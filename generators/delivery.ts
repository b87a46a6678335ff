/**
 * How an app reaches its pods. A factory per kind (`Delivery.deployment()`,
 * `Delivery.canary({...})`), in the cdk8s-plus manner, rather than a string plus side fields
 * that only some kinds read.
 */

/** The delivery kinds slipway knows; environment files and error messages use these names. */
export const DELIVERY_KINDS = ['deployment', 'canary', 'knative'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/**
 * An Argo Rollouts canary step: shift traffic, or wait. A pause without duration waits for a
 * person (`kubectl argo rollouts promote`); a duration is whole seconds or a number with s/m/h.
 */
export type CanaryStep =
  | { readonly setWeight: number }
  | { readonly pause: { readonly duration?: number | string } };

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
  { setWeight: 20 }, { pause: {} },
  { setWeight: 40 }, { pause: {} },
  { setWeight: 60 }, { pause: { duration: '10s' } },
  { setWeight: 80 }, { pause: { duration: '10s' } },
];

/** The book's automated canary (analysis on from step 2). */
export const AUTOMATED_STEPS: readonly CanaryStep[] = [
  { setWeight: 10 }, { pause: { duration: '2m' } },
  { setWeight: 30 }, { pause: { duration: '30s' } },
  { setWeight: 50 }, { pause: { duration: '30s' } },
];

/**
 * How often analysis measures when the app and env say nothing. Prometheus should scrape Istio's
 * metrics at least this often: the queries' rate window (max(1m, 6 x interval), see
 * `analysisRateWindow` in objects/canary.ts) is meant to hold six scrapes or more.
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

/** A Knative traffic target: the latest revision or a named one, a share, an optional tag URL. */
export interface KnativeTrafficTarget {
  readonly latestRevision?: boolean;
  readonly revisionName?: string;
  readonly percent: number;
  readonly tag?: string;
}

/** The metrics Knative scales on; cpu and memory need the HPA autoscaler class. */
export const KNATIVE_METRICS = ['concurrency', 'rps', 'cpu', 'memory'] as const;
export type KnativeMetric = (typeof KNATIVE_METRICS)[number];
/** Metrics only the HPA class implements (and which therefore cannot scale to zero). */
export const HPA_METRICS: readonly string[] = ['cpu', 'memory'];

/** Properties for `Delivery.knative`; the defaults are the book's serverless chapter. */
export interface KnativeProps {
  /** Fewest pods; 0 scales to zero when idle. @default 0 */
  readonly minScale?: number;
  /** Most pods; 0 means no limit. @default 3 */
  readonly maxScale?: number;
  /** Requests one pod serves at once; 0 means no limit. @default 100 */
  readonly containerConcurrency?: number;
  /** Scaling target per pod for the metric (e.g. 70 concurrent requests, or 80 % CPU). @default - Knative's */
  readonly target?: number;
  /** @default - Knative's (concurrency) */
  readonly metric?: KnativeMetric;
  /** Longest a request may take, in seconds. @default 300 */
  readonly timeoutSeconds?: number;
  /** Traffic split between revisions, for a manual canary. @default - all to the latest revision */
  readonly traffic?: readonly KnativeTrafficTarget[];
}

export type KnativeSettings = Required<Omit<KnativeProps, 'target' | 'metric'>> & {
  readonly target: number | undefined;
  readonly metric: KnativeMetric | undefined;
};

export const DEFAULT_KNATIVE: KnativeSettings = {
  minScale: 0,
  maxScale: 3,
  containerConcurrency: 100,
  target: undefined,
  metric: undefined,
  timeoutSeconds: 300,
  traffic: [],
};

export class Delivery {
  /** A plain Deployment with a Service (and an HPA when autoscaling is on). */
  static deployment(): Delivery {
    return new Delivery('deployment', undefined);
  }

  /**
   * An Argo Rollouts canary: a Rollout in place of the Deployment, stable and canary Services,
   * an Istio VirtualService splitting traffic between them (and a Gateway when exposed), and
   * optionally an AnalysisTemplate on Istio's metrics in Prometheus.
   */
  static canary(props: CanaryProps = {}): Delivery {
    const analysis: CanaryAnalysis = props.analysis === false
      ? { ...DEFAULT_ANALYSIS, enabled: false }
      : { ...DEFAULT_ANALYSIS, ...props.analysis };
    return new Delivery('canary', { steps: props.steps, analysis });
  }

  /**
   * A Knative Service (serving.knative.dev/v1) that scales to zero, and a DomainMapping per
   * environment host; Knative creates the Deployment, Service and autoscaler itself.
   */
  static knative(props: KnativeProps = {}): Delivery {
    const settings = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
    return new Delivery('knative', undefined, { ...DEFAULT_KNATIVE, ...settings });
  }

  private constructor(
    readonly kind: DeliveryKind,
    /** Canary settings; `steps` undefined means "the default for the analysis setting". */
    readonly canary: { readonly steps: readonly CanaryStep[] | undefined; readonly analysis: CanaryAnalysis } | undefined,
    readonly knative?: KnativeSettings,
  ) {}
}

/** Problems with Knative settings, as `[field, message]` pairs. */
export function checkKnative(k: Partial<KnativeSettings>, field: string): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const count = (key: 'minScale' | 'maxScale' | 'containerConcurrency' | 'timeoutSeconds', min: number) => {
    const v = k[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) problems.push([`${field}.${key}`, `${v} must be a whole number >= ${min}`]);
  };
  count('minScale', 0);
  count('maxScale', 0);
  count('containerConcurrency', 0);
  count('timeoutSeconds', 1);
  if (Number.isInteger(k.minScale) && Number.isInteger(k.maxScale) && k.maxScale! > 0 && k.minScale! > k.maxScale!) {
    problems.push([`${field}.minScale`, `${k.minScale} is above maxScale (${k.maxScale})`]);
  }
  if (k.metric !== undefined && !KNATIVE_METRICS.includes(k.metric)) {
    problems.push([`${field}.metric`, `unknown metric '${k.metric}' (known: ${KNATIVE_METRICS.join(', ')})`]);
  } else if (k.metric !== undefined && HPA_METRICS.includes(k.metric) && k.minScale === 0) {
    problems.push([`${field}.metric`, `'${k.metric}' needs Knative's HPA autoscaler class, which cannot scale to zero: set minScale to 1 or more, or use concurrency or rps`]);
  }
  if (k.target !== undefined && !(typeof k.target === 'number' && k.target > 0)) problems.push([`${field}.target`, `${k.target} must be a number above 0`]);
  if (k.traffic !== undefined && k.traffic.length > 0) {
    let sum = 0;
    k.traffic.forEach((t, i) => {
      const at = `${field}.traffic[${i}]`;
      if (!(Number.isInteger(t.percent) && t.percent >= 0 && t.percent <= 100)) problems.push([`${at}.percent`, `${t.percent} must be a whole number from 0 to 100`]);
      else sum += t.percent;
      if ((t.latestRevision === true) === (t.revisionName !== undefined)) problems.push([at, 'needs exactly one of latestRevision: true or revisionName']);
      if (t.tag !== undefined && !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(t.tag)) problems.push([`${at}.tag`, `'${t.tag}' is not a DNS-1035 label`]);
    });
    if (sum !== 100) problems.push([`${field}.traffic`, `percents add up to ${sum}, not 100`]);
  }
  return problems;
}

/** Steps in force: explicit ones, else the book's list for the analysis setting. */
export function canarySteps(steps: readonly CanaryStep[] | undefined, analysisEnabled: boolean): readonly CanaryStep[] {
  return steps ?? (analysisEnabled ? AUTOMATED_STEPS : MANUAL_STEPS);
}

/** A pause duration Argo Rollouts accepts: whole seconds, or a whole number with s, m or h. */
export function isRolloutDuration(value: unknown): boolean {
  return (typeof value === 'number' && Number.isInteger(value) && value >= 0)
    || (typeof value === 'string' && /^[0-9]+(s|m|h)?$/.test(value));
}

/** Problems with a step list, as `[field, message]` pairs (the loader adds the file name). */
export function checkCanarySteps(steps: readonly CanaryStep[], field: string): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
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
      problems.push([`${at}.pause.duration`, `'${step.pause.duration}' is not a duration Argo Rollouts accepts (whole seconds, or a number with s, m or h: 30s, 2m, 1h)`]);
    }
  });
  if (!steps.some((s) => 'setWeight' in s)) problems.push([field, 'needs at least one setWeight step']);
  return problems;
}

/** Problems with analysis settings. */
export function checkCanaryAnalysis(a: Partial<CanaryAnalysis>, field: string, stepCount: number): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  if (a.successRate !== undefined && !(a.successRate >= 0 && a.successRate <= 1 && Number.isInteger(a.successRate * 10000))) {
    problems.push([`${field}.successRate`, `${a.successRate} must be between 0 and 1, at most 4 decimals (0.99 = 99% of responses not 5xx)`]);
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
