import coreModels, { type ModelClass } from './core-models.cjs';
import { ARRAY_TYPE, collectFieldTables, type FieldTables, loadFieldTables, MAP_TYPE, OPAQUE_TYPES } from './core-field-tables.js';
import { formatPath, isRecord, type AjvLikeError, type PathSegment } from '../core/ajv-errors.js';
import { dedupeIssues, issuesFromAjvErrors } from './schema-issue.js';
import type { SchemaIssue } from './schema-issue.js';

/*
 * Two sources, because neither does the whole job alone:
 * - kubernetes-models: precompiled ajv validators with types, required fields, enums and
 *   formats, but every schema allows unknown properties;
 * - the field tables of every type (core-field-tables.ts, from @kubernetes/client-node's
 *   generated models at build time), which is what `kubectl --validate=strict` checks unknown
 *   fields against.
 *
 * kubernetes-models is loaded lazily (core-models.cjs), one module per kind
 * actually met, so importing this file costs nothing and validating a Deployment loads only
 * the Deployment's schema closure (not the 1700 kubernetes-models schemas).
 */

interface CoreKind {
  /** Key in core-models.cjs and module under `kubernetes-models/`, e.g. `apps/v1/Deployment`. */
  readonly modelModule: string;
  /** client-node class of the top-level object, e.g. `V1Deployment`. */
  readonly clientClass: string;
}

function lookupKind(apiVersion: string, kind: string): CoreKind | undefined {
  if (!Object.hasOwn(coreModels, `${apiVersion}/${kind}`)) return undefined;
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

const modelClasses = new Map<string, ModelClass>();

function modelClass(core: CoreKind): ModelClass {
  let cls = modelClasses.get(core.modelModule);
  if (cls === undefined) {
    cls = coreModels[core.modelModule]!();
    if (cls === undefined) throw new Error(`kubernetes-models/${core.modelModule} does not export its kind`);
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
// Unknown fields: walk the object along the field tables.

/** class name -> JSON field name -> field type; `null` when there is no such class. */
const fieldTables = new Map<string, ReadonlyMap<string, string> | null>();

function fieldTable(className: string): ReadonlyMap<string, string> | null {
  let table = fieldTables.get(className);
  if (table !== undefined) return table;
  const tables = loadFieldTables(coreRootClasses());
  table = Object.hasOwn(tables, className) ? new Map(Object.entries(tables[className]!)) : null;
  fieldTables.set(className, table);
  return table;
}

/** Every field table the check can need; scripts/build.mjs writes it to dist/core-fields.json. */
export function collectCoreFieldTables(): FieldTables {
  return collectFieldTables(coreRootClasses());
}

/** client-node class names of every kind in core-models.cjs: the roots the field tables are collected from. */
function coreRootClasses(): string[] {
  return Object.keys(coreModels).map((key) => {
    const slash = key.lastIndexOf('/');
    return lookupKind(key.slice(0, slash), key.slice(slash + 1))!.clientClass;
  });
}

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
    // An unknown class name means the tables miss a type: fail loudly rather than silently
    // skipping the strict check.
    throw new Error(`no field table for ${type} (at ${formatPath(path) || 'the top level'})`);
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const fieldType = fields.get(key);
    if (fieldType === undefined) issues.push({ path: formatPath([...path, key]), message: `unknown field "${key}"` });
    else walk(item, fieldType, [...path, key], issues);
  }
}
