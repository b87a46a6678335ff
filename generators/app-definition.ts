/**
 * What a platform team writes in `charts-src/<app>.ts`: `export default defineApp({...})`.
 *
 * The props follow cdk8s-plus conventions: every optional field documents its default, and the
 * defaults are resolved once, here, so the rest of slipway reads one complete `AppDefinition`.
 * `defineApp` checks nothing about its input beyond TypeScript's types: the loader validates the
 * result (it knows the file name to put in front of an error).
 */
import type { Construct } from 'constructs';
import { Delivery } from './delivery.js';
import { STOCK_NGINX_CAPABILITIES } from './rules/nginx.js';

/** Compute resources of the app's container, as Kubernetes quantities (`100m`, `128Mi`). */
export interface ResourceProps {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** HorizontalPodAutoscaler settings. */
export interface AutoscalingProps {
  /** @default 2 */
  readonly minReplicas?: number;
  /** @default 6 */
  readonly maxReplicas?: number;
  /** Average CPU utilization (percent of requests) the autoscaler aims for. @default 80 */
  readonly cpuUtilization?: number;
}

/** How the app is reached from outside the cluster. */
export interface IngressProps {
  /** @default true */
  readonly enabled?: boolean;
  /** IngressClass name. @default 'nginx' */
  readonly className?: string;
  /**
   * TLS: either the name of an existing certificate Secret, or a cert-manager ClusterIssuer that
   * issues one into `<app>-tls`.
   * @default - no TLS
   */
  readonly tls?: { readonly secretName: string } | { readonly clusterIssuer: string };
  /** Extra Ingress annotations. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An environment variable read from an existing Secret: its name and key, never its value. */
export interface SecretKeyRef {
  readonly secret: string;
  readonly key: string;
}

/**
 * Relaxations of the restricted Pod Security defaults. Each one is a deliberate choice the app's
 * definition should explain in a comment.
 */
export interface SecurityProps {
  /** @default true */
  readonly runAsNonRoot?: boolean;
  /** UID to run as; needed when the image declares no non-root USER. @default - the image's USER */
  readonly runAsUser?: number;
  /** @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Capabilities to add back after dropping ALL. The restricted level allows only NET_BIND_SERVICE;
   * anything more is a relaxation to explain (`Security.stockNginx()` does, for nginx images).
   * @default []
   */
  readonly addCapabilities?: readonly string[];
}

/** Ready-made `security` settings for images that cannot run under the restricted defaults. */
export const Security = {
  /**
   * A stock nginx image (`FROM nginx:*`): its master starts as root, binds :80, chowns its temp
   * paths and switches its workers to the `nginx` user, and it writes its pid and cache files
   * under /var. So: root allowed, a writable root filesystem, and exactly the capabilities that
   * start-up needs (CHOWN, NET_BIND_SERVICE, SETGID, SETUID; see generators/rules/nginx.ts).
   * Moving to an nginx-unprivileged image lets an app keep the restricted defaults instead.
   */
  stockNginx(): SecurityProps {
    return { runAsNonRoot: false, readOnlyRootFilesystem: false, addCapabilities: [...STOCK_NGINX_CAPABILITIES] };
  },
} as const;

/** What the escape hatch receives: stable facts about the app, the same in every environment. */
export interface ExtendContext {
  /** The app's name, also its Helm release name and the name of its main objects. */
  readonly name: string;
  /** Labels that select the app's pods. */
  readonly selectorLabels: Readonly<Record<string, string>>;
}

/** Properties for `defineApp`. */
export interface AppProps {
  /** DNS-1035 label (lowercase letters, digits, '-', starting with a letter): the app's name everywhere. */
  readonly name: string;
  /** Container image repository, without tag (environments set the tag). */
  readonly image: string;
  /** One-line description, used in Chart.yaml. @default - '<name> application' */
  readonly description?: string;
  /**
   * The app's reference version: the chart's `appVersion`, and the image tag the chart falls back
   * to when values set none. Environments always set their own tag.
   * @default 'latest'
   */
  readonly appVersion?: string;
  /** SemVer version of the generated Helm chart. @default '0.1.0' */
  readonly chartVersion?: string;
  /** Port the container listens on (HTTP). @default 8080 */
  readonly port?: number;
  /** HTTP path of the liveness and readiness probes. @default '/' */
  readonly probePath?: string;
  /** @default - requests cpu 50m, memory 64Mi; limits cpu 250m, memory 256Mi */
  readonly resources?: ResourceProps;
  /** Pods when not autoscaling. @default 2 */
  readonly replicas?: number;
  /** @default - off */
  readonly autoscaling?: AutoscalingProps | false;
  /** @default - enabled, class 'nginx', no TLS */
  readonly ingress?: IngressProps | false;
  /** Environment variables: literal values or references to existing Secrets. @default {} */
  readonly env?: Readonly<Record<string, string | SecretKeyRef>>;
  /**
   * Paths that stay writable under the read-only root filesystem (an emptyDir each), e.g. `/tmp`.
   * @default []
   */
  readonly writablePaths?: readonly string[];
  /** @default - the restricted Pod Security level, nothing relaxed */
  readonly security?: SecurityProps;
  /** @default Delivery.deployment() */
  readonly delivery?: Delivery;
  /**
   * Escape hatch: add any cdk8s construct (a ConfigMap, a CronJob...) to the app. Objects added
   * here are the same in every environment; slipway adds its standard labels to them.
   */
  readonly extend?: (scope: Construct, context: ExtendContext) => void;
}

/** Resolved container resources: every quantity set. */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** An app definition with every default resolved. */
export interface AppDefinition {
  readonly name: string;
  readonly image: string;
  readonly description: string;
  readonly appVersion: string;
  readonly chartVersion: string;
  readonly port: number;
  /** Whether the definition set `port` (canary delivery requires it). */
  readonly portDeclared: boolean;
  readonly probePath: string;
  readonly resources: Resources;
  readonly replicas: number;
  readonly autoscaling: Required<AutoscalingProps> & { readonly enabled: boolean };
  readonly ingress: {
    readonly enabled: boolean;
    readonly className: string;
    readonly tls: { readonly secretName: string; readonly clusterIssuer: string } | undefined;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: Readonly<Record<string, SecretKeyRef>>;
  readonly writablePaths: readonly string[];
  readonly security: Required<Omit<SecurityProps, 'runAsUser'>> & { readonly runAsUser: number | undefined };
  readonly delivery: Delivery;
  readonly extend: ((scope: Construct, context: ExtendContext) => void) | undefined;
  /** Marks the object as made by `defineApp`, so the loader can tell it from a stray export. */
  readonly kind: 'slipway.app';
}

const DEFAULT_RESOURCES: Resources = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '250m', memory: '256Mi' },
};

/** Defines one application of the catalog. */
export function defineApp(props: AppProps): AppDefinition {
  const autoscaling = props.autoscaling || undefined;
  const ingress = props.ingress === false ? { enabled: false } : (props.ingress ?? {});
  const env: Record<string, string> = {};
  const secretEnv: Record<string, SecretKeyRef> = {};
  for (const [key, value] of Object.entries(props.env ?? {})) {
    if (typeof value === 'string') env[key] = value;
    else secretEnv[key] = value;
  }
  const tls =
    ingress.tls === undefined
      ? undefined
      : 'secretName' in ingress.tls
        ? { secretName: ingress.tls.secretName, clusterIssuer: '' }
        : { secretName: `${props.name}-tls`, clusterIssuer: ingress.tls.clusterIssuer };
  return {
    kind: 'slipway.app',
    name: props.name,
    image: props.image,
    description: props.description ?? `${props.name} application`,
    appVersion: props.appVersion ?? 'latest',
    chartVersion: props.chartVersion ?? '0.1.0',
    port: props.port ?? 8080,
    portDeclared: props.port !== undefined,
    probePath: props.probePath ?? '/',
    resources: {
      requests: { ...DEFAULT_RESOURCES.requests, ...props.resources?.requests },
      limits: { ...DEFAULT_RESOURCES.limits, ...props.resources?.limits },
    },
    replicas: props.replicas ?? 2,
    autoscaling: {
      enabled: autoscaling !== undefined,
      minReplicas: autoscaling?.minReplicas ?? 2,
      maxReplicas: autoscaling?.maxReplicas ?? 6,
      cpuUtilization: autoscaling?.cpuUtilization ?? 80,
    },
    ingress: {
      enabled: ingress.enabled ?? true,
      className: ingress.className ?? 'nginx',
      tls,
      annotations: ingress.annotations ?? {},
    },
    env,
    secretEnv,
    writablePaths: props.writablePaths ?? [],
    security: {
      runAsNonRoot: props.security?.runAsNonRoot ?? true,
      runAsUser: props.security?.runAsUser,
      readOnlyRootFilesystem: props.security?.readOnlyRootFilesystem ?? true,
      addCapabilities: props.security?.addCapabilities ?? [],
    },
    delivery: props.delivery ?? Delivery.deployment(),
    extend: props.extend,
  };
}
