/**
 * What an app may create: objects in its environment's namespace, one object per document, and no
 * Argo CD objects. The env's AppProject is what Argo CD enforces at sync; these checks refuse at
 * synth what would otherwise fail there, or, worse, slip past slipway's own checks.
 */
import type { K8sObject } from '../../generators/app-objects.js';
import { objectId } from './object-names.js';

/** Kinds that tell Argo CD what to deploy where: an app creating one would escape its AppProject. */
const ARGO_CD_KINDS = new Set(['Application', 'ApplicationSet', 'AppProject']);

/**
 * At most this many objects per app (per cluster of a fleet). The app's Argo CD Application lists
 * every object it manages in `status.resources`, and again with a message each in
 * `status.operationState.syncResult.resources`; the whole Application must fit in one etcd
 * request (`--max-request-bytes`, 1.5 MiB by default) or Argo CD can no longer record its status.
 * At roughly 0.5-1 KiB per object over both lists, 500 objects stay well below that. slipway's own
 * objects are at most eight per app; hundreds more from `extend` is a loop gone wrong, or several
 * apps in one.
 */
export const MAX_OBJECTS_PER_APP = 500;

/** Problems of one app object in an environment whose namespace is `namespace`. */
export function boundaryProblems(obj: K8sObject, namespace: string, clusterScoped: boolean): string[] {
  const problems: string[] = [];
  // Argo CD unpacks every document whose top-level `items` is a list (unstructured.IsList(), in
  // argo-cd reposerver/repository/repository.go), whatever its kind, and applies the items. Checking
  // items recursively would have to mirror that rule exactly in every check slipway runs (schemas,
  // policy, names, the AppProject's kinds, file names, the env README), so Lists are refused
  // outright: anything a List holds can be written as objects of their own.
  if (Array.isArray((obj as { items?: unknown }).items) || obj.kind === 'List') {
    problems.push(
      "is a list (a top-level 'items' array), which Argo CD unpacks into objects slipway never checks; create each item as an object of its own",
    );
  }
  if (groupOf(obj.apiVersion) === 'argoproj.io' && ARGO_CD_KINDS.has(obj.kind)) {
    problems.push(
      `is an Argo CD ${obj.kind}; an app may not create Applications, ApplicationSets or AppProjects (they would deploy outside the environment's AppProject): add apps to envs/*.yaml instead`,
    );
  }
  const ns = (obj.metadata as { namespace?: unknown } | undefined)?.namespace;
  if (!clusterScoped && typeof ns === 'string' && ns !== namespace) {
    problems.push(
      `metadata.namespace: '${ns}' is not ${namespace}, the environment's namespace; an app's objects live there (leave namespace unset)`,
    );
  }
  return problems;
}

/** Problems of one app's objects together: their number, and objects generated twice. */
export function appProblems(objects: readonly K8sObject[], clusters: number, envNamespace: string): string[] {
  const problems: string[] = [];
  const perCluster = Math.ceil(objects.length / clusters);
  if (perCluster > MAX_OBJECTS_PER_APP) {
    problems.push(
      `generates ${perCluster} objects${clusters > 1 ? ' per cluster' : ''}; at most ${MAX_OBJECTS_PER_APP} per app (its Argo CD Application lists each one in its status, which must fit in one etcd object): split it into several apps`,
    );
  }
  if (clusters === 1) {
    const seen = new Set<string>();
    for (const obj of objects) {
      const key = objectKey(obj, envNamespace);
      if (seen.has(key))
        problems.push(
          `${objectId(obj)}: generated twice (Argo CD would apply one and report the other as a duplicate); give one of them another name`,
        );
      seen.add(key);
    }
  }
  return problems;
}

/** group/kind/namespace/name: what identifies an object in a cluster. */
export function objectKey(obj: K8sObject, envNamespace: string): string {
  const ns = (obj.metadata as { namespace?: unknown } | undefined)?.namespace;
  return `${groupOf(obj.apiVersion)}/${obj.kind}/${typeof ns === 'string' ? ns : envNamespace}/${String(obj.metadata?.name)}`;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}
