/** `Delivery.deployment()`: Deployment, Service, HPA, PDB and Ingress. */
import type { AppDefinition } from '../../app-definition.js';
import type { ValueSource } from '../../value-source.js';
import { podTemplate } from '../../objects/pod-template.js';
import { horizontalPodAutoscaler, podDisruptionBudget, replicas, service, type Document } from '../../objects/workload.js';

export function deploymentDocuments(app: AppDefinition, src: ValueSource): Document[] {
  return [
    { id: 'service', object: service(app, src) },
    {
      id: 'deployment',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: src.fullname(), labels: src.labels() },
        spec: {
          replicas: replicas(src),
          selector: { matchLabels: src.selectorLabels() },
          template: podTemplate(app, src),
        },
      },
    },
    { id: 'hpa', object: horizontalPodAutoscaler(src, { apiVersion: 'apps/v1', kind: 'Deployment' }) },
    { id: 'pdb', object: podDisruptionBudget(src) },
    { id: 'ingress', object: ingress(src) },
  ];
}

function ingress(src: ValueSource) {
  const host = src.scalar<string>('ingress.host');
  return src.when({ paths: ['ingress.enabled'] }, () => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: src.fullname(),
      labels: src.labels(),
      annotations: src.when({ paths: ['ingress.annotations'] }, () => src.block<Record<string, string>>('ingress.annotations')),
    },
    spec: {
      ingressClassName: src.when({ paths: ['ingress.className'] }, () => src.scalar<string>('ingress.className')),
      rules: [
        {
          host: src.when({ paths: ['ingress.host'] }, () => host),
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: src.fullname(), port: { name: 'http' } } } }] },
        },
      ],
      tls: src.when({ paths: ['ingress.tls.enabled'] }, () => [
        { hosts: [host], secretName: src.scalar<string>('ingress.tls.secretName') },
      ]),
    },
  }));
}
