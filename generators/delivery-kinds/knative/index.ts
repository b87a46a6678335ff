/**
 * `Delivery.knative({...})`: one Knative Service that scales to zero, and a DomainMapping per
 * environment host (the book's serverless chapter); Knative creates the Deployment, Service and
 * autoscaler itself. props.ts holds the props and rules, objects.ts the objects, values.ts the
 * chart's knobs, env-schema.ts what env files may override.
 */
import { MAX_REPLICAS, REPLICAS_CEILING } from '../../limits.js';
import { defineDeliveryKind } from '../delivery-kind.js';
import { KNATIVE_ENV_OVERRIDE } from './env-schema.js';
import { knativeDocuments } from './objects.js';
import { checkKnative, type KnativeProps, type KnativeSettings } from './props.js';
import { effectiveKnative, knativeValues, knativeValuesDoc, type KnativeValues } from './values.js';

declare module '../../delivery.js' {
  interface Delivery {
    /** The Knative Service's settings, when `kind` is 'knative'. */
    readonly knative?: KnativeSettings;
  }
}
declare module '../../environment.js' {
  interface DeliveryOverrides {
    readonly knative?: KnativeProps;
  }
}
declare module '../../chart-values.js' {
  interface ChartValues {
    /** Knative delivery only. */
    readonly knative?: KnativeValues;
  }
}

export const knativeKind = defineDeliveryKind<KnativeSettings>({
  name: 'knative',
  documents: knativeDocuments,
  projectKinds: [
    { group: 'serving.knative.dev', kind: 'Service' },
    { group: 'serving.knative.dev', kind: 'DomainMapping' },
  ],
  templateFileNames: { 'serving.knative.dev/Service': 'knative-service' },
  valuesDoc: knativeValuesDoc,
  values: (app, settings) => ({ knative: knativeValues(app, settings) }),
  notes: (_app, name) => `{{- if .Values.ingress.enabled }}

It answers on http://{{ .Values.ingress.host }}/ through its DomainMapping (Knative must allow the domain).
{{- else }}

It is cluster-local: http://${name}.{{ .Release.Namespace }}.svc.cluster.local/
{{- end }}
Knative scales it from {{ .Values.knative.minScale }} to {{ .Values.knative.maxScale }} pods{{ if eq (int .Values.knative.minScale) 0 }}; the first request after a quiet spell waits for a pod to start{{ end }}.`,
  // Knative Serving (through slipway's KnativeServing), networked by Istio's gateways.
  requires: ['knative-serving', 'istio'],
  envOverride: KNATIVE_ENV_OVERRIDE,
  checkDefinition: (app) => {
    const knative = app.delivery.knative!;
    const ceiling = (field: string, n: unknown): Array<[string, string]> =>
      Number.isInteger(n) && (n as number) > MAX_REPLICAS ? [[field, `${n as number} is above ${MAX_REPLICAS}, ${REPLICAS_CEILING}`]] : [];
    return [
      ...checkKnative(knative, 'delivery'),
      ...ceiling('delivery.minScale', knative.minScale),
      ...ceiling('delivery.maxScale', knative.maxScale),
    ];
  },
  checkOverride: (app, settings, field) => {
    // Checked merged with the app's settings (min-scale against max-scale, metric against
    // min-scale), but only fields the environment sets are blamed on its file.
    const set = new Set(Object.keys(settings.delivery?.knative ?? {}));
    return checkKnative(effectiveKnative(app, settings), field).filter(([f]) => {
      const key = f.slice(`${field}.`.length).split(/[.[]/)[0]!;
      return set.has(key) || (key === 'minScale' && set.has('maxScale')) || (key === 'metric' && set.has('minScale'));
    });
  },
});
