/** One problem found in a generated object. `path` is a JSON-pointer-like dotted path, e.g. `spec.template.spec.containers[0].imagePullPolcy`. */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

/** A path segment: array index or object key. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * `['spec', 'containers', 0, 'name']` -> `spec.containers[0].name`.
 * Keys that are not identifier-like (label keys such as `app.kubernetes.io/name`)
 * are quoted, so the path stays unambiguous: `metadata.labels["app.kubernetes.io/name"]`.
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

/**
 * The subset of an ajv `ErrorObject` we read. Both our own ajv instance (CRDs) and the
 * validators precompiled into kubernetes-models (which carry their own ajv) produce this
 * shape, so one converter serves both.
 */
export interface AjvLikeError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  /** The keyword's schema value, present when ajv runs with `verbose: true`. */
  readonly schema?: unknown;
}

/**
 * Splits a JSON pointer (`/spec/ports/0/port`) into segments, using the data to tell an
 * array index from a map key that happens to be numeric (ajv's pointer does not say).
 */
function pointerToSegments(pointer: string, data: unknown): PathSegment[] {
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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(data: unknown, segments: readonly PathSegment[]): unknown {
  let current = data;
  for (const seg of segments) {
    if (typeof seg === 'number') current = Array.isArray(current) ? current[seg] : undefined;
    else current = isRecord(current) ? current[seg] : undefined;
  }
  return current;
}

/** `"two"` -> `string "two"`, for messages: the value is usually what the user needs to see. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  return `${typeof value} ${String(value)}`;
}

function truncate(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const COMBINATORS = new Set(['oneOf', 'anyOf']);

/** ajv gives `type` as `"integer"` or `["integer", "string"]`. */
function typeList(type: unknown): string {
  return Array.isArray(type) ? type.join(' or ') : String(type);
}

/** One alternative of a failed oneOf/anyOf, described from the error its branch produced. */
function describeAlternative(error: AjvLikeError): string {
  const p = error.params;
  switch (error.keyword) {
    case 'type':
      return typeList(p['type']);
    case 'format':
      return `a string in format "${String(p['format'])}"`;
    case 'enum':
      return `one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `a string matching ${String(p['pattern'])}`;
    case 'required':
      return `an object with field "${String(p['missingProperty'])}"`;
    default:
      return error.message ?? error.keyword;
  }
}

/** The message for a single (non-combinator) ajv error, in kubectl-like wording. */
function describeError(error: AjvLikeError, value: unknown): { extra?: string; message: string } {
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return { extra: String(p['missingProperty']), message: 'missing required field' };
    case 'additionalProperties':
      return { extra: String(p['additionalProperty']), message: 'unknown field' };
    case 'type':
      return { message: `invalid type: expected ${typeList(p['type'])}, got ${describeValue(value)}` };
    case 'enum':
      return {
        message: `unsupported value ${truncate(JSON.stringify(value) ?? String(value))}: must be one of ${(p['allowedValues'] as unknown[])
          .map((v) => JSON.stringify(v))
          .join(', ')}`,
      };
    case 'format':
      return { message: `invalid value ${describeValue(value)}: must be in format "${String(p['format'])}"` };
    case 'pattern':
      return { message: `invalid value ${describeValue(value)}: must match pattern ${String(p['pattern'])}` };
    default:
      return { message: error.message ?? `fails "${error.keyword}"` };
  }
}

/**
 * Turns ajv errors into issues. Errors raised inside the branches of a failed oneOf/anyOf
 * are folded into one issue for the combinator ("expected integer or string"): listing
 * "must be string", "must be integer" and "must match exactly one schema" separately
 * only confuses.
 */
export function issuesFromAjvErrors(errors: readonly AjvLikeError[], data: unknown): SchemaIssue[] {
  const consumed = new Set<AjvLikeError>();
  const issues: SchemaIssue[] = [];

  // Outermost combinators first, so a nested one is folded into its parent.
  const combinators = errors
    .filter((e) => COMBINATORS.has(e.keyword))
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length || a.instancePath.length - b.instancePath.length);
  for (const combinator of combinators) {
    if (consumed.has(combinator)) continue;
    consumed.add(combinator);
    // ajv reports full schema paths (branch errors share the combinator's prefix); the
    // kubernetes-models validators are split into one function per definition, so their
    // schema paths are relative (`#/oneOf`) and a branch is recognised by its instance path.
    const relative = combinator.schemaPath === `#/${combinator.keyword}`;
    const branch = errors.filter(
      (e) =>
        e !== combinator &&
        !consumed.has(e) &&
        (e.schemaPath.startsWith(`${combinator.schemaPath}/`) || (relative && e.instancePath === combinator.instancePath)),
    );
    for (const e of branch) consumed.add(e);

    const segments = pointerToSegments(combinator.instancePath, data);
    const value = valueAt(data, segments);
    let message: string;
    const passing = combinator.params['passingSchemas'];
    if (Array.isArray(passing)) {
      message = tooManyAlternatives(passing, combinator.schema);
    } else {
      const alternatives = [
        ...new Set(branch.filter((e) => e.instancePath === combinator.instancePath).map(describeAlternative)),
      ];
      message =
        alternatives.length > 0
          ? `invalid value ${describeValue(value)}: expected ${alternatives.join(' or ')}`
          : `invalid value ${describeValue(value)}: matches none of the allowed alternatives (${combinator.keyword})`;
    }
    issues.push({ path: formatPath(segments), message });
  }

  for (const error of errors) {
    if (consumed.has(error)) continue;
    const segments = pointerToSegments(error.instancePath, data);
    const { extra, message } = describeError(error, valueAt(data, segments));
    if (extra !== undefined) segments.push(extra);
    issues.push({ path: formatPath(segments), message: extra !== undefined ? `${message} "${extra}"` : message });
  }
  return dedupeIssues(issues);
}

/**
 * A oneOf matched by several branches. CRDs (Istio's, notably) express "at most one of these
 * fields" as a oneOf of `required: [field]` branches: name the fields when the schema is known.
 */
function tooManyAlternatives(passing: readonly unknown[], branches: unknown): string {
  const fields = Array.isArray(branches)
    ? passing.flatMap((i) => {
        const branch: unknown = typeof i === 'number' ? branches[i] : undefined;
        const required = isRecord(branch) ? branch['required'] : undefined;
        return Array.isArray(required) ? required.map((f) => `"${String(f)}"`) : [];
      })
    : [];
  return fields.length >= 2
    ? `fields ${fields.join(', ')} are mutually exclusive: set only one`
    : 'matches more than one of the allowed alternatives (oneOf): mutually exclusive fields set together?';
}

/** Drops exact duplicates (ajv repeats an error when a definition is reached twice) and sorts by path. */
export function dedupeIssues(issues: readonly SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  const out: SchemaIssue[] = [];
  for (const issue of issues) {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
