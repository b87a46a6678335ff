import { describe, expect, it } from 'vitest';

import { isCoreKind, validateCoreObject } from '../../src/validate/core-schemas.js';
import type { SchemaIssue } from '../../src/validate/schema-issue.js';

/** A fresh valid Deployment per test, so a test can break it freely. */
function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'shop' },
      annotations: { 'slipway.dev/source': 'apps/web.ts' },
    },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
        spec: {
          serviceAccountName: 'web',
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'web',
              image: 'ghcr.io/example/web:1.2.3',
              imagePullPolicy: 'IfNotPresent',
              args: ['--port=8080'],
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-db', key: 'password' } } },
              ],
              envFrom: [{ configMapRef: { name: 'web-config' } }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 10 },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'web-config', items: [{ key: 'app.yaml', path: 'app.yaml' }] } }],
        },
      },
    },
  };
}

const container = (d: Record<string, any>): Record<string, any> => d.spec.template.spec.containers[0];

function issueAt(issues: SchemaIssue[], path: string): SchemaIssue | undefined {
  return issues.find((i) => i.path === path);
}

describe('isCoreKind', () => {
  it('knows the built-in kinds the generators emit', () => {
    for (const [apiVersion, kind] of [
      ['v1', 'Service'],
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
      ['v1', 'Namespace'],
      ['v1', 'ServiceAccount'],
      ['v1', 'PersistentVolumeClaim'],
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'StatefulSet'],
      ['apps/v1', 'DaemonSet'],
      ['batch/v1', 'Job'],
      ['batch/v1', 'CronJob'],
      ['networking.k8s.io/v1', 'Ingress'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ] as const) {
      expect(isCoreKind(apiVersion, kind), `${apiVersion} ${kind}`).toBe(true);
    }
  });

  it('rejects custom resources, removed API versions and prototype keys', () => {
    expect(isCoreKind('argoproj.io/v1alpha1', 'Rollout')).toBe(false);
    expect(isCoreKind('extensions/v1beta1', 'Deployment')).toBe(false);
    expect(isCoreKind('apps/v1', 'Service')).toBe(false);
    expect(isCoreKind('constructor', 'Deployment')).toBe(false);
  });
});

describe('validateCoreObject: valid objects', () => {
  it('accepts a complete Deployment', () => {
    expect(validateCoreObject(deployment())).toEqual([]);
  });

  it('accepts a Service with a named and a numeric targetPort', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/name': 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
          { name: 'metrics', port: 9090, targetPort: 9090 },
        ],
      },
    };
    expect(validateCoreObject(service)).toEqual([]);
  });

  it('accepts an Ingress with TLS and a path-based rule', () => {
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }],
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }],
            },
          },
        ],
      },
    };
    expect(validateCoreObject(ingress)).toEqual([]);
  });

  it('accepts an autoscaling/v2 HorizontalPodAutoscaler with resource metrics and behavior', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
    };
    expect(validateCoreObject(hpa)).toEqual([]);
  });

  it('accepts a ConfigMap whose data keys look like anything', () => {
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config' },
      data: { 'app.yaml': 'port: 8080\n', LOG_LEVEL: 'info', lables: 'not a typo here: data keys are free' },
    };
    expect(validateCoreObject(configMap)).toEqual([]);
  });
});

describe('validateCoreObject: unknown fields', () => {
  it('reports a typo in a container field with its full path', () => {
    const d = deployment();
    container(d).imagePullPolcy = 'Always';
    expect(validateCoreObject(d)).toEqual([
      { path: 'spec.template.spec.containers[0].imagePullPolcy', message: 'unknown field "imagePullPolcy"' },
    ]);
  });

  it('reports spec.replica (missing s)', () => {
    const d = deployment();
    d.spec.replica = 3;
    expect(validateCoreObject(d)).toEqual([{ path: 'spec.replica', message: 'unknown field "replica"' }]);
  });

  it('reports metadata.lables but not the keys inside labels', () => {
    const d = deployment();
    d.metadata.lables = { app: 'web' };
    expect(validateCoreObject(d)).toEqual([{ path: 'metadata.lables', message: 'unknown field "lables"' }]);
  });

  it('reports unknown fields inside array items and nested objects of other kinds', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 3,
        // autoscaling/v1's field, not v2's: a classic mistake.
        targetCPUUtilizationPercentage: 80,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilisation: 70 } } }],
      },
    };
    expect(validateCoreObject(hpa).map((i) => i.path)).toEqual([
      'spec.metrics[0].resource.target.averageUtilisation',
      'spec.targetCPUUtilizationPercentage',
    ]);
  });

  it('reports an unknown top-level field', () => {
    const d = deployment();
    d.sepc = {};
    expect(validateCoreObject(d)).toEqual([{ path: 'sepc', message: 'unknown field "sepc"' }]);
  });
});

describe('validateCoreObject: types, required fields, enums', () => {
  it('reports a string where an integer is required', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    const issue = issueAt(validateCoreObject(d), 'spec.replicas');
    expect(issue?.message).toMatch(/expected integer, got string "two"/);
  });

  it('reports a container without a name', () => {
    const d = deployment();
    delete container(d).name;
    expect(validateCoreObject(d)).toEqual([{ path: 'spec.template.spec.containers[0].name', message: 'missing required field "name"' }]);
  });

  it('reports a value outside an enum with the allowed values', () => {
    const d = deployment();
    container(d).imagePullPolicy = 'Sometimes';
    const issue = issueAt(validateCoreObject(d), 'spec.template.spec.containers[0].imagePullPolicy');
    expect(issue?.message).toMatch(/"Sometimes".*"Always", "IfNotPresent", "Never"/);
  });

  it('reports an int-or-string field given neither, as one issue', () => {
    const d = deployment();
    d.spec.strategy.rollingUpdate.maxSurge = true;
    const issues = validateCoreObject(d);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('spec.strategy.rollingUpdate.maxSurge');
    expect(issues[0]?.message).toMatch(/expected (string or integer|integer or string)/);
  });

  it('reports a malformed resource quantity', () => {
    const d = deployment();
    container(d).resources.limits.memory = '256 megabytes';
    const issues = validateCoreObject(d);
    expect(issues.map((i) => i.path)).toEqual(['spec.template.spec.containers[0].resources.limits.memory']);
  });

  it('reports a missing metadata.name, which the OpenAPI schema alone does not', () => {
    const d = deployment();
    delete d.metadata.name;
    expect(validateCoreObject(d)).toEqual([{ path: 'metadata.name', message: 'missing required field "name"' }]);
  });

  it('reports every problem of an object at once', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    d.spec.replica = 2;
    container(d).imagePullPolcy = 'Always';
    delete container(d).name;
    expect(validateCoreObject(d).map((i) => i.path)).toEqual([
      'spec.replica',
      'spec.replicas',
      'spec.template.spec.containers[0].imagePullPolcy',
      'spec.template.spec.containers[0].name',
    ]);
  });

  it('returns an issue, not an exception, for a kind it has no schema for', () => {
    const issues = validateCoreObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'x' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/no built-in schema/);
  });

  it('validates the other listed kinds', () => {
    const objects: Record<string, unknown>[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' }, automountServiceAccountToken: false },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', stringData: { password: 'x' } },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly' },
        spec: {
          schedule: '0 3 * * *',
          jobTemplate: {
            spec: {
              backoffLimit: 1,
              template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox' }] } },
            },
          },
        },
      },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'web' },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } } }], ports: [{ port: 8080 }] }],
        },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
      },
    ];
    for (const obj of objects) expect(validateCoreObject(obj), String(obj['kind'])).toEqual([]);
  });
});
