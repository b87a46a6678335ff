/**
 * The AppProject of each environment is least privilege and still permits everything its
 * Applications render, checked the way Argo CD checks it (source repo, destination, group/kind).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../generators/app-objects.js';
import type { GeneratedPlatform } from '../../generators/platform.js';
import { CLUSTER_SCOPED_KINDS } from '../../src/validate/validate-output.js';
import { generateSample, parseDocs } from '../support/generated.js';

let output: GeneratedPlatform;
beforeAll(async () => {
  output = (await generateSample()).output;
});

interface Project {
  spec: {
    sourceRepos: string[];
    destinations: Array<{ server: string; namespace: string }>;
    clusterResourceWhitelist: Array<{ group: string; kind: string }>;
    namespaceResourceWhitelist: Array<{ group: string; kind: string }>;
  };
}
interface App {
  metadata: { name: string };
  spec: { project: string; source: { repoURL: string; path: string }; destination: { server: string; namespace: string } };
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** Argo CD's checks for one object an Application would sync; returns why it is refused, if it is. */
function refusal(project: Project, app: App, obj: K8sObject): string | undefined {
  if (!project.spec.sourceRepos.includes(app.spec.source.repoURL)) return `source ${app.spec.source.repoURL} not permitted`;
  const gk = { group: groupOf(obj.apiVersion), kind: obj.kind };
  const match = (list: Array<{ group: string; kind: string }>) => list.some((g) => g.group === gk.group && g.kind === gk.kind);
  if (CLUSTER_SCOPED_KINDS.has(obj.kind)) {
    return match(project.spec.clusterResourceWhitelist) ? undefined : `cluster-scoped ${obj.kind} not permitted`;
  }
  if (!match(project.spec.namespaceResourceWhitelist)) return `${gk.group}/${gk.kind} not in the namespaced whitelist`;
  const namespace = (obj.metadata.namespace as string | undefined) ?? app.spec.destination.namespace;
  const allowed = project.spec.destinations.some((d) => d.server === app.spec.destination.server && d.namespace === namespace);
  return allowed ? undefined : `destination ${app.spec.destination.server} ${namespace} not permitted`;
}

describe.each(['staging', 'production'])('environment %s', (envName) => {
  const env = () => output.envs.find((e) => e.env.name === envName)!;
  const project = () => env().argocd.find((o) => o.kind === 'AppProject' && o.metadata.name === envName) as unknown as Project;
  const rootProject = () =>
    env().argocd.find((o) => o.kind === 'AppProject' && o.metadata.name === `${envName}-root`) as unknown as Project;
  const applications = () => env().argocd.filter((o) => o.kind === 'Application') as unknown as App[];

  it('permits every object every child Application renders', () => {
    let checked = 0;
    for (const { app, objects } of env().apps) {
      const application = applications().find((a) => a.metadata.name === `${app}-${envName}`)!;
      expect(application.spec.project).toBe(envName);
      for (const obj of objects) {
        expect(refusal(project(), application, obj), `${obj.kind}/${obj.metadata.name}`).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('permits the root App-of-Apps to create the child Applications, read from apps/', () => {
    const root = applications().find((a) => a.metadata.name === `${envName}-root`)!;
    expect(root.spec.source.path).toBe('apps');
    expect(root.spec.project).toBe(`${envName}-root`);
    const children = [...output.files].filter(([p]) => p.startsWith(`envs/${envName}/apps/`)).flatMap(([, text]) => parseDocs(text));
    // One Application per app, plus the platform components' (in production).
    expect(children.length).toBe(env().argocd.filter((o) => o.kind === 'Application' && o.metadata.name !== `${envName}-root`).length);
    expect(children.length).toBeGreaterThanOrEqual(env().apps.length);
    for (const child of children) expect(refusal(rootProject(), root, child as K8sObject)).toBeUndefined();
    // The root's project creates Applications in Argo CD's namespace, and nothing else.
    expect(rootProject().spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(rootProject().spec.clusterResourceWhitelist).toEqual([]);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', namespace: 'argocd' } };
    expect(refusal(rootProject(), root, service)).toMatch(/not in the namespaced whitelist/);
  });

  it("lets no app Application create an Application or ApplicationSet, nor reach Argo CD's namespace", () => {
    for (const application of applications().filter((a) => a.spec.project === envName)) {
      for (const kind of ['Application', 'ApplicationSet', 'AppProject']) {
        const argoObject = { apiVersion: 'argoproj.io/v1alpha1', kind, metadata: { name: 'x', namespace: 'argocd' } };
        expect(refusal(project(), application, argoObject), `${application.metadata.name} creating ${kind}`).toBeDefined();
      }
      const inArgocd = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-rbac-cm', namespace: 'argocd' } };
      expect(refusal(project(), application, inArgocd)).toMatch(/destination/);
    }
    expect(applications().filter((a) => a.spec.project === envName).length).toBe(env().apps.length);
  });

  it('is least privilege: only its repo, its namespaces, the kinds it renders, Namespace at cluster scope', () => {
    const spec = project().spec;
    expect(spec.sourceRepos).toEqual([env().env.repo.url]);
    expect(spec.destinations).toEqual([{ server: env().env.cluster.server, namespace: env().env.namespace }]);
    expect(spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    const rendered = new Set(env().apps.flatMap((a) => a.objects.map((o) => `${groupOf(o.apiVersion)}/${o.kind}`)));
    expect(new Set(spec.namespaceResourceWhitelist.map((g) => `${g.group}/${g.kind}`))).toEqual(rendered);
  });

  it('refuses what it should: a kind no app renders, another namespace, another repo', () => {
    const app = applications().find((a) => a.metadata.name.endsWith(`-${envName}`) && !a.metadata.name.endsWith('-root'))!;
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'x' } };
    expect(refusal(project(), app, role)).toMatch(/not in the namespaced whitelist/);
    const elsewhere = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', namespace: 'kube-system' } };
    expect(refusal(project(), app, elsewhere)).toMatch(/destination/);
    const otherRepo = { ...app, spec: { ...app.spec, source: { ...app.spec.source, repoURL: 'https://example.com/x.git' } } };
    expect(refusal(project(), otherRepo, role)).toMatch(/source/);
    const clusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' } };
    expect(refusal(project(), app, clusterRole)).toMatch(/cluster-scoped/);
  });
});
