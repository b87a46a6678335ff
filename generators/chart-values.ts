/**
 * The knobs of an app's Helm chart: what an environment may change. One description drives three
 * outputs, so they cannot drift apart: the chart's commented `values.yaml`, its
 * `values.schema.json`, and the values slipway computes for each environment.
 */
import type { AppDefinition, ResourceProps, Resources } from './app-definition.js';
import { appHost, type EnvDefinition } from './environment.js';

/**
 * An environment's chart values. A delivery kind with knobs of its own adds its key (`canary`,
 * `knative`) by declaration merging, in its module.
 */
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
      targetCPUUtilizationPercentage: {
        doc: 'Average CPU use (percent of requests) to aim for.',
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      },
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
          secretName: {
            doc: 'Secret holding the certificate (cert-manager fills it when an issuer is annotated).',
            schema: { type: 'string' },
          },
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

/** The values description of an app's chart: the base knobs, as its delivery kind reads them. */
export function valuesDoc(app: AppDefinition): Readonly<Record<string, ValueDoc>> {
  return app.delivery.module.valuesDoc(BASE_DOC);
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
    ...app.delivery.module.values?.(app, undefined, undefined),
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
    autoscaling:
      autoscaling === false
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
    ...app.delivery.module.values?.(app, settings, env),
  };
}

/** JSON Schema of the values, from VALUES_DOC; unknown keys are errors (a typo never passes silently). */
export function valuesSchema(app: AppDefinition): Record<string, unknown> {
  const toSchema = (node: ValueDoc): Record<string, unknown> =>
    node.children
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
