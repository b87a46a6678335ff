/**
 * Step 2b of synth: every generated object is checked before anything is written. Built-in kinds
 * against the Kubernetes schemas, custom resources against the CRDs the user points slipway at
 * (strictly: unknown fields are errors, as `kubectl --validate=strict`), then slipway's policy.
 */
import type { K8sObject } from '../../generators/app-objects.js';
import type { GeneratedPlatform } from '../../generators/platform.js';
import { ConfigError } from '../core/config-error.js';
import { FLOATING_TAGS } from '../load/names.js';
import { isCoreKind, validateCoreObject } from './core-schemas.js';
import type { CrdSchemas } from './crd-schemas.js';
import type { SchemaIssue } from './schema-issue.js';
import { knativeAnnotationProblems } from './knative-annotations.js';
import { appProblems, boundaryProblems, objectKey } from './app-boundaries.js';
import { nameProblems, objectId } from './object-names.js';
import { sizeProblems } from './object-size.js';
import { outputPathProblems } from './output-paths.js';
import { reservedCharacterProblems } from './reserved-characters.js';

export interface ValidationReport {
  /** Custom kinds nothing checked, because no CRD for them was given (`group/version Kind`). */
  readonly unchecked: readonly string[];
  readonly objectsChecked: number;
}

/**
 * Throws a ConfigError listing every problem; returns what could not be checked.
 * `schemaCheckedAlready`: objects (as JSON) whose schema check is skipped, because they equal
 * objects an env repo already holds (a promotion checks what it changes); every other rule still
 * applies to them.
 */
export function validateGenerated(
  output: GeneratedPlatform,
  crds: CrdSchemas | undefined,
  sourceOf: (app: string) => string,
  envFileOf: (env: string) => string,
  schemaCheckedAlready?: ReadonlySet<string>,
): ValidationReport {
  const problems: string[] = [];
  const unchecked = new Set<string>();
  let checked = 0;
  const check = (obj: K8sObject, where: string) => {
    checked++;
    const core = isCoreKind(obj.apiVersion, obj.kind);
    if (!core && !crds?.has(obj.apiVersion, obj.kind)) {
      unchecked.add(`${obj.apiVersion} ${obj.kind}`);
      return;
    }
    if (schemaCheckedAlready?.has(JSON.stringify(obj))) return;
    const id = objectId(obj);
    const issues: readonly SchemaIssue[] = core ? validateCoreObject(obj) : crds!.validate(obj);
    for (const issue of issues) problems.push(`${where}: ${id}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
  };
  for (const { env, apps, argocd } of output.envs) {
    const clusters = env.fleet?.length ?? 1;
    const owners = new Map<string, string>();
    for (const { app, objects } of apps) {
      const where = `${sourceOf(app)} (in ${env.name})`;
      problems.push(...appProblems(objects, clusters, env.namespace).map((p) => `${where}: ${p}`));
      for (const obj of objects) {
        check(obj, where);
        problems.push(...appObjectProblems(obj, env).map((p) => `${where}: ${objectId(obj)}: ${p}`));
        // Two apps owning one object would undo each other on every sync.
        const key = objectKey(obj, env.namespace);
        const owner = owners.get(key);
        if (owner !== undefined && owner !== app)
          problems.push(
            `${where}: ${objectId(obj)}: app ${owner} generates it too; two apps must not share an object (Argo CD would flip it between them)`,
          );
        else owners.set(key, app);
      }
    }
    for (const obj of argocd) {
      check(obj, envFileOf(env.name));
      problems.push(
        ...[...nameProblems(obj), ...reservedCharacterProblems(obj)].map((p) => `${envFileOf(env.name)}: ${objectId(obj)}: ${p}`),
      );
    }
  }
  problems.push(...outputPathProblems(output.files.keys()));
  if (problems.length > 0) throw new ConfigError(problems);
  return { unchecked: [...unchecked].sort(), objectsChecked: checked };
}

/**
 * Everything slipway checks on one app object besides its schema: the policy below, names and
 * namespace as Kubernetes checks them (object-names.ts), the app's boundaries (its env's namespace,
 * no Argo CD objects, no Lists: app-boundaries.ts), the API server's 1 MiB data limit
 * (object-size.ts) and slipway's reserved template characters (reserved-characters.ts).
 */
export function appObjectProblems(obj: K8sObject, env: { readonly namespace: string; readonly pinnedTags: boolean }): string[] {
  const clusterScoped = CLUSTER_SCOPED_KINDS.has(obj.kind);
  return [
    ...nameProblems(obj),
    ...boundaryProblems(obj, env.namespace, clusterScoped),
    ...policyProblems(obj, env.pinnedTags),
    ...sizeProblems(obj),
    ...reservedCharacterProblems(obj),
  ];
}

/**
 * slipway's rules on top of the schemas: an env repo never carries secret values, and a pinned
 * environment runs no floating tag (also in objects added through the escape hatch).
 */
export function policyProblems(obj: K8sObject, pinnedTags: boolean): string[] {
  const problems: string[] = [];
  if (obj.kind === 'Secret' && (hasEntries(obj.data) || hasEntries(obj.stringData))) {
    problems.push('a Secret with data would put secret values in Git; reference an existing Secret (env: {secret, key}) instead');
  }
  if (CLUSTER_SCOPED_KINDS.has(obj.kind)) {
    problems.push(`is cluster-scoped; an environment's AppProject allows only Namespace at cluster scope (platform components come later)`);
  }
  problems.push(...knativeAnnotationProblems(obj));
  if (pinnedTags) {
    for (const image of containerImages(obj)) {
      const tag = imageTag(image);
      if (FLOATING_TAGS.has(tag))
        problems.push(`image '${image}' floats (${tag ? `tag '${tag}'` : 'no tag'}) in an environment that pins tags`);
    }
  }
  return problems;
}

/** Built-in kinds that live outside namespaces. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
]);

function hasEntries(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.keys(v).length > 0;
}

/** The tag of an image reference ('' when none; digests count as pinned). */
function imageTag(image: string): string {
  if (image.includes('@')) return 'digest';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon === -1 ? '' : image.slice(colon + 1);
}

/** Every container image in an object, wherever its pod template sits. */
function containerImages(obj: unknown): string[] {
  const images: string[] = [];
  const walk = (node: unknown, key: string) => {
    if (Array.isArray(node)) {
      if (key === 'containers' || key === 'initContainers' || key === 'ephemeralContainers') {
        for (const c of node) if (c && typeof (c as { image?: unknown }).image === 'string') images.push((c as { image: string }).image);
      }
      node.forEach((n) => {
        walk(n, '');
      });
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k);
    }
  };
  walk(obj, '');
  return images;
}
