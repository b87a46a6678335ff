import { createRequire } from 'node:module';

import { formatPath, isRecord, type AjvLikeError, type PathSegment } from '../core/ajv-errors.js';
import { dedupeIssues, issuesFromAjvErrors } from './schema-issue.js';
import type { SchemaIssue } from './schema-issue.js';

/*
 * Two sources, because neither does the whole job alone:
 * - kubernetes-models: precompiled ajv validators with types, required fields, enums and
 *   formats, but every schema allows unknown properties;
 * - @kubernetes/client-node: generated model classes whose `attributeTypeMap` lists every
 *   field of every type, which is what `kubectl --validate=strict` checks unknown fields
 *   against.
 *
 * Both are loaded lazily with a synchronous `require`, one module per kind/type actually
 * met, so importing this file costs nothing and validating a Deployment loads only the
 * Deployment's schema closure (not the 1700 kubernetes-models schemas, nor client-node's
 * index with its HTTP/WebSocket stack). client-node is ESM-only; Node >= 20.19 (our
 * engines floor) can `require()` ES modules, and its model files import nothing at runtime.
 */
const require = createRequire(import.meta.url);

interface CoreKind {
  /** Module under `kubernetes-models/`, e.g. `apps/v1/Deployment`. */
  readonly modelModule: string;
  /** client-node class of the top-level object, e.g. `V1Deployment`. */
  readonly clientClass: string;
}

/** apiVersion -> kinds we validate. Extend here; the class/module names follow one pattern. */
const CORE_KINDS: Readonly<Record<string, readonly string[]>> = {
  v1: [
    'ConfigMap',
    'LimitRange',
    'Namespace',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'Pod',
    'ResourceQuota',
    'Secret',
    'Service',
    'ServiceAccount',
  ],
  'apps/v1': ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'batch/v1': ['CronJob', 'Job'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
  'autoscaling/v1': ['HorizontalPodAutoscaler'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'policy/v1': ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': ['StorageClass'],
  // What platform charts install: their CRDs and admission webhooks.
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
};

function lookupKind(apiVersion: string, kind: string): CoreKind | undefined {
  if (!Object.hasOwn(CORE_KINDS, apiVersion) || !CORE_KINDS[apiVersion]?.includes(kind)) return undefined;
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  return {
    modelModule: `${apiVersion}/${kind}`,
    // `v2` -> `V2`, `v1beta1` -> `V1beta1`: client-node's naming for every kind listed above.
    clientClass: `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`,
  };
}

export function isCoreKind(apiVersion: string, kind: string): boolean {
  return lookupKind(apiVersion, kind) !== undefined;
}

export function validateCoreObject(obj: Record<string, unknown>): SchemaIssue[] {
  const { apiVersion, kind } = obj;
  const core = typeof apiVersion === 'string' && typeof kind === 'string' ? lookupKind(apiVersion, kind) : undefined;
  if (core === undefined) {
    return [{ path: 'kind', message: `no built-in schema for apiVersion ${String(apiVersion)}, kind ${String(kind)}` }];
  }
  return dedupeIssues([...typeIssues(core, obj), ...metadataIssues(obj), ...unknownFieldIssues(core.clientClass, obj)]);
}

// ---------------------------------------------------------------------------------------
// Types, required fields, enums, formats: kubernetes-models.

interface ModelInstance {
  validate(): void;
}
interface ModelClass {
  new (data: Record<string, unknown>): ModelInstance;
  readonly prototype: ModelInstance;
}

const modelClasses = new Map<string, ModelClass>();

function modelClass(core: CoreKind): ModelClass {
  let cls = modelClasses.get(core.modelModule);
  if (cls === undefined) {
    const kind = core.modelModule.slice(core.modelModule.lastIndexOf('/') + 1);
    cls = (require(`kubernetes-models/${core.modelModule}`) as Record<string, ModelClass>)[kind];
    if (cls === undefined) throw new Error(`kubernetes-models/${core.modelModule} does not export ${kind}`);
    modelClasses.set(core.modelModule, cls);
  }
  return cls;
}

function typeIssues(core: CoreKind, obj: Record<string, unknown>): SchemaIssue[] {
  try {
    const cls = modelClass(core);
    // Through the prototype: a (bogus) top-level `validate` field in obj would shadow the method.
    cls.prototype.validate.call(new cls(obj));
    return [];
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw error;
    return issuesFromAjvErrors(errors as AjvLikeError[], obj);
  }
}

/** The OpenAPI schema leaves `metadata.name` optional (the API server is what insists on it). */
function metadataIssues(obj: Record<string, unknown>): SchemaIssue[] {
  const { metadata } = obj;
  if (!isRecord(metadata)) return [{ path: 'metadata', message: 'missing required field "metadata"' }];
  if (metadata['name'] === undefined && metadata['generateName'] === undefined) {
    return [{ path: 'metadata.name', message: 'missing required field "name"' }];
  }
  return [];
}

// ---------------------------------------------------------------------------------------
// Unknown fields: walk the object along client-node's attribute type maps.

interface Attribute {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
}
interface ClientModel {
  getAttributeTypeMap(): Attribute[];
}

/** class name -> JSON field name -> field type; `null` when client-node has no such class. */
const fieldTables = new Map<string, ReadonlyMap<string, string> | null>();

function fieldTable(className: string): ReadonlyMap<string, string> | null {
  let table = fieldTables.get(className);
  if (table !== undefined) return table;
  table = null;
  if (/^[A-Za-z][A-Za-z0-9]*$/.test(className)) {
    try {
      const mod = require(`@kubernetes/client-node/dist/gen/models/${className}.js`) as Record<string, ClientModel>;
      const cls = mod[className];
      if (cls !== undefined) table = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  fieldTables.set(className, table);
  return table;
}

/** Types whose content is not checked for unknown fields: scalars (kubernetes-models checks them) and free-form values. */
const OPAQUE_TYPES = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString', 'V1MicroTime']);

const ARRAY_TYPE = /^Array<(.+)>$/;
const MAP_TYPE = /^\{ \[key: string\]: (.+); \}$/;

function unknownFieldIssues(rootClass: string, obj: Record<string, unknown>): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  walk(obj, rootClass, [], issues);
  return issues;
}

function walk(value: unknown, type: string, path: PathSegment[], issues: SchemaIssue[]): void {
  if (value === null || value === undefined || OPAQUE_TYPES.has(type)) return;

  const array = ARRAY_TYPE.exec(type);
  if (array !== null) {
    // A non-array here is a type error, reported by kubernetes-models.
    if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(item, array[1]!, [...path, i], issues);
      });
    return;
  }

  const map = MAP_TYPE.exec(type);
  if (map !== null) {
    // labels, annotations, data, resource lists...: keys are free; only values are typed.
    if (isRecord(value)) for (const [key, item] of Object.entries(value)) walk(item, map[1]!, [...path, key], issues);
    return;
  }

  const fields = fieldTable(type);
  if (fields === null) {
    // An unknown class name means client-node changed its naming: fail loudly rather than
    // silently skipping the strict check.
    throw new Error(`@kubernetes/client-node has no model ${type} (at ${formatPath(path) || 'the top level'})`);
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const fieldType = fields.get(key);
    if (fieldType === undefined) issues.push({ path: formatPath([...path, key]), message: `unknown field "${key}"` });
    else walk(item, fieldType, [...path, key], issues);
  }
}
