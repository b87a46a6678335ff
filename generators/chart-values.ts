/**
 * The knobs of an app's Helm chart: what an environment may change. One description drives three
 * outputs, so they cannot drift apart: the chart's commented `values.yaml`, its
 * `values.schema.json`, and the values slipway computes for each environment.
 */
import type { AppDefinition, ResourceProps, Resources } from './app-definition.js';
import { canarySteps, type CanaryAnalysis, type CanaryStep, type KnativeSettings } from './delivery.js';
import { appHost, type EnvAppSettings, type EnvDefinition } from './environment.js';
import { analysisRateWindow } from './objects/canary.js';

/** Prometheus address canary analysis queries when the environment names none. */
export const DEFAULT_PROMETHEUS = 'http://prometheus-server.monitoring';

export interface ChartValues {
  readonly nameOverride: string;
  readonly fullnameOverride: string;
  readonly image: { readonly repository: string; readonly tag: string; readonly pullPolicy: string };
  readonly replicaCount: number;
  readonly autoscaling: {
    readonly enabled: boolean;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly targetCPUUtilizationPercentage: number;
  };
  readonly resources: Resources;
  readonly ingress: {
    readonly enabled: boolean;
    readonly className: string;
    readonly host: string;
    readonly annotations: Readonly<Record<string, string>>;
    readonly tls: { readonly enabled: boolean; readonly secretName: string };
  };
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: Readonly<Record<string, { readonly secret: string; readonly key: string }>>;
  /** Knative delivery only. */
  readonly knative?: Omit<KnativeSettings, 'target' | 'metric'> & { readonly target: number; readonly metric: string };
  /** Canary delivery only. */
  readonly canary?: {
    readonly steps: readonly CanaryStep[];
    /** `rateWindow` is computed from `interval` (objects/canary.ts), never set by an environment. */
    readonly analysis: CanaryAnalysis & { readonly rateWindow: string; readonly prometheus: string };
  };
}

/** A node of the values description: a comment, and a JSON Schema for leaves. */
export interface ValueDoc {
  readonly doc: string;
  readonly schema?: Record<string, unknown>;
  readonly children?: Readonly<Record<string, ValueDoc>>;
}

const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$' };
const resourceList = (what: string): ValueDoc => ({
  doc: what,
  children: {
    cpu: { doc: 'CPU, e.g. 100m (a tenth of a core).', schema: quantity },
    memory: { doc: 'Memory, e.g. 128Mi.', schema: quantity },
  },
});
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

/** Every knob an environment may change, documented. Key order here is the order in values.yaml. */
const BASE_DOC: Readonly<Record<string, ValueDoc>> = {
  nameOverride: { doc: 'Replaces the chart name in object names and labels.', schema: { type: 'string' } },
  fullnameOverride: { doc: 'Replaces the full object name (release name by default).', schema: { type: 'string' } },
  image: {
    doc: 'Container image.',
    children: {
      repository: { doc: 'Image repository, without tag.', schema: { type: 'string', minLength: 1 } },
      tag: {
        doc: 'Image tag, a string (may end in @sha256:<digest>). Promotions change this line.',
        schema: { type: 'string', minLength: 1 },
      },
      pullPolicy: { doc: 'When the kubelet pulls the image.', schema: { enum: ['IfNotPresent', 'Always', 'Never'] } },
    },
  },
  replicaCount: { doc: 'Pods when autoscaling is off.', schema: { type: 'integer', minimum: 0 } },
  autoscaling: {
    doc: 'HorizontalPodAutoscaler on CPU; when enabled it owns the replica count.',
    children: {
      enabled: { doc: 'Create the HorizontalPodAutoscaler.', schema: { type: 'boolean' } },
      minReplicas: { doc: 'Fewest pods.', schema: { type: 'integer', minimum: 1 } },
      maxReplicas: { doc: 'Most pods.', schema: { type: 'integer', minimum: 1 } },
      targetCPUUtilizationPercentage: { doc: 'Average CPU use (percent of requests) to aim for.', schema: { type: 'integer', minimum: 1, maximum: 100 } },
    },
  },
  resources: {
    doc: 'Container resources; the scheduler reserves requests, the kubelet enforces limits.',
    children: { requests: resourceList('Reserved for the container.'), limits: resourceList('Most the container may use.') },
  },
  ingress: {
    doc: 'How the app is reached from outside the cluster.',
    children: {
      enabled: { doc: 'Create the Ingress.', schema: { type: 'boolean' } },
      className: { doc: 'IngressClass that serves it.', schema: { type: 'string' } },
      host: { doc: 'Host name the app answers on.', schema: { type: 'string' } },
      annotations: { doc: 'Extra Ingress annotations (cert-manager issuer, controller settings).', schema: stringMap },
      tls: {
        doc: 'HTTPS termination at the Ingress.',
        children: {
          enabled: { doc: 'Add a TLS section for the host.', schema: { type: 'boolean' } },
          secretName: { doc: 'Secret holding the certificate (cert-manager fills it when an issuer is annotated).', schema: { type: 'string' } },
        },
      },
    },
  },
  env: { doc: 'Literal environment variables, by name.', schema: stringMap },
  secretEnv: {
    doc: 'Environment variables read from existing Secrets, by name: {secret, key}. Never secret values.',
    schema: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['secret', 'key'],
        properties: { secret: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 1 } },
      },
    },
  },
};

