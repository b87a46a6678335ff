/**
 * What the status page reads out of an env repo's files, as committed (what Argo CD deploys,
 * not what envs/ asks for): an app's delivery kind and its parameters, and the platform
 * components' charts and pinned versions. Pure: file text in, facts out.
 *
 * The keys read are the ones slipway's generators write: the chart values of
 * generators/chart-values.ts (helm mode), the objects of generators/objects/ and
 * delivery-kinds/ (manifests mode), the platform Applications of generators/platform-components/.
 */
import { parse, parseAllDocuments } from 'yaml';
import type { CanaryStep, DeliveryFacts, PlatformPin } from './page-input.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);

/** Canary steps as the chart values or the Rollout hold them. */
function canarySteps(list: unknown): CanaryStep[] {
  if (!Array.isArray(list)) return [];
  const steps: CanaryStep[] = [];
  for (const s of list) {
    if (!isObj(s)) continue;
    const weight = num(s['setWeight']);
    if (weight !== undefined) steps.push({ setWeight: weight });
    else if ('pause' in s) {
      const d = at(s, 'pause', 'duration') ?? (isObj(s['pause']) ? undefined : s['pause']);
      steps.push({ pause: d === undefined || d === null || d === '' ? undefined : String(d) });
    }
  }
  return steps;
}

function autoscalingOf(min: unknown, max: unknown): { min: number; max: number } | undefined {
  const lo = num(min);
  const hi = num(max);
  return lo !== undefined && hi !== undefined ? { min: lo, max: hi } : undefined;
}

/** Helm mode: the delivery an app's `values/<app>.yaml` describes. */
export function deliveryFromValues(text: string): DeliveryFacts | undefined {
  let values: unknown;
  try {
    values = parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(values)) return undefined;
  const autoscaling =
    at(values, 'autoscaling', 'enabled') === true
      ? autoscalingOf(at(values, 'autoscaling', 'minReplicas'), at(values, 'autoscaling', 'maxReplicas'))
      : undefined;
  if (isObj(values['knative'])) {
    const k = values['knative'];
    return { kind: 'knative', ...optional('minScale', num(k['minScale'])), ...optional('maxScale', num(k['maxScale'])) };
  }
  if (isObj(values['canary'])) {
    const analysis = at(values, 'canary', 'analysis');
    return {
      kind: 'canary',
      steps: canarySteps(at(values, 'canary', 'steps')),
      analysis: at(analysis, 'enabled') === true ? { startingStep: num(at(analysis, 'startingStep')) ?? 0 } : undefined,
      ...optional('autoscaling', autoscaling),
    };
  }
  return {
    kind: 'deployment',
    ...optional('replicas', autoscaling ? undefined : num(values['replicaCount'])),
    ...optional('autoscaling', autoscaling),
  };
}

/** Manifests mode: the delivery the app's rendered objects (`manifests/<app>/*.yaml`, all documents) describe. */
export function deliveryFromManifests(texts: readonly string[]): DeliveryFacts | undefined {
  const objects: Obj[] = [];
  for (const text of texts) {
    try {
      for (const doc of parseAllDocuments(text)) {
        const o: unknown = doc.toJS();
        if (isObj(o)) objects.push(o);
      }
    } catch {
      // An unreadable file tells nothing about the delivery.
    }
  }
  const ofKind = (kind: string, group?: string) =>
    objects.find((o) => o['kind'] === kind && (group === undefined || String(o['apiVersion'] ?? '').startsWith(`${group}/`)));
  const hpa = ofKind('HorizontalPodAutoscaler');
  const autoscaling = hpa ? autoscalingOf(at(hpa, 'spec', 'minReplicas'), at(hpa, 'spec', 'maxReplicas')) : undefined;
  const knative = ofKind('Service', 'serving.knative.dev');
  if (knative) {
    const annotations = at(knative, 'spec', 'template', 'metadata', 'annotations');
    const scale = (key: string) => {
      const v = at(annotations, `autoscaling.knative.dev/${key}`);
      return v === undefined ? undefined : num(Number(v));
    };
    return { kind: 'knative', ...optional('minScale', scale('min-scale')), ...optional('maxScale', scale('max-scale')) };
  }
  const rollout = ofKind('Rollout', 'argoproj.io');
  if (rollout) {
    const canary = at(rollout, 'spec', 'strategy', 'canary');
    const analysis = at(canary, 'analysis');
    return {
      kind: 'canary',
      steps: canarySteps(at(canary, 'steps')),
      analysis: isObj(analysis) ? { startingStep: num(analysis['startingStep']) ?? 0 } : undefined,
      ...optional('autoscaling', autoscaling),
    };
  }
  const deployment = ofKind('Deployment');
  if (!deployment) return undefined;
  return {
    kind: 'deployment',
    ...optional('replicas', autoscaling ? undefined : num(at(deployment, 'spec', 'replicas'))),
    ...optional('autoscaling', autoscaling),
  };
}

/**
 * A platform component's Application or ApplicationSet (`apps/platform-*.yaml`): its chart and
 * pinned version, or the env-repo path it syncs. Undefined for a file that is neither.
 */
export function platformPinFrom(text: string): PlatformPin | undefined {
  let o: unknown;
  try {
    o = parse(text);
  } catch {
    return undefined;
  }
  const component = at(o, 'metadata', 'labels', 'slipway.dev/platform');
  const name = at(o, 'metadata', 'name');
  if (typeof component !== 'string' || typeof name !== 'string') return undefined;
  // An ApplicationSet (a fleet) holds the Application under spec.template.
  const source = at(o, 'spec', 'source') ?? at(o, 'spec', 'template', 'spec', 'source');
  const chart = at(source, 'chart');
  const version = at(source, 'targetRevision');
  if (typeof chart === 'string')
    return {
      component,
      name,
      chart,
      ...optional('version', typeof version === 'string' ? version : undefined),
      source: String(at(source, 'repoURL') ?? ''),
    };
  return { component, name, source: String(at(source, 'path') ?? at(source, 'repoURL') ?? '') };
}

/** `{ key: value }` when value is defined, else nothing: keeps absent fields absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
