/**
 * CRD files → the versions they define, each with its openAPIV3Schema kept as text until a
 * kind is validated. Upstream CRD files are big (Argo CD's ApplicationSet alone is 1.4 MB of
 * YAML) and YAML parsing is slow, so each file is parsed with its schema blocks cut out
 * (milliseconds) and a schema is parsed the first time an object of its kind/version needs it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { isRecord } from '../core/ajv-errors.js';

const require = createRequire(import.meta.url);

/** A schema as found in a CRD file, parsed or not yet. */
type SchemaSource = { readonly parsed: unknown } | { readonly text: string };

export interface CrdVersion {
  readonly file: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  schema: SchemaSource | undefined;
}

// ---------------------------------------------------------------------------------------
// Loading files.

const CRD_FILE = /\.(ya?ml|json)$/i;

export function listFiles(dir: string): string[] {
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
export function loadFile(file: string): CrdVersion[][] {
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
      const used = new Set(crds.flatMap((versions) => versions.map((v) => v.schema).filter((s) => s !== undefined && 'text' in s)));
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
export function crdVersions(docs: readonly unknown[], file: string, blocks: readonly string[]): CrdVersion[][] {
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

export function parsedSchema(crd: CrdVersion): unknown {
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
