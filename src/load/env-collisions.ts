/**
 * Checks across environments of names that must not meet: two envs writing one env repo, two
 * Argo CD objects of one name, two apps' objects in one namespace. Each would make one thing
 * silently replace another (bootstrap overwriting a repo, Argo CD fighting over an Application),
 * so they are refused at load time, naming both sides.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppDefinition } from '../../generators/app-definition.js';
import { enabledApps, type EnvDefinition, type EnvRepo } from '../../generators/environment.js';
import { ARGOCD_CLUSTER, componentApplications } from '../../generators/platform-components.js';
import { envClusters } from '../../generators/prerequisites.js';
import { formatProblem, type Problems } from '../core/config-error.js';
import type { EnvFile } from './load-envs.js';
import { githubHost } from './load-envs.js';

/** Two envs may not share an env repo and branch: bootstrap and promotions would overwrite each other's tree. */
export function checkEnvRepos(envFiles: readonly EnvFile[], root: string, problems: Problems): void {
  // Hosts whose paths are case-insensitive: GitHub's, and any GitHub Enterprise an env names.
  const githubHosts = new Set(['github.com']);
  for (const { definition: env } of envFiles) {
    if (env.repo.kind === 'github') githubHosts.add(githubHost(env.repo.github?.apiUrl ?? 'https://api.github.com')!.toLowerCase());
  }
  const seen = new Map<string, EnvFile>();
  for (const envFile of envFiles) {
    const { repo } = envFile.definition;
    const key = `${repoIdentity(repo, root, githubHosts)}#${repo.branch}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, envFile);
      continue;
    }
    const same = first.definition.repo.location === repo.location ? '' : ` ('${first.definition.repo.location}')`;
    problems.add(
      envFile.file,
      'repo',
      `'${repo.location}' (branch ${repo.branch}) is also the env repo of ${first.file}${same}; ` +
        `bootstrap and promotions would overwrite one env's repo with the other's: give each env its own repo (or branch)`,
    );
  }
}

/**
 * Where a repo really is, the same however it is written: a local path resolved against the
 * platform repo (a `file://` URL is one too); otherwise host and path, without user, scheme,
 * default port, trailing slash or `.git`, lower case on GitHub (whose owner and repo names are
 * case-insensitive).
 */
function repoIdentity(repo: EnvRepo, root: string, githubHosts: ReadonlySet<string>): string {
  const hostPath = (host: string, path: string) => {
    const h = host.toLowerCase();
    const p = path
      .replace(/^\/+/, '')
      .replace(/\/+$/, '')
      .replace(/\.git$/, '')
      .replace(/\/{2,}/g, '/');
    return `git:${h}/${githubHosts.has(h) ? p.toLowerCase() : p}`;
  };
  const localPath = (path: string) => `path:${(isAbsolute(path) ? resolve(path) : resolve(root, path)).replace(/\/+$/, '')}`;
  switch (repo.kind) {
    case 'path':
      return localPath(repo.location);
    case 'github':
      return hostPath(githubHost(repo.github?.apiUrl ?? 'https://api.github.com') ?? 'github.com', repo.location);
    case 'url': {
      const scp = /^[^@/]+@([^:/]+):(.*)$/.exec(repo.location);
      if (scp) return hostPath(scp[1]!, scp[2]!);
      try {
        const url = new URL(repo.location);
        if (url.protocol === 'file:') return localPath(fileURLToPath(url));
        const defaultPort = { 'http:': '80', 'https:': '443', 'ssh:': '22' }[url.protocol];
        const port = url.port && url.port !== defaultPort ? `:${url.port}` : '';
        return hostPath(`${url.hostname}${port}`, decodeURIComponent(url.pathname));
      } catch {
        return `raw:${repo.location}`;
      }
    }
  }
}

/** Who makes one Argo CD object (or one object in an env's namespace). */
interface Maker {
  readonly file: string;
  readonly field: string;
  /** `the Application of app 'x' in env 'e'`. */
  readonly what: string;
}

/**
 * Argo CD objects of one kind share one namespace: `<app>-<env>` (apps), `<env>-root` (the root),
 * `<env>-<component>` (platform), the AppProjects `<env>`, `<env>-root`, `<env>-platform`, and
 * in fleets what ApplicationSets generate (`<name>-<cluster>`). Different envs and apps can meet
 * there (app `a-b` in env `c`, app `a` in env `b-c`; app `staging` in env `root`, env `staging`'s
 * root); the later object would replace the earlier. The envs' own objects are claimed first, so
 * a clash with an app's Application is blamed on the app's line.
 */
export function checkArgoCdNames(envFiles: readonly EnvFile[], problems: Problems): void {
  const seen = new Map<string, Maker>();
  const claim = (env: EnvDefinition, kind: string, name: string, maker: Maker) => {
    const key = `${env.argocdNamespace}\n${kind}\n${name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, maker);
      return;
    }
    const of = first.file === maker.file ? '' : ` (${first.file})`;
    problems.add(
      maker.file,
      maker.field,
      `${kind} '${name}' (Argo CD namespace ${env.argocdNamespace}) would be both ${maker.what} and ${first.what}${of}; ` +
        'one would replace the other: rename the app or the env',
    );
  };
  // Applications, or in a fleet an ApplicationSet and the Applications it generates per cluster.
  const claimApplication = (env: EnvDefinition, name: string, maker: Maker, perCluster: boolean) => {
    if (!env.fleet || !perCluster) {
      claim(env, 'Application', name, maker);
      return;
    }
    claim(env, 'ApplicationSet', name, { ...maker, what: maker.what.replace('the Application', 'the ApplicationSet') });
    for (const c of env.fleet) claim(env, 'Application', `${name}-${c.name}`, { ...maker, what: `${maker.what} on cluster '${c.name}'` });
  };
  // Names derived from an env's name first, then the AppProject named as the env, then apps:
  // env `staging-root` meeting env staging's root AppProject is blamed on staging-root.
  for (const { file, definition: env } of envFiles) {
    const of = `env '${env.name}'`;
    claim(env, 'AppProject', `${env.name}-root`, { file, field: 'name', what: `the root AppProject of ${of}` });
    claim(env, 'Application', `${env.name}-root`, { file, field: 'name', what: `the root Application of ${of}` });
    if (env.platform.length)
      claim(env, 'AppProject', `${env.name}-platform`, { file, field: 'platform', what: `the platform AppProject of ${of}` });
    for (const [i, choice] of env.platform.entries()) {
      for (const pa of componentApplications(env, choice.component, { knativeFeatures: [] })) {
        const maker = { file, field: `platform[${i}]`, what: `the Application of platform component ${pa.name} in ${of}` };
        claimApplication(env, `${env.name}-${pa.name}`, maker, pa.clusters !== 'argocd');
      }
    }
  }
  for (const { file, definition: env } of envFiles) {
    claim(env, 'AppProject', env.name, { file, field: 'name', what: `the AppProject of env '${env.name}'` });
  }
  for (const { file, definition: env } of envFiles) {
    for (const app of enabledApps(env)) {
      claimApplication(
        env,
        `${app}-${env.name}`,
        { file, field: `apps.${app}`, what: `the Application of app '${app}' in env '${env.name}'` },
        true,
      );
    }
  }
}

/**
 * Objects in an env's namespace: each app's own (named after it), and a canary app's second
 * Service `<app>-canary`. Two envs sharing a cluster and namespace make the same objects for an
 * app both deploy; app `x-canary` meets canary app `x`'s Service.
 */
export function checkNamespaceObjects(envFiles: readonly EnvFile[], apps: ReadonlyMap<string, AppDefinition>, problems: Problems): void {
  const seen = new Map<string, Maker & { readonly app: string }>();
  // Two envs deploying the same apps to one namespace: one line per pair of envs and cluster.
  const shared = new Map<string, { file: string; first: string; namespace: string; server: string; apps: string[] }>();
  for (const { file, definition: env } of envFiles) {
    const deployed = enabledApps(env).filter((name) => apps.has(name));
    for (const cluster of envClusters(env)) {
      const claim = (name: string, maker: Maker & { readonly app: string }) => {
        const key = `${cluster.server}\n${env.namespace}\n${name}`;
        const first = seen.get(key);
        if (!first) {
          seen.set(key, maker);
        } else if (first.app !== maker.app) {
          const of = first.file === maker.file ? '' : ` (${first.file})`;
          problems.add(
            maker.file,
            maker.field,
            `'${name}' (namespace ${env.namespace} on cluster ${cluster.server}) would be both ${maker.what} and ${first.what}${of}: ` +
              'rename one of the apps',
          );
        } else if (!maker.app.endsWith('#canary')) {
          // The same app (not again for its canary Service).
          const pair = `${first.file}\n${maker.file}\n${cluster.server}`;
          const entry = shared.get(pair) ?? {
            file: maker.file,
            first: first.file,
            namespace: env.namespace,
            server: cluster.server,
            apps: [],
          };
          entry.apps.push(maker.app);
          shared.set(pair, entry);
        }
      };
      for (const name of deployed) claim(name, { file, field: `apps.${name}`, what: `the objects of app '${name}'`, app: name });
      for (const name of deployed) {
        if (apps.get(name)!.delivery.kind === 'canary') {
          claim(`${name}-canary`, { file, field: `apps.${name}`, what: `the canary Service of app '${name}'`, app: `${name}#canary` });
        }
      }
    }
  }
  for (const s of shared.values()) {
    problems.add(
      s.file,
      'namespace',
      `'${s.namespace}' on cluster ${s.server} is also the namespace of ${s.first}, and both deploy ${s.apps.join(', ')}: ` +
        'their objects would be the same objects; give each env its own namespace (or cluster)',
    );
  }
}

