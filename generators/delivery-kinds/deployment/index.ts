/**
 * `Delivery.deployment()`, the default: a Deployment with its Service, an HPA when autoscaling
 * is on, a PDB when more than one pod runs, and an Ingress when the app is exposed. It reads
 * every base knob of the chart and needs no platform component of slipway's (an ingress
 * controller and the metrics API are cluster prerequisites, see prerequisites.ts).
 */
import { defineDeliveryKind } from '../delivery-kind.js';
import { deploymentDocuments } from './objects.js';

export const deploymentKind = defineDeliveryKind<undefined>({
  name: 'deployment',
  documents: deploymentDocuments,
  projectKinds: [
    { group: '', kind: 'Service' },
    { group: 'apps', kind: 'Deployment' },
    { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
    { group: 'policy', kind: 'PodDisruptionBudget' },
    { group: 'networking.k8s.io', kind: 'Ingress' },
  ],
  valuesDoc: (base) => base,
  notes: (app, name) => `{{- if .Values.ingress.enabled }}

It answers on http{{ if .Values.ingress.tls.enabled }}s{{ end }}://{{ .Values.ingress.host }}/ (Ingress class {{ .Values.ingress.className }}).
{{- else }}

It has no Ingress. From inside the cluster: http://${name}.{{ .Release.Namespace }}.svc.cluster.local:${app.port}/
{{- end }}`,
  requires: [],
});
