import { foldAjvErrors, formatPath, isRecord, pointerToSegments, valueAt, type AjvLikeError } from '../core/ajv-errors.js';

/** One problem found in a generated object. `path` is a JSON-pointer-like dotted path, e.g. `spec.template.spec.containers[0].imagePullPolcy`. */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
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
 * Turns ajv errors into issues, in kubectl-like words. A failed oneOf/anyOf is one issue
 * ("expected integer or string"), see foldAjvErrors.
 */
export function issuesFromAjvErrors(errors: readonly AjvLikeError[], data: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const folded of foldAjvErrors(errors)) {
    const { error } = folded;
    const segments = pointerToSegments(error.instancePath, data);
    const value = valueAt(data, segments);
    if (folded.kind === 'combinator') {
      let message: string;
      const passing = error.params['passingSchemas'];
      if (Array.isArray(passing)) {
        message = tooManyAlternatives(passing, error.schema);
      } else {
        const alternatives = [...new Set(folded.alternatives.map(describeAlternative))];
        message =
          alternatives.length > 0
            ? `invalid value ${describeValue(value)}: expected ${alternatives.join(' or ')}`
            : `invalid value ${describeValue(value)}: matches none of the allowed alternatives (${error.keyword})`;
      }
      issues.push({ path: formatPath(segments), message });
      continue;
    }
    const { extra, message } = describeError(error, value);
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
