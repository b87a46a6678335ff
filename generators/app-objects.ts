/**
 * The Kubernetes objects of one app, built on cdk8s from a `ValueSource` (see value-source.ts):
 * the same code yields an environment's manifests and the chart's templates.
 *
 * Objects are cdk8s `ApiObject`s with JSON we write field by field, not cdk8s-plus L2 constructs:
 * cdk8s-plus would add a startupProbe, `imagePullPolicy: Always` and a `cdk8s.io/metadata.addr`
 * selector label, and its typed setters cannot carry Helm expressions. cdk8s-plus stays available
 * to apps through the `extend` escape hatch.
 */
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import type { AppDefinition } from './app-definition.js';
import { isMarker, MARKER, selectorLabelsOf, type Condition, type ValueSource } from './value-source.js';

export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name?: string };
};

/** Builds an app's objects, in a stable order (the order cdk8s keeps: construct creation). */
export function buildAppObjects(app: AppDefinition, src: ValueSource): K8sObject[] {
  // One App per generated app: cdk8s synthesis of one App with many charts is quadratic.
  const cdkApp = new App({ outdir: '/dev/null' });
  const chart = new Chart(cdkApp, app.name);
  const name = src.fullname();
  const metadata = (extra: Record<string, unknown> = {}) => ({ name, labels: src.labels(), ...extra });

  new ApiObject(chart, 'service', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(),
    spec: {
      type: 'ClusterIP',
      selector: src.selectorLabels(),
      ports: [{ name: 'http', port: app.port, targetPort: 'http', protocol: 'TCP' }],
    },
  });
  new ApiObject(chart, 'deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(),
    spec: {
      // With autoscaling the HPA owns the count; a fixed field would fight it on every sync.
      replicas: src.when({ paths: ['autoscaling.enabled'], negate: true }, () => src.scalar<number>('replicaCount')),
      selector: { matchLabels: src.selectorLabels() },
      template: { metadata: { labels: src.labels() }, spec: podSpec(app, src) },
    },
  });
  addHpa(chart, app, src, name);
  addIngress(chart, app, src, name);

  const own = new Set(chart.node.findAll());
  app.extend?.(chart, { name: app.name, selectorLabels: selectorLabelsOf(app.name) });
  // Objects from the escape hatch get the standard labels too, next to their own.
  for (const node of chart.node.findAll()) {
    if (own.has(node) || !(node instanceof ApiObject)) continue;
    const labels = (node.metadata.toJson() as { labels?: Record<string, string> }).labels ?? {};
    node.addJsonPatch(JsonPatch.add('/metadata/labels', src.labels(labels)));
  }
  return chart.toJson() as K8sObject[];
}

/** The pod: restricted Pod Security by default, relaxations only where the app asks. */
function podSpec(app: AppDefinition, src: ValueSource): Record<string, unknown> {
  const probe = (extra: Record<string, unknown>) => ({
    httpGet: { path: app.probePath, port: 'http' },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
    ...extra,
  });
  const volumes = app.writablePaths.map((path, i) => ({ name: `writable-${i}`, mountPath: path }));
  return {
    // The app talks to no Kubernetes API; a mounted token would only be something to steal.
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: app.security.runAsNonRoot,
      ...(app.security.runAsUser !== undefined ? { runAsUser: app.security.runAsUser } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: app.name,
        image: src.str`${'image.repository'}:${'image.tag'}`,
        imagePullPolicy: src.scalar<string>('image.pullPolicy'),
        ports: [{ name: 'http', containerPort: app.port, protocol: 'TCP' }],
        env: src.envList(),
        readinessProbe: probe({}),
        livenessProbe: probe({ initialDelaySeconds: 10 }),
        resources: src.block('resources'),
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'], ...(app.security.addCapabilities.length ? { add: [...app.security.addCapabilities] } : {}) },
          readOnlyRootFilesystem: app.security.readOnlyRootFilesystem,
          runAsNonRoot: app.security.runAsNonRoot,
        },
        volumeMounts: volumes.length ? volumes : undefined,
      },
    ],
    volumes: volumes.length ? volumes.map((v) => ({ name: v.name, emptyDir: {} })) : undefined,
  };
}

function addHpa(chart: Chart, app: AppDefinition, src: ValueSource, name: string): void {
  const spec = src.when({ paths: ['autoscaling.enabled'] }, () => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, labels: src.labels() },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: src.scalar<number>('autoscaling.minReplicas'),
      maxReplicas: src.scalar<number>('autoscaling.maxReplicas'),
      metrics: [{
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: src.scalar<number>('autoscaling.targetCPUUtilizationPercentage') } },
      }],
    },
  }));
  addDocument(chart, 'hpa', spec);
}

function addIngress(chart: Chart, app: AppDefinition, src: ValueSource, name: string): void {
  const host = src.scalar<string>('ingress.host');
  const spec = src.when({ paths: ['ingress.enabled'] }, () => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      labels: src.labels(),
      annotations: src.when({ paths: ['ingress.annotations'] }, () => src.block('ingress.annotations')),
    },
    spec: {
      ingressClassName: src.when({ paths: ['ingress.className'] }, () => src.scalar<string>('ingress.className')),
      rules: [{
        host: src.when({ paths: ['ingress.host'] }, () => host),
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] },
      }],
      tls: src.when({ paths: ['ingress.tls.enabled'] }, () => [{ hosts: [host], secretName: src.scalar<string>('ingress.tls.secretName') }]),
    },
  }));
  addDocument(chart, 'ingress', spec);
}

/** Adds a document that a toggle may leave out (see `ValueSource.when`). */
function addDocument(chart: Chart, id: string, doc: K8sObject | undefined): void {
  if (doc === undefined) return;
  if (isMarker(doc)) {
    const data = doc[MARKER] as { condition: Condition; value: K8sObject };
    new ConditionalObject(chart, id, data.condition, data.value);
  } else {
    new ApiObject(chart, id, doc);
  }
}

/** An object the chart renders only when a condition holds: serializes to a `when` marker. */
class ConditionalObject extends ApiObject {
  private readonly condition: Condition;

  constructor(scope: Chart, id: string, condition: Condition, props: K8sObject) {
    super(scope, id, props);
    this.condition = condition;
  }

  override toJson(): any {
    return { [MARKER]: { op: 'when', condition: this.condition, value: super.toJson() } };
  }
}
