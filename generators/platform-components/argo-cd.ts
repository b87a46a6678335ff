/**
 * `argo-cd`: Argo CD manages itself. Its Application goes to the cluster Argo CD runs in only,
 * with the same values as the first `helm install` of the hand-over (written to the env repo).
 */
import { toYaml } from '../yaml-emitter.js';
import { definePlatformComponent, WAVES } from './platform-component.js';

/** Where the env repo keeps the values of Argo CD's first install. */
export const ARGOCD_INSTALL_VALUES = 'platform/argo-cd/install-values.yaml';

/**
 * Lua health check that makes Argo CD wait on child Applications (sync waves then really wait):
 * Argo CD removed the built-in one in 1.8, see its docs "App of Apps, health assessment".
 */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/**
 * Values of the argo-cd chart: the same for the first `helm install` (the hand-over) and for the
 * Application that then manages Argo CD, so the health check is there from the very first sync.
 */
function argoCdValues(): Record<string, unknown> {
  return {
    configs: {
      cm: {
        // Without it the App-of-Apps does not wait on child Applications' health.
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
      },
    },
  };
}

/**
 * Release name of the argo-cd chart: its fullname is the release name when that contains the
 * chart's `nameOverride` (`argocd`), so release `argocd` renders `argocd-server`,
 * `argocd-repo-server`, `argocd-cm`, the names a running Argo CD uses (argo-helm
 * charts/argo-cd/templates/_common.tpl, `argo-cd.fullname`, 10.1.1). Any other release name
 * renders a second control plane beside the first.
 */
export const ARGOCD_RELEASE = 'argocd';

export const argoCd = definePlatformComponent({
  name: 'argo-cd',
  charts: {
    // argo-cd 10.1.1 ships Argo CD v3.4.4, the newest chart the tests can render.
    'argo-cd': { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '10.1.1', rendered: true },
  },
  applications: (env) => [
    {
      name: 'argo-cd',
      component: 'argo-cd',
      namespace: env.argocdNamespace,
      wave: WAVES.controllers,
      releaseName: ARGOCD_RELEASE,
      clusters: 'argocd',
      source: { chart: 'argo-cd', values: argoCdValues() },
    },
  ],
  clusterKinds: [
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  ],
  provides: [
    { group: 'argoproj.io', kind: 'Application' },
    { group: 'argoproj.io', kind: 'ApplicationSet' },
    { group: 'argoproj.io', kind: 'AppProject' },
  ],
  // The first install's values: the same as the Application's, so waves wait from the first sync.
  // Not under bootstrap/: the hand-over applies that folder with kubectl.
  envRepoFiles: () => [
    {
      path: ARGOCD_INSTALL_VALUES,
      what: "platform component argo-cd's install values",
      text: `# Values of the first \`helm install ${ARGOCD_RELEASE}\` (see README.md); the same as apps/platform-argo-cd.yaml's.\n${toYaml(argoCdValues())}`,
    },
  ],
});
