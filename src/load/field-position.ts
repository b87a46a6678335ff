/**
 * A field path as messages write it (`apps.web.delivery.canary.steps[2].pause`) → where it is in
 * the YAML document: the line of its key (or sequence item). A path that leaves the document
 * midway (a required key that is missing) points at the deepest part that is there, the mapping
 * the key belongs in; a path with no part there has no position.
 */
import { isMap, isSeq, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import type { Position } from '../core/config-error.js';

export function fieldPosition(doc: Document, lineCounter: LineCounter, field: string): Position | undefined {
  let node: unknown = doc.contents;
  let found: number | undefined;
  for (const segment of fieldSegments(field)) {
    if (isMap(node) && typeof segment === 'string') {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      found = (pair.key as Node).range?.[0] ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      found = item.range?.[0] ?? found;
      node = item;
    } else {
      break;
    }
  }
  return found === undefined ? undefined : { line: lineCounter.linePos(found).line };
}

/** `a.b[2].c` → ['a', 'b', 2, 'c']. */
export function fieldSegments(field: string): Array<string | number> {
  const segments: Array<string | number> = [];
  for (const part of field.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      segments.push(part);
      continue;
    }
    if (m[1] !== '') segments.push(m[1]!);
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}
