/**
 * Argo CD objects slipway emits (argoproj.io/v1alpha1), typed for the fields slipway uses. The
 * test suite validates them against Argo CD's own CRDs, strictly.
 */
import { applicationName, enabledApps, type EnvDefinition } from './environment.js';
import type { K8sObject } from './app-objects.js';
import type { Delivery } from './delivery.js';
import {
  ARGOCD_CLUSTER,
  CHARTS,
  componentApplications,
  platformClusterKinds,
  type PlatformApplication,
  type PlatformContext,
} from './platform-components.js';

/** The fields of `Application.spec.source` slipway sets. */
export interface ApplicationSource {
  readonly repoURL: string;
  readonly targetRevision: string;
  /** A folder of the repo (env repo sources); upstream chart sources name `chart` instead. */
  readonly path?: string;
  readonly chart?: string;
  readonly helm?: {
    readonly releaseName: string;
    readonly valueFiles?: readonly string[];
    readonly valuesObject?: Record<string, unknown>;
  };
  readonly directory?: { readonly recurse: boolean };
}

/** A difference Argo CD ignores when comparing Git with the cluster. */
export interface IgnoreDifference {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly jsonPointers?: readonly string[];
  readonly jqPathExpressions?: readonly string[];
}

interface ApplicationProps {
  readonly name: string;
  readonly namespace: string;
  readonly project: string;
  readonly source: ApplicationSource;
  readonly destination: { readonly server: string; readonly namespace: string };
  readonly labels?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /** Argo CD sync wave (lower first). @default - none (wave 0) */
  readonly syncWave?: number;
  /** Extra sync options. @default [] */
  readonly syncOptions?: readonly string[];
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

interface AppProjectProps {
  readonly name: string;
  readonly namespace: string;
  readonly description: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: ReadonlyArray<{ readonly server: string; readonly namespace: string }>;
  readonly clusterResourceWhitelist: readonly GroupKind[];
  readonly namespaceResourceWhitelist: readonly GroupKind[];
}

/** Deletes an app's resources when its Application is deleted (and not before). */
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

function application(props: ApplicationProps): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: props.name,
      namespace: props.namespace,
      ...(props.labels ? { labels: { ...props.labels } } : {}),
      ...(props.syncWave !== undefined ? { annotations: { 'argocd.argoproj.io/sync-wave': String(props.syncWave) } } : {}),
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: props.project,
      source: props.source,
      destination: props.destination,
      syncPolicy: {
        // Git is the only way in: drift is undone (selfHeal) and removed objects are deleted (prune).
        automated: { selfHeal: true, prune: true },
        // RespectIgnoreDifferences: a sync leaves ignored fields as the cluster has them, too.
        syncOptions: [
          'CreateNamespace=true',
          ...(props.syncOptions ?? []),
          ...(props.ignoreDifferences ? ['RespectIgnoreDifferences=true'] : []),
        ],
        retry: structuredClone(SYNC_RETRY),
      },
      ...(props.ignoreDifferences ? { ignoreDifferences: props.ignoreDifferences.map((d) => structuredClone(d)) } : {}),
    },
  };
}

/**
 * Argo CD does not auto-sync the same commit again after a failed sync: without a retry, an
 * Application whose first sync failed (a custom resource applied before its CRD existed, a
 * webhook not yet serving) stays failed until the next commit. Retry with backoff, without limit:
 * a negative limit means unlimited attempts (Argo CD v3.4/v3.5 controller/appcontroller.go,
 * `processRequestedAppOperation`: `RetryCount < Retry.Limit || Retry.Limit < 0`; documented in
 * docs/user-guide/auto_sync.md). The backoff caps at 3 minutes.
 */
const SYNC_RETRY = { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } as const;

