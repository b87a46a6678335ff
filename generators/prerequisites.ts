/**
 * What each cluster must have for an env to come up, per cluster: the platform components its
 * apps' kinds need (inference), and what slipway can see is needed but does not provide (a load
 * balancer, a StorageClass, an ingress controller, Secrets made outside Git...). Once sync waves
 * wait on health, a missing prerequisite is not a warning on a dashboard but a blocked env.
 */
import type { AppDefinition } from './app-definition.js';
import type { K8sObject } from './app-objects.js';
import { enabledApps, type ClusterRef, type EnvDefinition } from './environment.js';
import { componentApplications, type PlatformComponent, type PlatformContext, type SecretNeed } from './platform-components.js';

/** A component an app needs on one of its clusters, that no env on that cluster declares. */
export interface MissingComponents {
  readonly env: string;
  readonly cluster: string;
  readonly app: string;
  readonly missing: readonly PlatformComponent[];
}

/** Something a cluster must provide that slipway does not install. */
export interface Prerequisite {
  readonly env: string;
  readonly cluster: string;
  /** What needs it: an app, or a platform component. */
  readonly for: string;
  readonly need: string;
  /** When the need is a Secret made outside Git: which, so the hand-over can say how to make it. */
  readonly secret?: SecretNeed;
}

/** The clusters an env deploys to: its fleet, or its one cluster. */
export function envClusters(env: EnvDefinition): readonly ClusterRef[] {
  return env.fleet ?? [env.cluster];
}

/** Platform components installed on a cluster (by API server URL), by whichever env declares them. */
export function componentsOn(envs: readonly EnvDefinition[], server: string): Set<PlatformComponent> {
  return new Set(envs.filter((e) => envClusters(e).some((c) => c.server === server)).flatMap((e) => e.platform.map((p) => p.component)));
}

/** Another env that installs platform components on clusters an env runs on. */
export interface PlatformPeer {
  readonly env: string;
  /** The clusters both run on, by the env's names for them. */
  readonly clusters: readonly string[];
  /** What it installs (its `platform:`), in its order. */
  readonly components: readonly PlatformComponent[];
}

/** The other envs whose `platform:` installs controllers on `env`'s clusters, by name. */
export function platformPeers(env: EnvDefinition, everyEnv: readonly EnvDefinition[]): PlatformPeer[] {
  const mine = envClusters(env);
  return everyEnv
    .filter((e) => e.name !== env.name && e.platform.length > 0)
    .map((e) => {
      const servers = new Set(envClusters(e).map((c) => c.server));
      return {
        env: e.name,
        clusters: mine.filter((c) => servers.has(c.server)).map((c) => c.name),
        components: e.platform.map((p) => p.component),
      };
    })
    .filter((p) => p.clusters.length > 0)
    .sort((a, b) => a.env.localeCompare(b.env));
}

/**
 * Inference, per cluster: a canary app needs Argo Rollouts, Istio and Prometheus there, a Knative
 * app Knative Serving (on Istio). Components count when any env on the same cluster declares
 * them (one cluster's controllers are installed once).
 */
export function missingComponents(
  apps: readonly AppDefinition[],
  envs: readonly EnvDefinition[],
  everyEnv: readonly EnvDefinition[] = envs,
): MissingComponents[] {
  const byName = new Map(apps.map((a) => [a.name, a]));
  const out: MissingComponents[] = [];
  for (const env of envs) {
    for (const cluster of envClusters(env)) {
      const have = componentsOn(everyEnv, cluster.server);
      for (const name of enabledApps(env)) {
        // The app's own kind says what it needs (a kind added in a test, too).
        const needed = byName.get(name)?.delivery.module.requires ?? [];
        const missing = needed.filter((c) => !have.has(c));
        if (missing.length) out.push({ env: env.name, cluster: cluster.name, app: name, missing });
      }
    }
  }
  return out;
}

