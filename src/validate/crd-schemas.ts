import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { Ajv as AjvClass, ValidateFunction } from 'ajv';

import { isRecord, issuesFromAjvErrors } from './schema-issue.js';
import type { AjvLikeError, SchemaIssue } from './schema-issue.js';

/*
 * Custom resources are validated against the openAPIV3Schema of their CRD, strictly, the
 * way `kubectl apply --validate=strict` does (server-side field validation): a field the
 * API server would prune is an "unknown field".
 *
 * Upstream CRD files are big (Argo CD's ApplicationSet alone is 1.4 MB of YAML) and YAML
 * parsing is slow (~1.3 s for the whole test set), while a synth only ever validates a few
 * kinds. So `fromDirectory` parses each file with its schema blocks cut out (milliseconds)
 * and keeps the schema text; a schema is parsed, converted and compiled the first time an
 * object of that kind/version is validated. yaml and ajv themselves are required lazily too.
 */
const require = createRequire(import.meta.url);

type Json = Record<string, unknown>;

export interface CrdSchemasOptions {
  /** Parse every schema now instead of on first use: slower, but a broken schema fails at load time. */
  readonly eager?: boolean;
}

/** A schema as found in a CRD file, parsed or not yet. */
type SchemaSource = { readonly parsed: unknown } | { readonly text: string };

interface CrdVersion {
  readonly file: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  schema: SchemaSource | undefined;
}

export class CrdSchemas {
  /** The group/kinds loaded, for messages (`argoproj.io/Rollout`). */
  readonly kinds: readonly string[];
  readonly #versions: ReadonlyMap<string, CrdVersion>;
  readonly #validators = new Map<CrdVersion, ValidateFunction>();
  #ajv: AjvClass | undefined;

  private constructor(crds: readonly (readonly CrdVersion[])[]) {
    // A CRD defined twice: the later file wins, versions and all, like a later `kubectl apply`.
    const byGroupKind = new Map<string, readonly CrdVersion[]>();
    for (const versions of crds) {
      const first = versions[0];
      if (first !== undefined) byGroupKind.set(`${first.group}/${first.kind}`, versions);
    }
    const byKey = new Map<string, CrdVersion>();
    for (const v of [...byGroupKind.values()].flat()) byKey.set(key(`${v.group}/${v.version}`, v.kind), v);
    this.#versions = byKey;
    this.kinds = [...byGroupKind.keys()].sort();
  }

  /**
   * Reads every *.yaml/*.yml/*.json file under `dir` (recursively). A file may hold several
   * YAML documents, a `kind: List` (as `kubectl get crd -o yaml` prints) or a
   * CustomResourceDefinition; other documents are ignored.
   */
  static fromDirectory(dir: string, options: CrdSchemasOptions = {}): CrdSchemas {
    let files: string[];
    try {
      files = listFiles(dir);
    } catch (error) {
      throw new Error(`cannot read CRD directory ${dir}: ${(error as Error).message}`, { cause: error });
    }
    const crds = files.flatMap(loadFile);
    if (options.eager === true) for (const v of crds.flat()) parsedSchema(v);
    return new CrdSchemas(crds);
  }

  /**
   * CRDs from folders (read as {@link fromDirectory} does) and from already-parsed objects
   * (e.g. the CustomResourceDefinitions a Helm chart renders; other objects are ignored), in
   * that order: a CRD defined twice takes its later definition, so `objects` win.
   */
  static fromSources(
    sources: { readonly directories?: readonly string[]; readonly objects?: readonly unknown[] },
    options: CrdSchemasOptions = {},
  ): CrdSchemas {
    const crds: CrdVersion[][] = [];
    for (const dir of sources.directories ?? []) {
      let files: string[];
      try {
        files = listFiles(dir);
      } catch (error) {
        throw new Error(`cannot read CRD directory ${dir}: ${(error as Error).message}`, { cause: error });
      }
      crds.push(...files.flatMap(loadFile));
    }
    for (const obj of sources.objects ?? []) {
      const name = isRecord(obj) && isRecord(obj['metadata']) ? String(obj['metadata']['name']) : '?';
      crds.push(...crdVersions([obj], `<object CustomResourceDefinition ${name}>`, []));
    }
    if (options.eager === true) for (const v of crds.flat()) parsedSchema(v);
    return new CrdSchemas(crds);
  }

  /** True when a CRD for this apiVersion (group/version) and kind was loaded and serves that version. */
  has(apiVersion: string, kind: string): boolean {
    return this.#versions.get(key(apiVersion, kind))?.served === true;
  }

