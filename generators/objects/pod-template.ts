/**
 * The pod every delivery kind runs: the app's container with its probes and resources, under the
 * Kubernetes restricted Pod Security level unless the app relaxes a field on purpose.
 */
import type { AppDefinition } from '../app-definition.js';
import type { ValueSource } from '../value-source.js';

/** How a container exposes its port; Knative wants its own port name and fills probe ports itself. */
export interface ContainerOptions {
  /** @default 'http' */
  readonly portName?: string;
  /** Probe the named port (`http`), or leave the port to the platform. @default true */
  readonly probePort?: boolean;
  /** Put seccomp and runAsUser on the container (when the pod-level securityContext is not allowed). @default false */
  readonly containerLevelSecurity?: boolean;
}

/** emptyDirs that keep paths writable under the read-only root filesystem. */
function writableVolumes(app: AppDefinition) {
  return app.writablePaths.map((path, i) => ({ name: `writable-${i}`, mountPath: path }));
}

/** The app's container. */
export function container(app: AppDefinition, src: ValueSource, options: ContainerOptions = {}): Record<string, unknown> {
  const probe = (extra: Record<string, unknown>) => ({
    httpGet: { path: app.probePath, ...(options.probePort === false ? {} : { port: 'http' }) },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
    ...extra,
  });
  const mounts = writableVolumes(app);
  return {
    name: app.name,
    image: src.str`${'image.repository'}:${'image.tag'}`,
    imagePullPolicy: src.scalar<string>('image.pullPolicy'),
    ports: [{ name: options.portName ?? 'http', containerPort: app.port, protocol: 'TCP' }],
    env: src.envList(),
    readinessProbe: probe({}),
    livenessProbe: probe({ initialDelaySeconds: 10 }),
    resources: src.block('resources'),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], ...(app.security.addCapabilities.length ? { add: [...app.security.addCapabilities] } : {}) },
      readOnlyRootFilesystem: app.security.readOnlyRootFilesystem,
      runAsNonRoot: app.security.runAsNonRoot,
      ...(options.containerLevelSecurity
        ? {
            ...(app.security.runAsUser !== undefined ? { runAsUser: app.security.runAsUser } : {}),
            seccompProfile: { type: 'RuntimeDefault' },
          }
        : {}),
    },
    volumeMounts: mounts.length ? mounts : undefined,
  };
}

/** Pod-level fields every delivery kind sets: no token, the writable emptyDirs. */
export function podBasics(app: AppDefinition): Record<string, unknown> {
  const volumes = writableVolumes(app);
  return {
    // The app talks to no Kubernetes API; a mounted token would only be something to steal.
    automountServiceAccountToken: false,
    volumes: volumes.length ? volumes.map((v) => ({ name: v.name, emptyDir: {} })) : undefined,
  };
}

/** The pod: restricted Pod Security by default, relaxations only where the app asks. */
function podSpec(app: AppDefinition, src: ValueSource): Record<string, unknown> {
  return {
    ...podBasics(app),
    securityContext: {
      runAsNonRoot: app.security.runAsNonRoot,
      ...(app.security.runAsUser !== undefined ? { runAsUser: app.security.runAsUser } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container(app, src)],
  };
}

/** The pod template: labels (the version label follows the tag; `extraLabels` beside) and the pod spec. */
export function podTemplate(app: AppDefinition, src: ValueSource, extraLabels?: Record<string, string>): Record<string, unknown> {
  return { metadata: { labels: src.labels(extraLabels) }, spec: podSpec(app, src) };
}
