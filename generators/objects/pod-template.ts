/**
 * The pod every delivery kind runs: the app's container with its probes and resources, under the
 * Kubernetes restricted Pod Security level unless the app relaxes a field on purpose.
 */
import type { AppDefinition } from '../app-definition.js';
import type { ValueSource } from '../value-source.js';

/** The pod: restricted Pod Security by default, relaxations only where the app asks. */
export function podSpec(app: AppDefinition, src: ValueSource): Record<string, unknown> {
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

/** The pod template: labels (the version label follows the tag; `extraLabels` beside) and the pod spec. */
export function podTemplate(app: AppDefinition, src: ValueSource, extraLabels?: Record<string, string>): Record<string, unknown> {
  return { metadata: { labels: src.labels(extraLabels) }, spec: podSpec(app, src) };
}