/**
 * Argo CD's rule, as slipway relies on it: an automated sync that failed is attempted again for
 * the same commit only under `retry` with a limit other than 0 (v3.5.1 controller/appcontroller.go,
 * `autoSync` and `alreadyAttemptedSync`: "Skipping auto-sync: failed previous sync attempt to %s
 * and will not retry" otherwise).
 */
export function retriesFailedSync(syncPolicy: { retry?: { limit?: number } } | undefined): boolean {
  const limit = syncPolicy?.retry?.limit;
  return limit !== undefined && limit !== 0;
}

function appProject(props: AppProjectProps): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: props.name, namespace: props.namespace, finalizers: [RESOURCES_FINALIZER] },
    spec: {
      description: props.description,
      sourceRepos: [...props.sourceRepos],
      destinations: props.destinations.map((d) => ({ ...d })),
      clusterResourceWhitelist: props.clusterResourceWhitelist.map((g) => ({ ...g })),
      namespaceResourceWhitelist: props.namespaceResourceWhitelist.map((g) => ({ ...g })),
    },
  };
}

/** The env's AppProject is named after the env. */
function projectName(env: EnvDefinition): string {
  return env.name;
}

/** Where the root Application reads the child Applications from. */
export const APPS_DIR = 'apps';

/**
 * Child Application of one app: Helm chart + this env's values, or a directory of manifests. The
 * app's delivery kind says what Argo CD must not count as drift.
 */
export function childApplication(env: EnvDefinition, app: string, delivery: Delivery): K8sObject {
  const { ignoreDifferences } = delivery.module;
  const source: ApplicationSource =
    env.render === 'helm'
      ? {
          repoURL: env.repo.url,
          targetRevision: env.repo.branch,
          path: `charts/${app}`,
          // Release name = app name, so object names stay the app's name whatever the Application is called.
          helm: { releaseName: app, valueFiles: [`../../values/${app}.yaml`] },
        }
      : { repoURL: env.repo.url, targetRevision: env.repo.branch, path: `manifests/${app}`, directory: { recurse: false } };
  return application({
    name: applicationName(env, app),
    namespace: env.argocdNamespace,
    project: projectName(env),
    labels: { 'slipway.dev/env': env.name, 'slipway.dev/app': app },
    source,
    destination: { server: env.cluster.server, namespace: env.namespace },
    ...(ignoreDifferences ? { ignoreDifferences } : {}),
    // After every platform component (negative waves): the controllers its kinds need run first.
    ...(env.platform.length ? { syncWave: 0 } : {}),
  });
}

/**
 * A fleet env: one ApplicationSet per app, whose list generator names each cluster; Argo CD (the
 * engine that already runs across clusters) fans it out. Its template is the single-cluster
 * Application with the cluster's name and URL as parameters and the cluster's values file on top.
 */
export function fleetApplicationSet(env: EnvDefinition, app: string, delivery: Delivery): K8sObject {
  const template = childApplication({ ...env, cluster: { name: '{{.cluster}}', server: '{{.url}}' } }, app, delivery) as K8sObject & {
    spec: { source: ApplicationSource & { helm: { valueFiles: string[] } } };
  };
  template.spec.source.helm.valueFiles = [...template.spec.source.helm.valueFiles, `../../values/${app}.{{.cluster}}.yaml`];
  template.metadata.name = `${applicationName(env, app)}-{{.cluster}}`;
  return applicationSet({
    name: applicationName(env, app),
    namespace: env.argocdNamespace,
    labels: { 'slipway.dev/env': env.name, 'slipway.dev/app': app },
    clusters: (env.fleet ?? []).map((c) => ({ cluster: c.name, url: c.server })),
    template,
  });
}

/** The env's AppProject for platform components. */
function platformProjectName(env: EnvDefinition): string {
  return `${env.name}-platform`;
}

/** The clusters one platform Application goes to: Argo CD's own, or every cluster of the env. */
function platformServers(env: EnvDefinition, pa: PlatformApplication): string[] {
  if (pa.clusters === 'argocd') return [ARGOCD_CLUSTER];
  return (env.fleet ?? [env.cluster]).map((c) => c.server);
}

