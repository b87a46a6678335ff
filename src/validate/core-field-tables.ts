/**
 * Field tables for the unknown-field check of built-in kinds: class name -> JSON field name ->
 * field type, for every type reachable from the kinds slipway validates.
 *
 * They come from @kubernetes/client-node's generated models (`attributeTypeMap`), which list
 * every field of every type. client-node is 57 MB with its HTTP stack, for tables of ~200 KB:
 * so it is a devDependency, `npm run build` writes the tables to dist/core-fields.json
 * (scripts/build.mjs runs `collectFieldTables`), and an installed slipway reads that file.
 * From a checkout without dist/ (tests run before a build), the tables are collected from
 * client-node directly, which a checkout has.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { packageFile } from '../core/package-root.js';

const require = createRequire(import.meta.url);

export type FieldTables = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Types whose content is not checked for unknown fields: scalars (kubernetes-models checks them) and free-form values. */
export const OPAQUE_TYPES: ReadonlySet<string> = new Set([
  'string',
  'number',
  'boolean',
  'Date',
  'any',
  'object',
  'IntOrString',
  'V1MicroTime',
]);

export const ARRAY_TYPE = /^Array<(.+)>$/;
export const MAP_TYPE = /^\{ \[key: string\]: (.+); \}$/;

interface Attribute {
  readonly baseName: string;
  readonly type: string;
}
interface ClientModel {
  getAttributeTypeMap(): Attribute[];
}

/** The class a field type refers to (`Array<V1Container>` -> `V1Container`), or undefined for opaque types. */
function referencedClass(type: string): string | undefined {
  const inner = ARRAY_TYPE.exec(type)?.[1] ?? MAP_TYPE.exec(type)?.[1];
  if (inner !== undefined) return referencedClass(inner);
  return OPAQUE_TYPES.has(type) ? undefined : type;
}

/** Walks client-node's models from `rootClasses` through every field type; build time and checkouts only. */
export function collectFieldTables(rootClasses: readonly string[]): FieldTables {
  const tables: Record<string, Record<string, string>> = {};
  const pending = [...rootClasses];
  for (let className = pending.pop(); className !== undefined; className = pending.pop()) {
    if (Object.hasOwn(tables, className)) continue;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(className)) throw new Error(`not a client-node model name: ${className}`);
    const cls = (require(`@kubernetes/client-node/dist/gen/models/${className}.js`) as Record<string, ClientModel>)[className];
    if (cls === undefined) throw new Error(`@kubernetes/client-node has no model ${className}`);
    const table: Record<string, string> = {};
    for (const { baseName, type } of cls.getAttributeTypeMap()) {
      table[baseName] = type;
      const referenced = referencedClass(type);
      if (referenced !== undefined) pending.push(referenced);
    }
    tables[className] = table;
  }
  // Sorted, so dist/core-fields.json is the same bytes on every build.
  return Object.fromEntries(Object.entries(tables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

let loaded: FieldTables | undefined;

/** The tables for `rootClasses`: dist/core-fields.json when built, else collected from client-node. */
export function loadFieldTables(rootClasses: readonly string[]): FieldTables {
  if (loaded !== undefined) return loaded;
  const built = packageFile('dist/core-fields.json');
  if (existsSync(built)) return (loaded = JSON.parse(readFileSync(built, 'utf8')) as FieldTables);
  try {
    return (loaded = collectFieldTables(rootClasses));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(`${built} is missing (and @kubernetes/client-node is not installed to collect it): run npm run build`);
  }
}
