/** README.md of an environment repo: what runs where, and how Argo CD gets it. */
import type { K8sObject } from './app-objects.js';
import type { EnvDefinition } from './environment.js';
import type { PlatformPeer, Prerequisite } from './prerequisites.js';

export interface EnvReadmeInput {
  readonly env: EnvDefinition;
  readonly project: K8sObject;
  /** The `<env>-root` AppProject of the App-of-Apps. */
  readonly rootProject: K8sObject;
  /** The `<env>-platform` AppProject, when the env declares platform components. */
  readonly platformProject?: K8sObject;
  /** Argo CD's first install, when the env manages Argo CD (the argo-cd component). */
  readonly argocd?: { release: string; chart: { repoURL: string; chart: string; version: string }; valuesFile: string };
  /** Platform Applications (or ApplicationSets) in the order they come up. */
  readonly platformApps: ReadonlyArray<{ name: string; wave: number; kind: string; namespace: string }>;
  readonly prerequisites: readonly Prerequisite[];
  /** Other envs whose `platform:` installs controllers on this env's clusters. */
  readonly platformPeers: readonly PlatformPeer[];
  /** The slipway version that generated the repo, when known. */
  readonly slipwayVersion?: string;
  readonly apps: ReadonlyArray<{ name: string; application: string; tag: string; host: string | undefined; kinds: string }>;
}

/**
 * The commands that create the Secrets the cluster must hold, once each, their namespaces first
 * (Argo CD would create those only later): the env README's hand-over and `slipway bootstrap`'s.
 */
export function secretCommands(prerequisites: readonly Prerequisite[]): string[] {
  const secrets = [
    ...new Map(prerequisites.flatMap((p) => (p.secret ? [[`${p.secret.namespace}/${p.secret.name}`, p.secret] as const] : []))).values(),
  ];
  return [
    ...[...new Set(secrets.map((s) => s.namespace))]
      .sort()
      .map((ns) => `kubectl create namespace ${ns} --dry-run=client --output yaml | kubectl apply --filename -`),
    ...secrets.map(
      (s) => `kubectl create secret generic ${s.name} --namespace ${s.namespace}${s.keys.map((k) => ` --from-literal=${k}=...`).join('')}`,
    ),
  ];
}

const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/**
 * Where the env's controllers come from. An env without `platform:` relies on the envs that
 * install them on its cluster: those are handed over first (Argo CD and the CRDs its own
 * Applications need come from their repos), and this env's hand-over only adds to them.
 */
function platformSource(input: EnvReadmeInput): string {
  if (input.env.platform.length > 0) return 'slipway installs what `platform:` lists.';
  const peers = input.platformPeers;
  if (peers.length === 0)
    return 'slipway installs nothing for this env (`platform:` is empty), and no other env installs controllers on its cluster: it must have the ones its apps need.';
  const who = peers.map((p) => `env \`${p.env}\` installs ${p.components.join(', ')} on ${code(p.clusters)}`).join('; ');
  const names = code(peers.map((p) => p.env));
  const argoCd = peers.some((p) => p.components.includes('argo-cd'));
  return (
    `slipway installs nothing for this env (\`platform:\` is empty): ${who}.\n**Hand ${names} over first**: ` +
    `${argoCd ? 'Argo CD and every controller' : 'every controller'} this env's apps run on come from ${peers.length > 1 ? 'their repos' : 'its repo'}, ` +
    `and the hand-over below only adds this env's projects and root Application to ${argoCd ? 'that Argo CD' : 'the Argo CD already running there'}.`
  );
}

interface ProjectSpec {
  readonly sourceRepos?: readonly string[];
  readonly destinations?: ReadonlyArray<{ readonly namespace: string; readonly server: string }>;
  readonly namespaceResourceWhitelist?: ReadonlyArray<{ readonly group: string; readonly kind: string }>;
  readonly clusterResourceWhitelist?: ReadonlyArray<{ readonly group: string; readonly kind: string }>;
}

const specOf = (project: K8sObject): ProjectSpec => (project as { spec?: ProjectSpec }).spec ?? {};
const nameOf = (object: K8sObject): string => (object.metadata as { name: string }).name;
/** `core/ConfigMap`, `apps/Deployment`: a group-kind as the README lists them. */
const groupKind = (gk: { readonly group: string; readonly kind: string }) => `${gk.group || 'core'}/${gk.kind}`;