/**
 * Applications of the env's platform components, in the `<env>-platform` project. In a fleet env
 * a component that runs on every cluster is one ApplicationSet over the fleet, as the apps are,
 * so each cluster gets its controllers (Argo CD itself stays on the cluster it runs in).
 */
export function platformApplications(env: EnvDefinition, context: PlatformContext): K8sObject[] {
  return env.platform.flatMap((choice) =>
    componentApplications(env, choice.component, context).map((pa) => {
      const source: ApplicationSource =
        'chart' in pa.source
          ? {
              repoURL: CHARTS[pa.source.chart]!.repoURL,
              chart: CHARTS[pa.source.chart]!.chart,
              // An env may pin another version of a component's main chart.
              targetRevision: choice.version && pa.name === choice.component ? choice.version : CHARTS[pa.source.chart]!.version,
              helm: { releaseName: pa.releaseName ?? pa.name, valuesObject: pa.source.values },
            }
          : { repoURL: env.repo.url, targetRevision: env.repo.branch, path: pa.source.path, directory: { recurse: false } };
      const labels = { 'slipway.dev/env': env.name, 'slipway.dev/platform': pa.component };
      const props = (name: string, server: string): ApplicationProps => ({
        name,
        namespace: env.argocdNamespace,
        project: platformProjectName(env),
        labels,
        source,
        destination: { server, namespace: pa.namespace },
        syncWave: pa.wave,
        // Large CRDs exceed client-side apply's annotation limit; CRs of CRDs installed in the same sync skip the dry run.
        syncOptions: ['ServerSideApply=true', 'SkipDryRunOnMissingResource=true'],
        ...(pa.ignoreDifferences ? { ignoreDifferences: pa.ignoreDifferences } : {}),
      });
      const name = `${env.name}-${pa.name}`;
      if (!env.fleet || pa.clusters === 'argocd') return application(props(name, platformServers(env, pa)[0]!));
      return applicationSet({
        name,
        namespace: env.argocdNamespace,
        labels,
        syncWave: pa.wave,
        clusters: env.fleet.map((c) => ({ cluster: c.name, url: c.server })),
        template: application(props(`${name}-{{.cluster}}`, '{{.url}}')),
      });
    }),
  );
}

/**
 * An ApplicationSet whose list generator names each cluster (`{{.cluster}}`, `{{.url}}`), with a
 * full Application as its template: Argo CD fans it out, one Application per cluster.
 */
function applicationSet(props: {
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  syncWave?: number;
  clusters: ReadonlyArray<{ cluster: string; url: string }>;
  template: K8sObject;
}): K8sObject {
  const { metadata, spec } = props.template;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: {
      name: props.name,
      namespace: props.namespace,
      labels: { ...props.labels },
      ...(props.syncWave !== undefined ? { annotations: { 'argocd.argoproj.io/sync-wave': String(props.syncWave) } } : {}),
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: props.clusters.map((c) => ({ ...c })) } }],
      template: { metadata, spec },
    },
  };
}

/**
 * The platform project: the components' chart repos (and this env repo, for config it holds),
 * their namespaces on each cluster they go to, the cluster-scoped kinds they install. Namespaced
 * kinds are not listed one by one: upstream charts change them between versions; the
 * destinations bound where they go.
 */
export function platformProject(env: EnvDefinition, context: PlatformContext): K8sObject {
  const apps = env.platform.flatMap((choice) => componentApplications(env, choice.component, context));
  const repos = [...new Set(apps.map((pa) => ('chart' in pa.source ? CHARTS[pa.source.chart]!.repoURL : env.repo.url)))].sort();
  const destinations = new Map<string, { server: string; namespace: string }>();
  for (const pa of apps)
    for (const server of platformServers(env, pa)) destinations.set(`${server} ${pa.namespace}`, { server, namespace: pa.namespace });
  return appProject({
    name: platformProjectName(env),
    namespace: env.argocdNamespace,
    description: `slipway environment ${env.name}: platform components (${env.platform.map((p) => p.component).join(', ')})`,
    sourceRepos: repos,
    destinations: [...destinations.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.server.localeCompare(b.server)),
    clusterResourceWhitelist: platformClusterKinds(),
    namespaceResourceWhitelist: [{ group: '*', kind: '*' }],
  });
}

