/**
 * ajv's errors → the problems worth telling a person, once for every schema slipway checks:
 * env files against `envs/env.schema.json`, generated objects against the Kubernetes schemas and
 * the CRDs. ajv reports every branch of a failed `oneOf`/`anyOf` ("must be string", "must be
 * integer", "must match exactly one schema"); folded here, so each caller only words what is left
 * (src/load/env-schema-wording.ts for env files, src/validate/schema-issue.ts for objects).
 */

/**
 * The subset of an ajv `ErrorObject` read here. slipway's own ajv instances and the validators
 * precompiled into kubernetes-models (which carry their own ajv) both produce this shape.
 */
export interface AjvLikeError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  /** The keyword's schema value, present when ajv runs with `verbose: true`. */
  readonly schema?: unknown;
  /** The schema holding the keyword, present with `verbose: true`. */
  readonly parentSchema?: unknown;
  /** For `propertyNames` sub-errors: the key that failed. */
  readonly propertyName?: string;
}

/** One problem to word: an error alone, or a failed combinator with its alternatives' errors at its own path. */
export type FoldedError =
  | { readonly kind: 'single'; readonly error: AjvLikeError }
  | { readonly kind: 'combinator'; readonly error: AjvLikeError; readonly alternatives: readonly AjvLikeError[] };

const COMBINATORS = new Set(['oneOf', 'anyOf']);

/**
 * Folds the branches of failed combinators into them, outermost first. A combinator whose value
 * matched a branch's type and failed deeper inside it (an object with one bad field) is not
 * reported: the deeper errors are, they say what to fix. `propertyNames` errors are left out:
 * the error about the key itself (with `propertyName`) says it better.
 */
export function foldAjvErrors(errors: readonly AjvLikeError[]): FoldedError[] {
  const consumed = new Set<AjvLikeError>();
  const folded: Array<{ at: number; item: FoldedError }> = [];
  const combinators = errors
    .filter((e) => COMBINATORS.has(e.keyword))
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length || a.instancePath.length - b.instancePath.length);
  for (const combinator of combinators) {
    if (consumed.has(combinator)) continue;
    consumed.add(combinator);
    // ajv reports full schema paths (branch errors share the combinator's prefix); the
    // kubernetes-models validators are split into one function per definition, so their schema
    // paths are relative (`#/oneOf`); and a branch that is a `$ref` reports the referenced
    // definition's path. So a branch is also recognised by its instance path.
    const open = errors.filter((e) => e !== combinator && !consumed.has(e));
    const branch = open.filter((e) => e.schemaPath.startsWith(`${combinator.schemaPath}/`) || e.instancePath === combinator.instancePath);
    const level = open.filter((e) => e.instancePath === combinator.instancePath);
    const deeper = open.some((e) => e.instancePath.startsWith(`${combinator.instancePath}/`));
    for (const e of level) consumed.add(e);
    if (deeper) continue; // the deeper errors stay, to be reported on their own
    for (const e of branch) consumed.add(e);
    folded.push({ at: errors.indexOf(combinator), item: { kind: 'combinator', error: combinator, alternatives: level } });
  }
  errors.forEach((error, at) => {
    if (!consumed.has(error) && error.keyword !== 'propertyNames') folded.push({ at, item: { kind: 'single', error } });
  });
  return folded.sort((a, b) => a.at - b.at).map((f) => f.item);
}

/** A path segment: array index or object key. */
export type PathSegment = string | number;

/**
 * Splits a JSON pointer (`/spec/ports/0/port`) into segments, using the data to tell an array
 * index from a map key that happens to be numeric (ajv's pointer does not say).
 */
export function pointerToSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      const index = Number(key);
      segments.push(index);
      current = current[index];
    } else {
      segments.push(key);
      current = isRecord(current) ? current[key] : undefined;
    }
  }
  return segments;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * `['spec', 'containers', 0, 'name']` → `spec.containers[0].name`. Keys that are not
 * identifier-like (label keys such as `app.kubernetes.io/name`) are quoted, so the path stays
 * unambiguous: `metadata.labels["app.kubernetes.io/name"]`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `segments` in `data`; undefined where there is none. */
export function valueAt(data: unknown, segments: readonly PathSegment[]): unknown {
  let current = data;
  for (const seg of segments) {
    if (typeof seg === 'number') current = Array.isArray(current) ? current[seg] : undefined;
    else current = isRecord(current) ? current[seg] : undefined;
  }
  return current;
}
