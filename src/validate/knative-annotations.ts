/**
 * Knative reads its autoscaling settings from annotations: free-form metadata no CRD schema can
 * check. slipway checks them itself, on every Knative Service it writes (escape-hatch ones too),
 * as Knative's webhook would at admission.
 */
import { HPA_METRICS, KNATIVE_METRICS } from '../../generators/delivery-kinds/knative/props.js';
import type { K8sObject } from '../../generators/app-objects.js';
import { HPA_CLASS } from '../../generators/delivery-kinds/knative/objects.js';

const PREFIX = 'autoscaling.knative.dev/';
const CLASSES = ['kpa.autoscaling.knative.dev', HPA_CLASS];
const COUNTS = ['min-scale', 'max-scale', 'initial-scale', 'activation-scale'];
const KNOWN = new Set([
  ...COUNTS,
  'target',
  'metric',
  'class',
  'target-utilization-percentage',
  'window',
  'panic-window-percentage',
  'panic-threshold-percentage',
  'scale-down-delay',
  'target-burst-capacity',
]);
/** Keys Knative renamed; the old ones still work but are deprecated. */
const RENAMED: Record<string, string> = { minScale: 'min-scale', maxScale: 'max-scale', initialScale: 'initial-scale' };

/** Problems in the revision template's autoscaling annotations of a Knative Service. */
export function knativeAnnotationProblems(obj: K8sObject): string[] {
  if (!obj.apiVersion.startsWith('serving.knative.dev/') || obj.kind !== 'Service') return [];
  const template = (obj.spec as { template?: { metadata?: { annotations?: Record<string, unknown> } } } | undefined)?.template;
  const annotations = template?.metadata?.annotations ?? {};
  const at = (key: string) => `spec.template.metadata.annotations["${PREFIX}${key}"]`;
  const problems: string[] = [];
  const value = (key: string) => annotations[PREFIX + key];
  for (const [full, v] of Object.entries(annotations)) {
    if (!full.startsWith(PREFIX)) continue;
    const key = full.slice(PREFIX.length);
    if (RENAMED[key]) problems.push(`${at(key)}: deprecated key; use ${PREFIX}${RENAMED[key]}`);
    else if (!KNOWN.has(key)) problems.push(`${at(key)}: unknown Knative autoscaling annotation`);
    if (typeof v !== 'string') problems.push(`${at(key)}: annotation values are strings, not ${typeof v}`);
  }
  for (const key of COUNTS) {
    const v = value(key);
    if (v !== undefined && !/^(0|[1-9][0-9]*)$/.test(String(v))) problems.push(`${at(key)}: '${String(v)}' must be a whole number >= 0`);
  }
  const min = Number(value('min-scale') ?? 0);
  const max = Number(value('max-scale') ?? 0);
  if (max > 0 && min > max) problems.push(`${at('min-scale')}: ${min} is above max-scale (${max})`);
  const target = value('target');
  if (target !== undefined && !(Number(target) > 0)) problems.push(`${at('target')}: '${String(target)}' must be a number above 0`);
  const metric = value('metric');
  if (metric !== undefined && !KNATIVE_METRICS.includes(metric as never)) {
    problems.push(`${at('metric')}: unknown metric '${String(metric)}' (known: ${KNATIVE_METRICS.join(', ')})`);
  }
  const cls = value('class');
  if (cls !== undefined && !CLASSES.includes(String(cls)))
    problems.push(`${at('class')}: unknown class '${String(cls)}' (known: ${CLASSES.join(', ')})`);
  if (metric !== undefined && HPA_METRICS.includes(String(metric)) && cls !== HPA_CLASS) {
    problems.push(`${at('metric')}: '${String(metric)}' needs ${PREFIX}class: ${HPA_CLASS}`);
  }
  if (cls === HPA_CLASS && min === 0) problems.push(`${at('min-scale')}: the HPA class cannot scale to zero; set min-scale to 1 or more`);
  return problems;
}
