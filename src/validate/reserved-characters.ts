/**
 * U+0000, U+0001 and U+0002 are slipway's chart template markers (generators/value-source.ts).
 * The emitter already keeps user data from becoming a template expression (plain YAML never reads
 * markers; in a chart only a value path counts, and object markers carry a brand no data has);
 * this check makes sure no generated object carries the characters at all, so what reaches the
 * cluster is never half template. No manifest needs them: they are refused, with the field.
 */
import type { K8sObject } from '../../generators/app-objects.js';
import { RESERVED_CHARACTERS } from '../../generators/value-source.js';
import { formatPath, type PathSegment } from '../core/ajv-errors.js';

/** The first field (key or value) holding a reserved character, as one problem; none: []. */
export function reservedCharacterProblems(obj: K8sObject): string[] {
  const found = findReserved(obj, []);
  if (found === undefined) return [];
  const code = found.text.match(RESERVED_CHARACTERS)![0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase();
  return [
    `${formatPath(found.path) || '(top level)'}: ${found.isKey ? 'key' : 'value'} holds U+${code}, a character slipway reserves for its chart templates; remove it`,
  ];
}

function findReserved(node: unknown, path: PathSegment[]): { path: PathSegment[]; text: string; isKey: boolean } | undefined {
  if (typeof node === 'string') return RESERVED_CHARACTERS.test(node) ? { path, text: node, isKey: false } : undefined;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) {
      const found = findReserved(item, [...path, i]);
      if (found) return found;
    }
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (RESERVED_CHARACTERS.test(key)) return { path: [...path, key], text: key, isKey: true };
      const found = findReserved(value, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