  /** Validates against the version's openAPIV3Schema, strictly (unknown fields are issues). */
  validate(obj: Record<string, unknown>): SchemaIssue[] {
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      const field = typeof apiVersion !== 'string' ? 'apiVersion' : 'kind';
      return [{ path: field, message: `missing required field "${field}"` }];
    }
    const crd = this.#versions.get(key(apiVersion, kind));
    if (crd === undefined || !crd.served) {
      const known = this.kinds.length > 0 ? this.kinds.join(', ') : 'none';
      const why = crd === undefined ? 'no CRD loaded' : `the CRD (${crd.file}) does not serve version ${crd.version}`;
      return [{ path: 'apiVersion', message: `${why} for ${apiVersion} ${kind} (loaded: ${known})` }];
    }
    const validator = this.#validator(crd);
    if (validator(obj)) return [];
    return issuesFromAjvErrors((validator.errors ?? []) as AjvLikeError[], obj);
  }

  #validator(crd: CrdVersion): ValidateFunction {
    let validator = this.#validators.get(crd);
    if (validator === undefined) {
      validator = this.#getAjv().compile(shareRepeatedSubschemas(rootSchema(parsedSchema(crd))));
      this.#validators.set(crd, validator);
    }
    return validator;
  }

  #getAjv(): AjvClass {
    if (this.#ajv === undefined) {
      const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
      this.#ajv = new Ajv({
        // CRD schemas carry keywords ajv does not know (x-kubernetes-*, example...).
        strict: false,
        allErrors: true,
        // Formats the API server does not check (int32, int64, ...) are ignored without a warning.
        logger: false,
        validateSchema: false,
        // ajv's optimisation pass halves compile time of a big CRD schema when off; validation stays fast.
        code: { optimize: false },
        // Shared subschemas (see shareRepeatedSubschemas) must stay one function each.
        inlineRefs: false,
        // Errors carry their schema: lets a failed oneOf name the mutually exclusive fields.
        verbose: true,
        formats: FORMATS,
      });
    }
    return this.#ajv;
  }
}

function key(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}

// ---------------------------------------------------------------------------------------
// Loading files.

const CRD_FILE = /\.(ya?ml|json)$/i;

function listFiles(dir: string): string[] {
  if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (CRD_FILE.test(entry.name)) out.push(path);
  }
  return out;
}

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
function yaml(): YamlModule {
  return (yamlModule ??= require('yaml') as YamlModule);
}

/** The CRDs of one file, each as the list of its versions. */
function loadFile(file: string): CrdVersion[][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read CRD file ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (/\.json$/i.test(file)) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new Error(`cannot parse CRD file ${file}: ${(error as Error).message}`, { cause: error });
    }
    return crdVersions(Array.isArray(doc) ? doc : [doc], file, []);
  }

  const { skeleton, blocks } = cutSchemaBlocks(text);
  if (blocks.length > 0) {
    const docs = parseYamlDocuments(skeleton);
    if (docs !== undefined) {
      const crds = crdVersions(docs, file, blocks);
      // Every cut block must have landed in a version's schema; otherwise the cut hit
      // something else (a description mentioning the key...) and the full parse decides.
      const used = new Set(
        crds.flatMap((versions) => versions.map((v) => v.schema).filter((s) => s !== undefined && 'text' in s)),
      );
      if (used.size === blocks.length) return crds;
    }
  }
  const docs = parseYamlDocuments(text);
  if (docs === undefined) {
    // Parse again for the error: its line/column must refer to the real file.
    const error = yaml()
      .parseAllDocuments(text)
      .flatMap((d) => d.errors)[0];
    throw new Error(`cannot parse CRD file ${file}: ${error?.message ?? 'invalid YAML'}`);
  }
  return crdVersions(docs, file, []);
}

/** All documents of a YAML stream as plain values, or undefined when the text does not parse. */
function parseYamlDocuments(text: string): unknown[] | undefined {
  const docs = yaml().parseAllDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => d.toJS({ maxAliasCount: -1 }) as unknown);
}

