/**
 * Extracts, from GitHub's OpenAPI description, the operations the test GitHub server implements
 * into `openapi-subset.json`, which the server validates every JSON response against.
 *
 * Source: `generated/api.github.com.deref.json` of the npm package `@octokit/openapi` (GitHub's
 * official description from github/rest-api-description, with `$ref`s inlined). It is not a
 * project dependency; to regenerate (after adding a route, or for a newer description):
 *
 *   mkdir -p /tmp/openapi && cd /tmp/openapi && npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-*.tgz
 *   node --import ./src/cli/register-ts.mjs test/support/github-server/extract-openapi.ts \
 *     /tmp/openapi/package/generated/api.github.com.deref.json
 *
 * What is kept: for each implemented route (method + OpenAPI path, read from routes/index.ts),
 * the JSON schema of each response status (null for a response without a body), the request
 * body's schema and the operation's documentation URL. Descriptions, examples, titles and
 * extensions are dropped; identical sub-schemas that occur more than once (Simple User,
 * Repository, ...) are stored once under `definitions` and referenced with `$ref`, which keeps
 * the file small. A generic error schema (`fallbackError`) checks error answers an operation does
 * not document (401, rate limits, 5xx).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { operationKey } from './router.js';
import { allRoutes } from './routes/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

/** Schema keywords kept (validation only); everything else (description, example, x-*) goes. */
const KEEP = new Set([
  'type',
  'nullable',
  'enum',
  'const',
  'format',
  'pattern',
  'required',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
]);

interface Node {
  readonly schema: Schema;
  readonly hash: string;
  readonly size: number;
  readonly title: string | undefined;
  /** Where it was first met (property name, operation), to name an untitled definition. */
  readonly hint: string;
}

/** Strips a schema to its validation keywords, children first; each node gets a content hash. */
function strip(schema: Json, counts: Map<string, Node[]>, hint: string): Node {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    const text = JSON.stringify(schema);
    return { schema: schema as unknown as Schema, hash: text, size: text.length, title: undefined, hint };
  }
  const out: Schema = {};
  const child = (s: Json, childHint: string): Json => strip(s, counts, childHint).schema as unknown as Json;
  for (const [key, value] of Object.entries(schema)) {
    if (KEEP.has(key)) out[key] = value;
    else if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([name, s]) => [name, child(s, name)]));
    } else if (key === 'items' || key === 'not' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = child(value, key === 'items' ? `${hint}-item` : `${hint}-${key}`);
    } else if (key === 'additionalProperties') {
      out[key] = value;
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as Json[]).map((s, i) => child(s, `${hint}-${key}-${i}`));
    }
  }
  const text = JSON.stringify(out);
  const node: Node = {
    schema: out,
    hash: createHash('sha1').update(text).digest('hex'),
    size: text.length,
    title: typeof schema.title === 'string' ? schema.title : undefined,
    hint,
  };
  const list = counts.get(node.hash) ?? [];
  list.push(node);
  counts.set(node.hash, list);
  return node;
}

/** Replaces repeated sub-schemas (at least `minSize` characters) with `$ref`s into `definitions`. */
function hoist(
  root: Schema,
  counts: Map<string, Node[]>,
  definitions: Record<string, Json>,
  names: Map<string, string>,
  minSize: number,
  isRoot = true,
): Schema {
  const text = JSON.stringify(root);
  const hash = createHash('sha1').update(text).digest('hex');
  const occurrences = counts.get(hash);
  if (!isRoot && occurrences && occurrences.length > 1 && text.length >= minSize) {
    let name = names.get(hash);
    if (!name) {
      const title = occurrences.find((o) => o.title)?.title ?? occurrences[0]!.hint;
      const base =
        title
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'schema';
      name = base;
      for (let i = 2; Object.hasOwn(definitions, name); i++) name = `${base}-${i}`;
      names.set(hash, name);
      definitions[name] = null; // reserve the name before recursing
      definitions[name] = hoist(root, counts, definitions, names, minSize, true) as unknown as Json;
    }
    return { $ref: `#/definitions/${name}` };
  }
  const out: Schema = {};
  const child = (s: Json): Json =>
    typeof s === 'object' && s !== null && !Array.isArray(s)
      ? (hoist(s as Schema, counts, definitions, names, minSize, false) as unknown as Json)
      : s;
  for (const [key, value] of Object.entries(root)) {
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([name, s]) => [name, child(s)]));
    } else if (key === 'items' || key === 'not' || key === 'additionalProperties') {
      out[key] = child(value);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as Json[]).map(child);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function jsonSchemaOf(content: Json | undefined): Json | undefined {
  if (!content || typeof content !== 'object' || Array.isArray(content)) return undefined;
  const media = (content['application/json'] ?? Object.values(content)[0]) as Schema | undefined;
  return media?.schema;
}

