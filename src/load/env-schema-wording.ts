/**
 * ajv's errors about an env file → one line each in the words of whoever writes env files: the
 * field as they write it (`apps.web.delivery.canary.steps[1]`), the value as they wrote it
 * (`tag: 1.10` is quoted back as "1.10"), friendlier words for the schema's patterns, and a
 * did-you-mean for unknown keys. The folding of oneOf alternatives is shared with generated
 * objects' validation (src/core/ajv-errors.ts).
 */
import { isScalar, type Document } from 'yaml';
import { deliveryEnvMessages } from '../../generators/delivery-kinds/index.js';
import { PLATFORM_COMPONENTS } from '../../generators/platform-components.js';
import { foldAjvErrors, type AjvLikeError } from '../core/ajv-errors.js';
import { MAX_REPLICAS, REPLICAS_CEILING } from './names.js';

/** Friendlier words for the schema's patterns and alternatives, by where they sit in the schema. */
const MESSAGES: Array<[RegExp, string]> = [
  [/^pattern \/apps\/[^/]+\/tag$/, 'is not a valid image tag (letters, digits, _ . -; at most 128; optionally @sha256:<64 hex>)'],
  [/definitions\/appName\/pattern$/, 'is not a DNS-1035 label (lower-case letters, digits and -, starting with a letter)'],
  [/definitions\/dnsLabel\/pattern$/, 'is not a DNS-1123 label (lower-case letters, digits and -)'],
  [/definitions\/hostname\/pattern$/, 'is not a valid host name'],
  [/definitions\/quantity\/pattern$/, 'is not a Kubernetes quantity (e.g. 100m, 0.5, 128Mi)'],
  [/properties\/env\/propertyNames\/pattern$/, 'is not a valid environment variable name'],
  [/^pattern \/prometheus$/, 'is not a Prometheus address (http:// or https://); canary analysis queries it'],
  [/autoscaling\/oneOf$/, 'must be false or an object with minReplicas, maxReplicas, cpuUtilization'],
  [/properties\/platform\/items\/oneOf$/, `is not a platform component (${PLATFORM_COMPONENTS.join(', ')}), nor {component, version}`],
  [/\/(replicas|minReplicas|maxReplicas|minScale|maxScale)\/maximum$/, `is above ${MAX_REPLICAS}, ${REPLICAS_CEILING}`],
  [/definitions\/appName\/maxLength$/, 'is longer than 63 characters, the most a DNS-1035 label holds'],
  [/definitions\/dnsLabel\/maxLength$/, 'is longer than 63 characters, the most a DNS-1123 label holds'],
  [/definitions\/hostname\/maxLength$/, 'is longer than 253 characters, the most a host name holds'],
  // The delivery kinds' own (canary steps and durations...), from generators/delivery-kinds/.
  ...deliveryEnvMessages(),
];

interface FieldMessage {
  readonly field: string;
  readonly message: string;
}

/** Turns ajv's errors into one line per problem, most specific first. */
export function describeErrors(errors: readonly AjvLikeError[], doc: Document, text: string): FieldMessage[] {
  const seen = new Set<string>();
  const out: FieldMessage[] = [];
  // A failed oneOf is worded alone (its alternatives' errors folded into it), see foldAjvErrors.
  for (const { error: e } of foldAjvErrors(errors)) {
    const line = describe(e, doc, text);
    const key = `${line.field}: ${line.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(line);
    }
  }
  return out;
}

function describe(e: AjvLikeError, doc: Document, text: string): FieldMessage {
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  // `apps.x.delivery.canary.steps[1].setWeight`: list indexes in brackets, as the other messages write them.
  const field = (extra?: string) =>
    [...segments, ...(extra !== undefined ? [extra] : [])].map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  const friendly = MESSAGES.find(([re]) => re.test(e.schemaPath) || re.test(`${e.keyword} ${e.instancePath}`))?.[1];
  // propertyNames errors sit on the object; ajv names the offending key beside them.
  const propertyName = e.propertyName;
  const value = propertyName ?? valueAt(doc, segments);
  switch (e.keyword) {
    case 'required':
      return { field: field(String(e.params.missingProperty)), message: 'required' };
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const guess = closest(key, known);
      return { field: field(key), message: `unknown key${guess ? ` (did you mean '${guess}'?)` : ''}` };
    }
    case 'type': {
      const expected = String(e.params.type);
      const source = sourceAt(doc, text, segments);
      const hint = expected === 'string' && source !== undefined ? `; quote it: "${source}"` : '';
      return { field: field(), message: `must be ${article(expected)} ${expected}${hint}, not ${describeValue(value)}` };
    }
    case 'pattern':
      return { field: field(), message: `'${String(value)}' ${friendly ?? `does not match ${String(e.params.pattern)}`}` };
    case 'enum':
      return { field: field(), message: `'${String(value)}' must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}` };
    case 'oneOf':
      if (friendly?.startsWith('is ') && isScalar(doc.getIn(segments, true)))
        return { field: field(), message: `'${String(value)}' ${friendly}` };
      return { field: field(), message: friendly ?? e.message ?? 'is invalid' };
    case 'maximum':
      return { field: field(), message: friendly ? `${String(value)} ${friendly}` : (e.message ?? 'is invalid') };
    case 'maxLength':
      // A key too long (propertyNames) sits on its object: name the key, or nobody can find it.
      return { field: field(), message: friendly ? `'${String(value)}' ${friendly}` : `'${String(value)}' ${e.message ?? 'is too long'}` };
    default:
      return { field: field(), message: friendly ?? e.message ?? 'is invalid' };
  }
}

function valueAt(doc: Document, segments: readonly string[]): unknown {
  const node = doc.getIn(segments, true);
  if (isScalar(node)) return node.value;
  return node === undefined || node === null ? undefined : (node as { toJSON(): unknown }).toJSON();
}

/** The value exactly as written in the file, so `tag: 1.10` can be quoted back as "1.10". */
function sourceAt(doc: Document, text: string, segments: readonly string[]): string | undefined {
  const node = doc.getIn(segments, true);
  if (!isScalar(node) || !node.range) return undefined;
  return text.slice(node.range[0], node.range[1]).trim();
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // String(): JSON.stringify writes Infinity and NaN (YAML's .inf, .nan) as null.
  return `${typeof value} ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** The known key within edit distance 2, for typos. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
