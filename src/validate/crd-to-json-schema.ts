/**
 * A Kubernetes structural schema (a CRD's openAPIV3Schema) → an ajv (draft-07) schema that
 * validates the way the API server does with strict field validation: fields it would prune
 * are unknown, `metadata` is checked as ObjectMeta, `x-kubernetes-*` markers are honoured.
 */
import { isRecord } from '../core/ajv-errors.js';

type Json = Record<string, unknown>;

/** Stands for an already-seen child subtree while hashing a node (no schema uses this key). */
const CHILD_ID = '$slipwayChildId';

/** Formats the API server validates (and that generated objects plausibly use); others are ignored. */
export const FORMATS = {
  'date-time': /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/,
  date: /^\d{4}-\d\d-\d\d$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
};

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };

/** CRD schemas leave metadata free; the API server validates it as ObjectMeta. Check the essentials. */
const METADATA: Json = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    namespace: { type: 'string' },
    labels: STRING_MAP,
    annotations: STRING_MAP,
  },
};
/** metadata of an embedded resource (a pod template, say) has no name. */
const EMBEDDED_METADATA: Json = { type: 'object', properties: { labels: STRING_MAP, annotations: STRING_MAP } };

/** Validation keywords copied unchanged: same meaning in OpenAPI v3 and JSON Schema draft-07. */
const COPIED = [
  'enum',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
] as const;

export function rootSchema(schema: unknown): Json {
  const root = convert(isRecord(schema) ? schema : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, true);
  const properties = isRecord(root['properties']) ? root['properties'] : {};
  const required = Array.isArray(root['required']) ? (root['required'] as unknown[]) : [];
  return {
    ...root,
    type: 'object',
    properties: { ...properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: METADATA },
    required: [...new Set([...required, 'apiVersion', 'kind', 'metadata'])],
  };
}

/**
 * Converts one schema node. `structural` is false inside allOf/anyOf/oneOf/not: those are
 * value validations in Kubernetes, they do not declare fields, so they get no
 * unknown-field rule of their own.
 */
function convert(s: Json, structural: boolean): Json {
  const out: Json = {};
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const nullable = s['nullable'] === true;

  // ajv's own `nullable` needs a sibling `type` (and throws otherwise): express it as a type.
  const type = intOrString ? ['integer', 'string'] : embedded && s['type'] === undefined ? 'object' : s['type'];
  if (type !== undefined) out['type'] = nullable ? [...(Array.isArray(type) ? type : [type]), 'null'] : type;

  for (const k of COPIED) if (s[k] !== undefined) out[k] = s[k];
  if (nullable && Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  // OpenAPI 3.0 has boolean exclusiveMinimum/Maximum modifying minimum/maximum; draft-07 has numbers.
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (s[exclusive] === true && typeof s[bound] === 'number') {
      out[exclusive] = s[bound];
      delete out[bound];
    }
  }
  if (s['x-kubernetes-list-type'] === 'set') out['uniqueItems'] = true;

  let properties: Json | undefined;
  if (isRecord(s['properties'])) {
    properties = {};
    for (const [name, child] of Object.entries(s['properties'])) {
      properties[name] = isRecord(child) ? convert(child, structural) : {};
    }
  }
  if (embedded) {
    // An embedded resource is an object with apiVersion/kind/metadata, declared or not.
    properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, ...properties, metadata: EMBEDDED_METADATA };
    out['required'] = [...new Set([...((out['required'] as unknown[] | undefined) ?? []), 'apiVersion', 'kind'])];
  }
  if (properties !== undefined) out['properties'] = properties;

  const additional = s['additionalProperties'];
  if (typeof additional === 'boolean') out['additionalProperties'] = additional;
  else if (isRecord(additional)) out['additionalProperties'] = convert(additional, structural);
  else if (structural && !preserve && (properties !== undefined || s['type'] === 'object')) {
    // What the API server would prune: an unknown field under --validate=strict. This
    // includes a bare `type: object` (no properties), which only admits `{}`.
    out['additionalProperties'] = false;
  }

  if (isRecord(s['items'])) out['items'] = convert(s['items'], structural);
  else if (Array.isArray(s['items'])) out['items'] = s['items'].map((c) => (isRecord(c) ? convert(c, structural) : {}));

  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = s[combinator];
    if (!Array.isArray(branches)) continue;
    // The `anyOf: [{type: integer}, {type: string}]` that accompanies int-or-string is
    // already expressed by `type`; keeping it would only double the errors.
    if (intOrString && branches.every((b) => isRecord(b) && Object.keys(b).every((k) => k === 'type'))) continue;
    out[combinator] = branches.map((b) => (isRecord(b) ? convert(b, false) : {}));
  }
  if (isRecord(s['not'])) out['not'] = convert(s['not'], false);
  return out;
}

// ---------------------------------------------------------------------------------------
// Compile-time reduction.

/** Below this (serialised length), a repeated subschema is cheaper to compile twice than to call. */
const MIN_SHARED_SIZE = 300;

/**
 * Moves subschemas that occur more than once into `definitions` and refers to them with
 * `$ref`, so ajv generates their code once. Upstream CRDs repeat a lot: ApplicationSet
 * embeds the Application spec once per generator type (335 kB of schema, 21 kB once
 * shared), which takes ajv's compile from ~1.1 s to ~40 ms. Only structural positions
 * (properties, items, additionalProperties) are shared: branches of anyOf/oneOf stay
 * inline, so the errors of a failed branch keep its schema path prefix (see
 * issuesFromAjvErrors).
 */
export function shareRepeatedSubschemas(root: Json): Json {
  interface Shape {
    readonly id: string;
    readonly size: number;
    count: number;
  }
  const shapes = new Map<string, Shape>();
  const shapeOf = new Map<Json, Shape>();

  // Bottom-up: a node's key is its JSON with structural children replaced by their ids,
  // so identical subtrees get the same id in time linear in the schema size.
  const visit = (node: Json): Shape => {
    let childSize = 0;
    const keyed = mapChildren(node, (child) => {
      const shape = visit(child);
      childSize += shape.size;
      return { [CHILD_ID]: shape.id };
    });
    const canonical = JSON.stringify(keyed);
    let shape = shapes.get(canonical);
    if (shape === undefined) {
      shape = { id: `s${shapes.size}`, size: canonical.length + childSize, count: 0 };
      shapes.set(canonical, shape);
    }
    shape.count++;
    shapeOf.set(node, shape);
    return shape;
  };
  visit(root);

  const definitions: Json = {};
  const rewrite = (node: Json): Json => {
    const shape = shapeOf.get(node)!;
    if (node === root || shape.count < 2 || shape.size < MIN_SHARED_SIZE) return mapChildren(node, rewrite);
    if (!(shape.id in definitions)) definitions[shape.id] = mapChildren(node, rewrite);
    return { $ref: `#/definitions/${shape.id}` };
  };
  const out = rewrite(root);
  return Object.keys(definitions).length === 0 ? out : { ...out, definitions };
}

/** A shallow copy of a converted schema with its structural children mapped. */
function mapChildren(node: Json, fn: (child: Json) => Json): Json {
  const out: Json = { ...node };
  const properties = node['properties'];
  if (isRecord(properties)) {
    const mapped: Json = {};
    for (const [name, child] of Object.entries(properties)) mapped[name] = isRecord(child) ? fn(child) : child;
    out['properties'] = mapped;
  }
  for (const k of ['items', 'additionalProperties'] as const) {
    const child = node[k];
    if (isRecord(child)) out[k] = fn(child);
  }
  return out;
}