// The key may be quoted: Knative's generated CRDs write `"openAPIV3Schema":`.
const SCHEMA_KEY = /^( *)(["']?)openAPIV3Schema\2:[ \t]*(?:#.*)?\r?$/;
const PLACEHOLDER = '$slipwaySchemaBlock';

/**
 * Replaces each block-style `openAPIV3Schema:` mapping by a one-line placeholder
 * (`openAPIV3Schema: {"$slipwaySchemaBlock": 0}`) and returns the cut blocks: parsing the
 * remaining skeleton is cheap. A block is every following line indented deeper than the
 * key (blank and comment lines included); YAML guarantees a mapping value is. Works on
 * indices rather than split lines: this runs over megabytes at every start.
 */
function cutSchemaBlocks(text: string): { skeleton: string; blocks: string[] } {
  const blocks: string[] = [];
  let skeleton = '';
  let copied = 0;
  let found = text.indexOf('openAPIV3Schema');
  while (found !== -1) {
    const lineStart = text.lastIndexOf('\n', found) + 1;
    let lineEnd = text.indexOf('\n', found);
    if (lineEnd === -1) lineEnd = text.length;
    const match = lineStart >= copied ? SCHEMA_KEY.exec(text.slice(lineStart, lineEnd)) : null;
    if (match !== null) {
      // The block ends before the first line that is neither blank nor a comment and is
      // indented no deeper than the key (or at the end of the text).
      const outdent = blockEndPattern(match[1]!.length);
      outdent.lastIndex = lineEnd;
      const blockEnd = outdent.exec(text)?.index ?? text.length;
      if (/\S/.test(text.slice(lineEnd, Math.min(blockEnd, lineEnd + 200)))) {
        skeleton += `${text.slice(copied, lineStart)}${match[1]!}openAPIV3Schema: {"${PLACEHOLDER}": ${blocks.length}}`;
        blocks.push(text.slice(lineEnd + 1, blockEnd));
        copied = blockEnd;
      }
    }
    found = text.indexOf('openAPIV3Schema', Math.max(lineEnd, copied));
  }
  return { skeleton: skeleton + text.slice(copied), blocks };
}

const blockEndPatterns = new Map<number, RegExp>();
function blockEndPattern(indent: number): RegExp {
  let pattern = blockEndPatterns.get(indent);
  if (pattern === undefined) blockEndPatterns.set(indent, (pattern = new RegExp(`\\n {0,${indent}}[^ \\r\\n#]`, 'g')));
  return pattern;
}

/** The CRDs among `docs` (a `kind: List` is unpacked), each as its served and unserved versions. */
function crdVersions(docs: readonly unknown[], file: string, blocks: readonly string[]): CrdVersion[][] {
  const out: CrdVersion[][] = [];
  const sources = new Map<number, SchemaSource>();
  const source = (schema: unknown): SchemaSource | undefined => {
    if (schema === undefined || schema === null) return undefined;
    const index = isRecord(schema) ? schema[PLACEHOLDER] : undefined;
    if (typeof index !== 'number') return { parsed: schema };
    const text = blocks[index];
    if (text === undefined) return { parsed: schema };
    // One SchemaSource per block: the caller counts distinct sources to check every block was placed.
    let s = sources.get(index);
    if (s === undefined) sources.set(index, (s = { text }));
    return s;
  };

  const visit = (doc: unknown): void => {
    if (!isRecord(doc)) return;
    if (doc['kind'] === 'List' && Array.isArray(doc['items'])) {
      for (const item of doc['items']) visit(item);
      return;
    }
    if (doc['kind'] !== 'CustomResourceDefinition' || !isRecord(doc['spec'])) return;
    const spec = doc['spec'];
    const group = spec['group'];
    const kind = isRecord(spec['names']) ? spec['names']['kind'] : undefined;
    if (typeof group !== 'string' || typeof kind !== 'string') {
      throw new Error(`CRD file ${file}: a CustomResourceDefinition without spec.group or spec.names.kind`);
    }
    // apiextensions.k8s.io/v1beta1 CRDs may have a single `version` and a shared `validation`.
    const shared = isRecord(spec['validation']) ? spec['validation']['openAPIV3Schema'] : undefined;
    const versions: unknown[] = Array.isArray(spec['versions'])
      ? spec['versions']
      : typeof spec['version'] === 'string'
        ? [{ name: spec['version'], served: true }]
        : [];
    const crd: CrdVersion[] = [];
    for (const v of versions) {
      if (!isRecord(v) || typeof v['name'] !== 'string') continue;
      const own = isRecord(v['schema']) ? v['schema']['openAPIV3Schema'] : undefined;
      crd.push({ file, group, version: v['name'], kind, served: v['served'] === true, schema: source(own ?? shared) });
    }
    out.push(crd);
  };
  for (const doc of docs) visit(doc);
  return out;
}

function parsedSchema(crd: CrdVersion): unknown {
  const { schema } = crd;
  if (schema === undefined) return undefined;
  if ('parsed' in schema) return schema.parsed;
  const doc = yaml().parseDocument(schema.text);
  if (doc.errors.length > 0) {
    throw new Error(
      `CRD file ${crd.file}: cannot parse the openAPIV3Schema of ${crd.group}/${crd.version} ${crd.kind}: ${doc.errors[0]!.message}`,
    );
  }
  const parsed: unknown = doc.toJS({ maxAliasCount: -1 });
  crd.schema = { parsed };
  return parsed;
}

// ---------------------------------------------------------------------------------------
// Kubernetes structural schema -> ajv (draft-07) schema.

/** Formats the API server validates (and that generated objects plausibly use); others are ignored. */
const FORMATS = {
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

function rootSchema(schema: unknown): Json {
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
function shareRepeatedSubschemas(root: Json): Json {
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
      return { [PLACEHOLDER]: shape.id };
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