/** The README, section by section, in plain code: a template engine cost more to load and run than it saved. */
export function envReadme(input: EnvReadmeInput): string {
  const { env, project, rootProject, platformProject, argocd, platformApps, apps } = input;
  // One line per distinct need and cluster: fleets repeat the same need on every cluster otherwise.
  const seen = new Set<string>();
  const prerequisites = input.prerequisites.filter(
    (p) => !seen.has(`${p.cluster} ${p.for} ${p.need}`) && seen.add(`${p.cluster} ${p.for} ${p.need}`),
  );
  const helm = env.render === 'helm';
  const secrets = secretCommands(prerequisites);
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);

  add(
    `# Environment \`${env.name}\``,
    '',
    `Generated by slipway${input.slipwayVersion ? ` ${input.slipwayVersion}` : ''} from \`envs/${env.name}.yaml\` in the platform repo.`,
    '**Do not edit this repo by hand**: change the platform repo and run `npm run synth` (or',
    '`slipway promote`); Argo CD applies whatever is committed here.',
    '',
    '| | |',
    '| --- | --- |',
    `| cluster | \`${env.cluster.name}\` (${env.cluster.server}) |`,
    `| namespace | \`${env.namespace}\` |`,
    `| Argo CD namespace | \`${env.argocdNamespace}\` |`,
    `| this repo | ${env.repo.url} (branch \`${env.repo.branch}\`) |`,
    `| layout | ${helm ? 'Helm: `charts/<app>` with `values/<app>.yaml`' : 'rendered manifests: `manifests/<app>/`'} |`,
  );
  if (env.promotesFrom) add(`| promotes from | \`${env.promotesFrom}\` |`);
  add('', '## Apps', '');
  if (apps.length > 0) {
    add('| app | image tag | Argo CD Application | host | objects |', '| --- | --- | --- | --- | --- |');
    for (const a of apps) add(`| ${a.name} | \`${a.tag}\` | \`${a.application}\` | ${a.host || '(cluster only)'} | ${a.kinds} |`);
  } else {
    add('No app is enabled in this environment.');
  }
  add(
    '',
    '## How Argo CD pulls this repo',
    '',
    `1. \`bootstrap/appproject-root.yaml\` is the AppProject \`${nameOf(rootProject)}\`: it may read only this repo and`,
    `   create only Applications${env.fleet ? ' and ApplicationSets' : ''}, only in \`${env.argocdNamespace}\`.`,
    `2. \`bootstrap/root-application.yaml\` is the App-of-Apps \`${env.name}-root\` in that project: it syncs \`apps/\`,`,
    '   which holds one Application per app (automated sync with selfHeal and prune, `CreateNamespace=true`,',
    '   retried with backoff when a sync fails).',
    `3. \`bootstrap/appproject.yaml\` is the apps' AppProject \`${nameOf(project)}\`: it may read only this repo, deploy`,
    "   only to the namespaces below and create only the kinds listed; never Argo CD's own kinds or namespace.",
  );
  if (platformProject) {
    add(
      `4. \`bootstrap/appproject-platform.yaml\` is the platform components' AppProject \`${nameOf(platformProject)}\`: it may`,
      "   read only their pinned upstream chart repositories and deploy only to their namespaces (below); the components'",
      '   Applications (`apps/platform-*.yaml`) are in it.',
    );
  }
  add(
    `${platformProject ? 5 : 4}. Each Application renders its app${helm ? ' with Helm (release name = app name)' : ''} into namespace \`${env.namespace}\`.`,
    '',
    '## What the cluster must provide',
    '',
    platformSource(input),
    '',
    'These it can see are needed, and does not provide:',
    '',
  );
  if (prerequisites.length > 0) for (const p of prerequisites) add(`- on \`${p.cluster}\`, for ${p.for}: ${p.need}`);
  else add('- nothing slipway can infer.');
  add(
    '',
    '## Hand-over, once per cluster',
    '',
    'These are the only commands anyone runs by hand; from then on, every change arrives as a commit here.',
    '',
  );
  add('```sh');
  if (argocd) {
    add(
      '# Argo CD itself, with the same chart, release name and values its Application then manages.',
      `#    Release "${argocd.release}" renders argocd-server, argocd-repo-server, argocd-cm: the names Argo CD uses.`,
      `helm repo add argo ${argocd.chart.repoURL}`,
      `helm install ${argocd.release} argo/${argocd.chart.chart} --version ${argocd.chart.version} \\`,
      `  --namespace ${env.argocdNamespace} --create-namespace --values ${argocd.valuesFile}`,
    );
  }
  if (env.repo.kind === 'github') {
    add(
      "# Argo CD's read-only access (a deploy key): written by `slipway bootstrap` to",
      `# $SLIPWAY_HOME/argocd/${env.name}-repository.yaml on the machine that ran it; never committed.`,
      `kubectl apply --filename ${env.name}-repository.yaml`,
    );
  }
  if (secrets.length > 0)
    add('# Secrets the cluster must hold, never committed (their namespaces first; Argo CD would create them later).', ...secrets);
  add('# The projects and the App-of-Apps.', `kubectl apply --namespace ${env.argocdNamespace} --filename bootstrap/`, '```', '');
  if (argocd) {
    add(
      'Argo CD installed from its `install.yaml` (not this chart) has other label selectors, which a Deployment cannot',
      'change: the `argo-cd` Application would fail to sync over it. Install with the command above, or drop `argo-cd`',
      'from `platform:` and manage Argo CD yourself.',
    );
  }
  add(
    "Lock down Argo CD's `default` AppProject (no source repos, no destinations): an Application that names no",
    'project lands there, and by default it may deploy anything anywhere.',
    '',
  );
  /*
   * "What comes up, in order": in a fleet the waves do not wait. Argo CD's ApplicationSet health
   * (argoproj/argo-cd v3.4.4, resource_customizations/argoproj.io/ApplicationSet/health.lua) is
   * Healthy once the ApplicationSet's ResourcesUpToDate condition is True, which its controller sets
   * when "All applications have been generated successfully"
   * (applicationset/controllers/applicationset_controller.go); the Applications' health is never read.
   */
  if (platformApps.length > 0) {
    add('## What comes up, in order', '');
    if (env.fleet) {
      add(
        'Argo CD syncs `apps/` in sync waves, lowest first, but in this fleet **the waves do not wait** for the controllers to',
        'come up. Each component but Argo CD itself is an ApplicationSet, and Argo CD counts an ApplicationSet healthy once it',
        'has generated its Applications, not once they are healthy (its built-in health check,',
        "`resource_customizations/argoproj.io/ApplicationSet/health.lua`, reads the ApplicationSet's `ResourcesUpToDate`",
        "condition). So the waves order what is created; what brings each cluster up is every Application's sync retry",
        "(`syncPolicy.retry`: no limit, backoff from 5s up to 3m): a sync that needs an earlier wave's CRD or webhook fails",
        'and is retried until it is there.',
      );
    } else {
      add(
        'Argo CD syncs `apps/` in sync waves, lowest first; an Application counts as healthy only when its own resources',
        argocd
          ? `are. Once Argo CD runs with the health check in \`${argocd.valuesFile}\` (the hand-over's \`helm install\``
          : "are, provided this cluster's Argo CD has the Application health check (`resource.customizations.health.argoproj.io_Application`);",
        argocd
          ? 'above), the root waits for each wave to be healthy before it starts the next.'
          : 'without it the waves do not wait and failed syncs converge through retries (`syncPolicy.retry`).',
      );
    }
    add('', '| wave | Application | namespace |', '| --- | --- | --- |');
    for (const a of platformApps) {
      add(`| ${a.wave} | \`${a.name}\`${a.kind === 'ApplicationSet' ? ' (ApplicationSet, every cluster)' : ''} | \`${a.namespace}\` |`);
    }
    add(`| 0 | the apps | \`${env.namespace}\` |`, '');
  }
  const spec = specOf(project);
  add('### What the AppProject permits', '', 'Destinations:');
  for (const d of spec.destinations ?? []) add(`- \`${d.namespace}\` on ${d.server}`);
  add('', 'Namespaced kinds:');
  for (const gk of spec.namespaceResourceWhitelist ?? []) add(`- ${groupKind(gk)}`);
  add('', 'Cluster-scoped kinds:');
  for (const gk of spec.clusterResourceWhitelist ?? []) add(`- ${groupKind(gk)} (for \`CreateNamespace=true\`)`);
  if (platformProject) {
    const platform = specOf(platformProject);
    add(
      '',
      `### What the platform AppProject \`${nameOf(platformProject)}\` permits`,
      '',
      `The controllers the apps need (${env.platform.map((c) => c.component).join(', ')}), installed from`,
      'their upstream Helm charts at pinned versions, in sync waves before the apps (`apps/platform-*.yaml`).',
      '',
      'Chart repositories:',
    );
    for (const repo of platform.sourceRepos ?? []) add(`- ${repo}`);
    add('', 'Destinations:');
    for (const d of platform.destinations ?? []) add(`- \`${d.namespace}\` on ${d.server}`);
    add(
      '',
      'Namespaced kinds: any, within those namespaces (upstream charts change their kinds between versions).',
      '',
      'Cluster-scoped kinds:',
    );
    for (const gk of platform.clusterResourceWhitelist ?? []) add(`- ${groupKind(gk)}`);
  }
  return `${lines.join('\n')}\n`;
}