/** The root's AppProject: `<env>-root`. */
function rootProjectName(env: EnvDefinition): string {
  return `${env.name}-root`;
}

/** The kinds the root syncs from `apps/`. */
function rootKinds(env: EnvDefinition): GroupKind[] {
  return [{ group: 'argoproj.io', kind: 'Application' }, ...(env.fleet ? [{ group: 'argoproj.io', kind: 'ApplicationSet' }] : [])];
}

/**
 * The root's project: it may only create Applications (and ApplicationSets) in Argo CD's
 * namespace, from this env repo. Kept apart from the apps' project, which may not create them at
 * all: an app chart that could create an Application could name any project, the platform one
 * included (CRDs, ClusterRoles, any kind anywhere).
 */
export function rootProject(env: EnvDefinition): K8sObject {
  return appProject({
    name: rootProjectName(env),
    namespace: env.argocdNamespace,
    description: `slipway environment ${env.name}: the App-of-Apps (apps/ of the env repo)`,
    sourceRepos: [env.repo.url],
    destinations: [{ server: ARGOCD_CLUSTER, namespace: env.argocdNamespace }],
    clusterResourceWhitelist: [],
    namespaceResourceWhitelist: rootKinds(env),
  });
}

/** The App-of-Apps: syncs `apps/`, which holds one child Application per app. */
export function rootApplication(env: EnvDefinition): K8sObject {
  return application({
    name: `${env.name}-root`,
    namespace: env.argocdNamespace,
    project: rootProjectName(env),
    labels: { 'slipway.dev/env': env.name },
    source: { repoURL: env.repo.url, targetRevision: env.repo.branch, path: APPS_DIR, directory: { recurse: false } },
    // The root creates Applications, which live in Argo CD's namespace on the cluster Argo CD runs in.
    destination: { server: ARGOCD_CLUSTER, namespace: env.argocdNamespace },
  });
}

/**
 * Least privilege for the apps: the env repo only; the env's namespace on its clusters; exactly
 * the kinds the env renders, never Argo CD's own; `Namespace` only at cluster scope, because
 * `CreateNamespace=true` creates it.
 */
export function envProject(env: EnvDefinition, renderedKinds: readonly GroupKind[]): K8sObject {
  const kinds = new Map<string, GroupKind>();
  for (const gk of renderedKinds) kinds.set(`${gk.group}/${gk.kind}`, gk);
  const destinations = (env.fleet ?? [env.cluster]).map((c) => ({ server: c.server, namespace: env.namespace }));
  const unique = new Map(destinations.map((d) => [`${d.server} ${d.namespace}`, d]));
  return appProject({
    name: projectName(env),
    namespace: env.argocdNamespace,
    description: `slipway environment ${env.name}: ${enabledApps(env).join(', ') || 'no apps'}`,
    sourceRepos: [env.repo.url],
    destinations: [...unique.values()],
    clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    namespaceResourceWhitelist: [...kinds.values()].sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`)),
  });
}

/** The Application spec of an Application, or of an ApplicationSet's template. */
export function applicationSpec(obj: K8sObject): {
  project: string;
  source: ApplicationSource;
  destination: { server: string; namespace: string };
  ignoreDifferences?: IgnoreDifference[];
} {
  const spec = obj.spec as Record<string, unknown>;
  return (obj.kind === 'ApplicationSet' ? (spec.template as { spec: unknown }).spec : spec) as ReturnType<typeof applicationSpec>;
}

/** API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}