/**
 * Namespaces an env's apps must not share, errors, not warnings. The env's AppProject lets its
 * apps deploy anything it whitelists into the env's namespace on each of its clusters:
 * - in Argo CD's namespace (the env's own `argocd.namespace`, that of any env on the same cluster,
 *   or `argocd`), that is beside Argo CD's Secrets (repository and cluster credentials), its
 *   ConfigMaps (argocd-cm, argocd-rbac-cm: who may do what) and its Applications: an app chart could
 *   rewrite what Argo CD itself trusts;
 * - in a namespace where a platform component installs on the same cluster (istio-system,
 *   knative-serving, monitoring, ...: any env's `platform:` on that cluster), that is over the
 *   objects the `<env>-platform` project manages: an app's ConfigMap or Service could replace
 *   istiod's or Prometheus', and two Applications would fight over them.
 * A namespace slipway installs nothing into (istio-system without the istio component) is not
 * checked: slipway cannot see what else runs on a cluster. Kubernetes' own namespaces stay
 * warnings (namespaceWarnings): a deliberate choice is possible there.
 */
export function checkNamespaceReach(envFiles: readonly EnvFile[], problems: Problems): void {
  const envs = envFiles.map((e) => e.definition);
  for (const { file, definition: env } of envFiles) {
    const ns = env.namespace;
    const servers = new Set(envClusters(env).map((c) => c.server));
    const onMyClusters = envs.filter((e) => envClusters(e).some((c) => servers.has(c.server)));
    const argocd = env.argocdNamespace === ns ? env : onMyClusters.find((e) => e.argocdNamespace === ns);
    if (ns === 'argocd' || argocd) {
      const whose = !argocd || argocd.name === env.name ? '' : ` (env '${argocd.name}' runs Argo CD there)`;
      problems.add(
        file,
        'namespace',
        `'${ns}' is Argo CD's namespace${whose}; the env's AppProject would let its apps write beside Argo CD's Secrets, ` +
          'ConfigMaps and Applications: give the env a namespace of its own',
      );
      continue;
    }
    const installs = onMyClusters.flatMap((e) =>
      e.platform.flatMap((choice) =>
        componentApplications(e, choice.component, { knativeFeatures: [] })
          .filter((pa) => pa.namespace === ns)
          .map((pa) => ({ env: e, component: choice.component, application: pa })),
      ),
    );
    // The installing env shares a cluster with this one (onMyClusters); an Application of the
    // argocd cluster lands on this env's only when this env is on Argo CD's own cluster.
    const hit = installs.find(({ application }) => application.clusters !== 'argocd' || servers.has(ARGOCD_CLUSTER));
    if (hit) {
      const from = hit.env.name === env.name ? '' : ` of env '${hit.env.name}'`;
      problems.add(
        file,
        'namespace',
        `'${ns}' is where platform component ${hit.component}${from} installs ${hit.application.name}; the env's AppProject ` +
          "would let its apps replace that controller's objects: give the env a namespace of its own",
      );
    }
  }
}

/** Namespaces an env's apps should not share: Kubernetes' own. */
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * Warnings, not errors (it may be deliberate): an env whose apps run in a Kubernetes system
 * namespace, where the env's AppProject would let them write beside the cluster's own components.
 * Argo CD's namespace and the platform components' are errors (checkNamespaceReach).
 */
export function namespaceWarnings(envFiles: readonly EnvFile[]): string[] {
  const warnings: string[] = [];
  for (const { file, locate, definition: env } of envFiles) {
    const ns = env.namespace;
    if (SYSTEM_NAMESPACES.has(ns)) {
      warnings.push(
        formatProblem(
          file,
          locate('namespace'),
          'namespace',
          `'${ns}' is a Kubernetes system namespace; the env's apps would run, and its AppProject allow writes, ` +
            "beside the cluster's own objects: give the env a namespace of its own",
        ),
      );
    }
  }
  return warnings;
}