const duration = { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]+(s|m|h)?$' }] };

const CANARY_DOC: ValueDoc = {
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
        successRate: { doc: 'Share of non-5xx responses the canary must keep (0-1); no traffic passes.', schema: { type: 'number', minimum: 0, maximum: 1 } },
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

const KNATIVE_DOC: ValueDoc = {
  doc: "Knative Service: revision autoscaling (Knative's own autoscaler; cpu and memory use its HPA class).",
  children: {
    minScale: { doc: 'Fewest pods; 0 scales to zero when idle.', schema: { type: 'integer', minimum: 0 } },
    maxScale: { doc: 'Most pods; 0 means no limit.', schema: { type: 'integer', minimum: 0 } },
    containerConcurrency: { doc: 'Requests one pod serves at once; 0 means no limit.', schema: { type: 'integer', minimum: 0 } },
    target: { doc: "Scaling target per pod for the metric; 0 leaves Knative's default.", schema: { type: 'number', minimum: 0 } },
    metric: { doc: "concurrency, rps, cpu or memory; empty leaves Knative's default (concurrency).", schema: { enum: ['', 'concurrency', 'rps', 'cpu', 'memory'] } },
    timeoutSeconds: { doc: 'Longest a request may take, in seconds.', schema: { type: 'integer', minimum: 1 } },
    traffic: {
      doc: 'Split between revisions (latestRevision or revisionName, percent, tag); empty: all to the latest.',
      schema: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['percent'],
          properties: {
            latestRevision: { type: 'boolean' },
            revisionName: { type: 'string', minLength: 1 },
            percent: { type: 'integer', minimum: 0, maximum: 100 },
            tag: { type: 'string', pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$' },
          },
        },
      },
    },
  },
};

/** The values description of an app's chart: the knobs its delivery kind reads. */
export function valuesDoc(app: AppDefinition): Readonly<Record<string, ValueDoc>> {
  switch (app.delivery.kind) {
    case 'deployment':
      return BASE_DOC;
    case 'canary':
      return { ...BASE_DOC, canary: CANARY_DOC };
    case 'knative': {
      // Knative scales and routes itself: no replica count, HPA, IngressClass or TLS section here.
      const { nameOverride, fullnameOverride, image, resources, env, secretEnv } = BASE_DOC;
      const ingress: ValueDoc = {
        doc: 'How the app is reached from outside the cluster: a DomainMapping for the host, or cluster-local.',
        children: { enabled: BASE_DOC.ingress!.children!.enabled!, host: BASE_DOC.ingress!.children!.host! },
      };
      return { nameOverride: nameOverride!, fullnameOverride: fullnameOverride!, image: image!, resources: resources!, ingress, env: env!, secretEnv: secretEnv!, knative: KNATIVE_DOC };
    }
  }
}

/** An app's Knative settings in an environment: the env's overrides over the definition's. */
export function effectiveKnative(app: AppDefinition, settings: EnvAppSettings | undefined): KnativeSettings {
  const override = Object.fromEntries(Object.entries(settings?.delivery?.knative ?? {}).filter(([, v]) => v !== undefined));
  return { ...app.delivery.knative!, ...override };
}

function knativeValues(app: AppDefinition, settings: EnvAppSettings | undefined): ChartValues['knative'] {
  const k = effectiveKnative(app, settings);
  return { ...k, target: k.target ?? 0, metric: k.metric ?? '', traffic: k.traffic.map((t) => ({ ...t })) };
}

