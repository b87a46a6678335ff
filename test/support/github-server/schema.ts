/**
 * Checks the server's answers (and clients' request bodies) against the operations of GitHub's
 * OpenAPI description kept in openapi-subset.json (see extract-openapi.ts). Formats are not
 * checked (no ajv-formats); everything else is, with OpenAPI 3.0's `nullable`.
 */
import * as fs from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { operationKey, type RouteDef } from './router.js';

type Schema = Record<string, unknown>;

interface Operation {
  readonly operationId: string;
  readonly docs: string | null;
  readonly requestBody: Schema | null;
  readonly responses: Record<string, Schema | null>;
}

interface Subset {
  readonly source: { version: string };
  readonly fallbackError: Schema;
  readonly operations: Record<string, Operation>;
  readonly definitions: Record<string, Schema>;
}

const DEFS_ID = 'github-openapi-subset';

/**
 * `#/definitions/x` → `github-openapi-subset#/definitions/x`, so every schema shares one compiled
 * copy; and OpenAPI 3.0's `nullable` without a `type` (e.g. `{ nullable: true, oneOf: [Simple
 * User, Empty Object] }`, which Ajv refuses) → `anyOf: [the schema, { type: 'null' }]`.
 */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    const rewritten = Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${DEFS_ID}${v}` : rewriteRefs(v),
      ]),
    );
    if (rewritten.nullable === true && rewritten.type === undefined) {
      const { nullable: _nullable, ...rest } = rewritten;
      return { anyOf: [rest, { type: 'null' }] };
    }
    return rewritten;
  }
  return value;
}

function formatErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

export type ResponseCheck = { readonly ok: true } | { readonly ok: false; readonly errors: string[] };

export class OpenApiSubset {
  private readonly subset: Subset;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(file: URL = new URL('./openapi-subset.json', import.meta.url)) {
    this.subset = JSON.parse(fs.readFileSync(file, 'utf8')) as Subset;
    this.ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    this.ajv.addSchema({ $id: DEFS_ID, definitions: rewriteRefs(this.subset.definitions) });
  }

  get version(): string {
    return this.subset.source.version;
  }

  /** Throws when a route has no operation in the subset (regenerate it after adding routes). */
  assertCovers(routes: readonly RouteDef[]): void {
    const missing = routes.map(operationKey).filter((key) => !this.subset.operations[key]);
    if (missing.length > 0) {
      throw new Error(`openapi-subset.json lacks ${missing.join(', ')}: regenerate it with extract-openapi.ts`);
    }
  }

  operation(key: string): Operation | undefined {
    return this.subset.operations[key];
  }

  private validator(id: string, schema: Schema): ValidateFunction {
    let fn = this.compiled.get(id);
    if (!fn) {
      fn = this.ajv.compile(rewriteRefs(schema) as Schema);
      this.compiled.set(id, fn);
    }
    return fn;
  }

  /** Checks a request body; undefined when valid (or when the operation takes none). */
  checkRequest(key: string, body: unknown): string[] | undefined {
    const schema = this.subset.operations[key]?.requestBody;
    if (!schema) return undefined;
    const fn = this.validator(`${key} request`, schema);
    return fn(body ?? {}) ? undefined : formatErrors(fn.errors);
  }

  /**
   * Checks an answer: a status the operation documents must match its schema (or have no body
   * when it documents none); an undocumented error status must be a GitHub error object; an
   * undocumented success status is itself a violation. `key` undefined: no route matched.
   */
  checkResponse(key: string | undefined, status: number, body: unknown): ResponseCheck {
    const op = key ? this.subset.operations[key] : undefined;
    const documented = op && Object.hasOwn(op.responses, String(status));
    if (op && documented) {
      const schema = op.responses[String(status)];
      if ((schema === null || schema === undefined) && status < 400) {
        return body === undefined ? { ok: true } : { ok: false, errors: [`${status} of ${key} has no body in GitHub's description`] };
      }
      // An error the description lists without a schema (e.g. 422 of delete-ref) still has GitHub's error body.
      if (schema === null || schema === undefined) return this.checkError(status, body);
      if (body === undefined) return { ok: false, errors: [`${status} of ${key} must have a body`] };
      const fn = this.validator(`${key} ${status}`, schema);
      return fn(body) ? { ok: true } : { ok: false, errors: formatErrors(fn.errors) };
    }
    if (status < 400) return { ok: false, errors: [`${key ?? 'this path'} does not answer ${status} in GitHub's description`] };
    return this.checkError(status, body);
  }

  /** An error answer: GitHub's "Basic Error" object with a message. */
  private checkError(status: number, body: unknown): ResponseCheck {
    const fn = this.validator('fallback error', this.subset.fallbackError);
    if (body === undefined) return { ok: false, errors: [`an error answer (${status}) must have GitHub's error body`] };
    return fn(body) && typeof (body as { message?: unknown }).message === 'string'
      ? { ok: true }
      : { ok: false, errors: formatErrors(fn.errors).concat('an error needs a message') };
  }
}