function main(): void {
  const input = process.argv[2];
  if (!input) {
    console.error('usage: extract-openapi.ts <path to api.github.com.deref.json>');
    process.exit(2);
  }
  const description = JSON.parse(fs.readFileSync(input, 'utf8')) as {
    info: { version: string };
    paths: Record<string, Record<string, Schema>>;
  };
  const counts = new Map<string, Node[]>();
  type Stripped = { operationId: string; docs: string | null; requestBody: Schema | null; responses: Record<string, Schema | null> };
  const operations: Record<string, Stripped> = {};
  const keys = [...new Set(allRoutes.map(operationKey))].sort();
  for (const key of keys) {
    const [method, path] = key.split(' ') as [string, string];
    const op = description.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${key} is not in ${input}`);
    const responses: Record<string, Schema | null> = {};
    for (const [status, response] of Object.entries(op.responses as Record<string, Schema>)) {
      const schema = jsonSchemaOf(response.content);
      responses[status] = schema === undefined ? null : strip(schema, counts, `${op.operationId}-${status}`).schema;
    }
    const body = jsonSchemaOf((op.requestBody as Schema | undefined)?.content);
    operations[key] = {
      operationId: String(op.operationId),
      docs: ((op.externalDocs as Schema | undefined)?.url as string | undefined) ?? null,
      requestBody: body === undefined ? null : strip(body, counts, `${op.operationId}-request`).schema,
      responses,
    };
  }
  // A documented "Basic Error" (any operation's 404) checks undocumented error answers.
  const basicError = jsonSchemaOf((description.paths['/repos/{owner}/{repo}']!.get!.responses as Record<string, Schema>)['404']!.content);
  const fallbackError = strip(basicError!, counts, 'basic-error').schema;

  const definitions: Record<string, Json> = {};
  const names = new Map<string, string>();
  const MIN_SIZE = 120;
  for (const op of Object.values(operations)) {
    if (op.requestBody) op.requestBody = hoist(op.requestBody, counts, definitions, names, MIN_SIZE);
    for (const status of Object.keys(op.responses)) {
      const schema = op.responses[status];
      // Whole responses are shared too (Basic Error, Full Repository, Git Reference...).
      if (schema) op.responses[status] = hoist(schema, counts, definitions, names, MIN_SIZE, false);
    }
  }
  const subset = {
    $comment:
      'Generated by test/support/github-server/extract-openapi.ts from @octokit/openapi generated/api.github.com.deref.json; do not edit, regenerate (see that file).',
    source: { package: '@octokit/openapi', file: 'generated/api.github.com.deref.json', version: description.info.version },
    fallbackError,
    operations,
    definitions,
  };
  const out = fileURLToPath(new URL('./openapi-subset.json', import.meta.url));
  const text = `${JSON.stringify(subset, null, 1)}\n`;
  fs.writeFileSync(out, text);
  console.log(
    `${out}: ${keys.length} operations, ${Object.keys(definitions).length} shared definitions, ${(text.length / 1024).toFixed(0)} KiB`,
  );
}

main();
