/**
 * `Delivery.knative({...})`: its props with the book's serverless defaults, and the checks of
 * Knative settings (shared by app definitions and env-file overrides).
 */
import type { Problem } from '../delivery-kind.js';

/** A Knative traffic target: the latest revision or a named one, a share, an optional tag URL. */
interface KnativeTrafficTarget {
  readonly latestRevision?: boolean;
  readonly revisionName?: string;
  readonly percent: number;
  readonly tag?: string;
}

/** The metrics Knative scales on; cpu and memory need the HPA autoscaler class. */
export const KNATIVE_METRICS = ['concurrency', 'rps', 'cpu', 'memory'] as const;
type KnativeMetric = (typeof KNATIVE_METRICS)[number];
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

const DEFAULT_KNATIVE: KnativeSettings = {
  minScale: 0,
  maxScale: 3,
  containerConcurrency: 100,
  target: undefined,
  metric: undefined,
  timeoutSeconds: 300,
  traffic: [],
};

/** Resolves the props' defaults, once; an undefined prop keeps its default. */
export function resolveKnative(props: KnativeProps = {}): KnativeSettings {
  const settings = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_KNATIVE, ...settings };
}

/** Problems with Knative settings, as `[field, message]` pairs. */
export function checkKnative(k: Partial<KnativeSettings>, field: string): Problem[] {
  const problems: Problem[] = [];
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
    problems.push([
      `${field}.metric`,
      `'${k.metric}' needs Knative's HPA autoscaler class, which cannot scale to zero: set minScale to 1 or more, or use concurrency or rps`,
    ]);
  }
  if (k.target !== undefined && !(typeof k.target === 'number' && k.target > 0))
    problems.push([`${field}.target`, `${k.target} must be a number above 0`]);
  if (k.traffic !== undefined && k.traffic.length > 0) {
    let sum = 0;
    k.traffic.forEach((t, i) => {
      const at = `${field}.traffic[${i}]`;
      if (!(Number.isInteger(t.percent) && t.percent >= 0 && t.percent <= 100))
        problems.push([`${at}.percent`, `${t.percent} must be a whole number from 0 to 100`]);
      else sum += t.percent;
      if ((t.latestRevision === true) === (t.revisionName !== undefined))
        problems.push([at, 'needs exactly one of latestRevision: true or revisionName']);
      if (t.tag !== undefined && !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(t.tag))
        problems.push([`${at}.tag`, `'${t.tag}' is not a DNS-1035 label`]);
    });
    if (sum !== 100) problems.push([`${field}.traffic`, `percents add up to ${sum}, not 100`]);
  }
  return problems;
}

/**
 * One traffic target (latestRevision or revisionName, percent, tag), as both the env schema and
 * the chart's values schema check it; `tag` is the tag name's schema in each.
 */
export function trafficTargetSchema(tag: Readonly<Record<string, unknown>>) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['percent'],
    properties: {
      latestRevision: { type: 'boolean' },
      revisionName: { type: 'string', minLength: 1 },
      percent: { type: 'integer', minimum: 0, maximum: 100 },
      tag,
    },
  } as const;
}
