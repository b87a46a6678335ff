/**
 * Knative's knobs in the app's chart (`knative:` in values.yaml and values.schema.json) and the
 * values slipway computes for them: the definition's settings, an env's overrides on top.
 */
import type { AppDefinition } from '../../app-definition.js';
import type { ValueDoc } from '../../chart-values.js';
import type { EnvAppSettings } from '../../environment.js';
import { type KnativeSettings, trafficTargetSchema } from './props.js';

/** `knative:` in the chart's values: unset target and metric are written as 0 and ''. */
export type KnativeValues = Omit<KnativeSettings, 'target' | 'metric'> & { readonly target: number; readonly metric: string };

const KNATIVE_DOC: ValueDoc = {
  doc: "Knative Service: revision autoscaling (Knative's own autoscaler; cpu and memory use its HPA class).",
  children: {
    minScale: { doc: 'Fewest pods; 0 scales to zero when idle.', schema: { type: 'integer', minimum: 0 } },
    maxScale: { doc: 'Most pods; 0 means no limit.', schema: { type: 'integer', minimum: 0 } },
    containerConcurrency: { doc: 'Requests one pod serves at once; 0 means no limit.', schema: { type: 'integer', minimum: 0 } },
    target: { doc: "Scaling target per pod for the metric; 0 leaves Knative's default.", schema: { type: 'number', minimum: 0 } },
    metric: {
      doc: "concurrency, rps, cpu or memory; empty leaves Knative's default (concurrency).",
      schema: { enum: ['', 'concurrency', 'rps', 'cpu', 'memory'] },
    },
    timeoutSeconds: { doc: 'Longest a request may take, in seconds.', schema: { type: 'integer', minimum: 1 } },
    traffic: {
      doc: 'Split between revisions (latestRevision or revisionName, percent, tag); empty: all to the latest.',
      schema: {
        type: 'array',
        // The chart's schema stands alone: the tag's DNS-1035 pattern inline, not a $ref.
        items: trafficTargetSchema({ type: 'string', pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$' }),
      },
    },
  },
};

/**
 * The chart's knobs for Knative: Knative scales and routes itself, so no replica count, HPA,
 * IngressClass or TLS section; the ingress keys say whether a DomainMapping serves the host.
 */
export function knativeValuesDoc(base: Readonly<Record<string, ValueDoc>>): Readonly<Record<string, ValueDoc>> {
  const { nameOverride, fullnameOverride, image, resources, env, secretEnv } = base;
  const ingress: ValueDoc = {
    doc: 'How the app is reached from outside the cluster: a DomainMapping for the host, or cluster-local.',
    children: { enabled: base.ingress!.children!.enabled!, host: base.ingress!.children!.host! },
  };
  return {
    nameOverride: nameOverride!,
    fullnameOverride: fullnameOverride!,
    image: image!,
    resources: resources!,
    ingress,
    env: env!,
    secretEnv: secretEnv!,
    knative: KNATIVE_DOC,
  };
}

/** An app's Knative settings in an environment: the env's overrides over the definition's. */
export function effectiveKnative(app: AppDefinition, settings: EnvAppSettings | undefined): KnativeSettings {
  const override = Object.fromEntries(Object.entries(settings?.delivery?.knative ?? {}).filter(([, v]) => v !== undefined));
  return { ...app.delivery.knative!, ...override };
}

/** The chart's `knative:` values. */
export function knativeValues(app: AppDefinition, settings: EnvAppSettings | undefined): KnativeValues {
  const k = effectiveKnative(app, settings);
  return { ...k, target: k.target ?? 0, metric: k.metric ?? '', traffic: k.traffic.map((t) => ({ ...t })) };
}