/** A Secret as a prerequisite. */
function secretNeed(secret: SecretNeed): { need: string; secret: SecretNeed } {
  return {
    need: `Secret '${secret.name}' in namespace '${secret.namespace}' (keys ${secret.keys.join(', ')}), created outside Git`,
    secret,
  };
}

/** Prerequisites the objects of one app show. */
function appPrerequisites(
  objects: readonly K8sObject[],
  namespace: string,
  components: ReadonlySet<PlatformComponent>,
): Array<{ need: string; secret?: SecretNeed }> {
  const needs: string[] = [];
  for (const obj of objects) {
    if (obj.kind === 'HorizontalPodAutoscaler' && !components.has('metrics-server')) {
      needs.push(
        'the resource metrics API for its HorizontalPodAutoscaler (metrics-server: add it to platform:, unless the cluster has it)',
      );
    }
    if (obj.kind === 'Ingress') {
      const spec = obj.spec as { ingressClassName?: string };
      needs.push(`an ingress controller for IngressClass '${spec.ingressClassName ?? '(the default class)'}'`);
      const issuer = (obj.metadata.annotations as Record<string, string> | undefined)?.['cert-manager.io/cluster-issuer'];
      if (issuer) {
        if (!components.has('cert-manager')) needs.push('cert-manager for its TLS certificate (add cert-manager to platform:)');
        needs.push(`the cert-manager ClusterIssuer '${issuer}'`);
      }
    }
  }
  return [...[...new Set(needs)].map((need) => ({ need })), ...secretRefs(objects, namespace).map(secretNeed)];
}

/** The Secrets an app's pods read (env secretKeyRef, envFrom, volumes), with the keys they name. */
function secretRefs(objects: readonly K8sObject[], namespace: string): SecretNeed[] {
  const keys = new Map<string, Set<string>>();
  const add = (name: string, key?: unknown) => {
    const set = keys.get(name) ?? new Set<string>();
    if (typeof key === 'string') set.add(key);
    keys.set(name, set);
  };
  const walk = (node: unknown, key: string) => {
    if (Array.isArray(node))
      node.forEach((n) => {
        walk(n, key);
      });
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if ((key === 'secretKeyRef' || key === 'secretRef') && typeof record.name === 'string') add(record.name, record.key);
      if (key === 'secret' && typeof record.secretName === 'string') add(record.secretName);
      for (const [k, v] of Object.entries(record)) walk(v, k);
    }
  };
  for (const obj of objects) walk(obj, '');
  return [...keys.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, set]) => ({ name, namespace, keys: [...set].sort() }));
}

/**
 * Every prerequisite of every env in `envs` (`everyEnv` adds the envs sharing their clusters), per cluster: from the apps' rendered objects, and from the
 * platform components an env installs (what each says it needs of the cluster).
 */
export function prerequisites(
  envs: readonly EnvDefinition[],
  everyEnv: readonly EnvDefinition[],
  rendered: ReadonlyMap<string, ReadonlyArray<{ app: string; objects: readonly K8sObject[] }>>,
  contextOf: (env: EnvDefinition) => PlatformContext,
): Prerequisite[] {
  const out: Prerequisite[] = [];
  for (const env of envs) {
    for (const cluster of envClusters(env)) {
      const components = componentsOn(everyEnv, cluster.server);
      for (const { app, objects } of rendered.get(env.name) ?? []) {
        for (const need of appPrerequisites(objects, env.namespace, components))
          out.push({ env: env.name, cluster: cluster.name, for: app, ...need });
      }
      for (const choice of env.platform) {
        for (const pa of componentApplications(env, choice.component, contextOf(env))) {
          for (const need of pa.prerequisites ?? []) out.push({ env: env.name, cluster: cluster.name, for: pa.name, need });
          for (const secret of pa.secrets ?? []) out.push({ env: env.name, cluster: cluster.name, for: pa.name, ...secretNeed(secret) });
        }
      }
    }
  }
  return out;
}