/** An app's canary settings in an environment: the env's overrides over the definition's. */
export function effectiveCanary(app: AppDefinition, settings: EnvAppSettings | undefined): { steps: readonly CanaryStep[]; analysis: CanaryAnalysis } {
  const base = app.delivery.canary!;
  const override = settings?.delivery?.canary;
  const analysis = { ...base.analysis, ...override?.analysis };
  return { steps: canarySteps(override?.steps ?? base.steps, analysis.enabled), analysis };
}

function canaryValues(app: AppDefinition, settings: EnvAppSettings | undefined, prometheus: string): ChartValues['canary'] {
  if (app.delivery.kind !== 'canary') return undefined;
  const { steps, analysis } = effectiveCanary(app, settings);
  return { steps, analysis: { ...analysis, rateWindow: analysisRateWindow(analysis.interval), prometheus } };
}

function mergeResources(base: Resources, override: ResourceProps | undefined): Resources {
  return {
    requests: { ...base.requests, ...override?.requests },
    limits: { ...base.limits, ...override?.limits },
  };
}

/** The chart's defaults: the app definition alone (values.yaml). */
export function defaultValues(app: AppDefinition): ChartValues {
  return {
    nameOverride: '',
    fullnameOverride: '',
    image: { repository: app.image, tag: app.appVersion, pullPolicy: 'IfNotPresent' },
    replicaCount: app.replicas,
    autoscaling: {
      enabled: app.autoscaling.enabled,
      minReplicas: app.autoscaling.minReplicas,
      maxReplicas: app.autoscaling.maxReplicas,
      targetCPUUtilizationPercentage: app.autoscaling.cpuUtilization,
    },
    resources: app.resources,
    ingress: {
      enabled: app.ingress.enabled,
      className: app.ingress.className,
      host: '',
      annotations: {
        ...app.ingress.annotations,
        ...(app.ingress.tls?.clusterIssuer ? { 'cert-manager.io/cluster-issuer': app.ingress.tls.clusterIssuer } : {}),
      },
      tls: { enabled: app.ingress.tls !== undefined, secretName: app.ingress.tls?.secretName ?? '' },
    },
    env: app.env,
    secretEnv: app.secretEnv,
    ...(app.delivery.kind === 'canary' ? { canary: canaryValues(app, undefined, DEFAULT_PROMETHEUS) } : {}),
    ...(app.delivery.kind === 'knative' ? { knative: knativeValues(app, undefined) } : {}),
  };
}

/** The values one environment runs the app with. */
export function environmentValues(app: AppDefinition, env: EnvDefinition): ChartValues {
  const settings = env.apps[app.name];
  if (!settings) throw new Error(`environment '${env.name}' has no app '${app.name}'`);
  const base = defaultValues(app);
  const autoscaling = settings.autoscaling;
  return {
    ...base,
    image: { ...base.image, tag: settings.tag },
    replicaCount: settings.replicas ?? base.replicaCount,
    autoscaling: autoscaling === false
      ? { ...base.autoscaling, enabled: false }
      : autoscaling === undefined
        ? base.autoscaling
        : {
            enabled: true,
            minReplicas: autoscaling.minReplicas ?? base.autoscaling.minReplicas,
            maxReplicas: autoscaling.maxReplicas ?? base.autoscaling.maxReplicas,
            targetCPUUtilizationPercentage: autoscaling.cpuUtilization ?? base.autoscaling.targetCPUUtilizationPercentage,
          },
    resources: mergeResources(base.resources, settings.resources),
    ingress: { ...base.ingress, host: appHost(env, app.name) },
    env: { ...base.env, ...settings.env },
    ...(app.delivery.kind === 'canary' ? { canary: canaryValues(app, settings, env.prometheus) } : {}),
    ...(app.delivery.kind === 'knative' ? { knative: knativeValues(app, settings) } : {}),
  };
}

/** JSON Schema of the values, from VALUES_DOC; unknown keys are errors (a typo never passes silently). */
export function valuesSchema(app: AppDefinition): Record<string, unknown> {
  const toSchema = (node: ValueDoc): Record<string, unknown> => node.children
    ? {
        type: 'object',
        description: node.doc,
        additionalProperties: false,
        required: Object.keys(node.children),
        properties: Object.fromEntries(Object.entries(node.children).map(([k, child]) => [k, toSchema(child)])),
      }
    : { description: node.doc, ...node.schema };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Values of the ${app.name} chart`,
    ...toSchema({ doc: `Values of the ${app.name} chart, generated by slipway.`, children: valuesDoc(app) }),
  };
}
