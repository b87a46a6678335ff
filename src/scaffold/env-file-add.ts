/**
 * Adds an app to an env file's `apps:` as text, so every comment and byte around it stays as
 * written (a YAML Document round-trip would reflow the file). The entry goes after the last app,
 * indented as the others are; an empty `apps: {}` becomes a block.
 */
import { isMap, isScalar, parseDocument } from 'yaml';

export function addAppEntry(text: string, app: string, tag: string, file: string): string {
  const doc = parseDocument(text);
  const apps = doc.get('apps', true);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const entry = (indent: string) => `${indent}${app}:${newline}${indent}  tag: ${JSON.stringify(tag)}${newline}`;
  let out: string;
  if (isMap(apps) && apps.items.length > 0 && !apps.flow) {
    const first = apps.items[0]!.key;
    if (!isScalar(first) || !first.range || !apps.range)
      throw new Error(`${file}: apps: write it as a block mapping so slipway can add to it`);
    const indent = ' '.repeat(first.range[0] - (text.lastIndexOf('\n', first.range[0] - 1) + 1));
    // After the line the last app ends on (its value's end, before trailing comments of the file).
    const end = apps.range[1];
    const lineEnd = text.indexOf('\n', Math.max(end - 1, 0));
    const at = lineEnd === -1 ? text.length : lineEnd + 1;
    const before = text.slice(0, at);
    out = `${before}${before.endsWith('\n') ? '' : newline}${entry(indent)}${text.slice(at)}`;
  } else if ((isMap(apps) && apps.items.length === 0) || apps === null || apps === undefined) {
    // `apps: {}`, `apps:` (null) or no apps key at all.
    const pair =
      doc.contents && isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'apps') : undefined;
    const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
    if (keyRange === undefined || keyRange === null) {
      out = `${text}${text.endsWith('\n') || text === '' ? '' : newline}apps:${newline}${entry('  ')}`;
    } else {
      const lineEnd = text.indexOf('\n', keyRange[1]);
      const at = lineEnd === -1 ? text.length : lineEnd + 1;
      out = `${text.slice(0, keyRange[0])}apps:${newline}${entry('  ')}${text.slice(at)}`;
    }
  } else {
    throw new Error(`${file}: apps: write it as a block mapping so slipway can add to it`);
  }
  const check = parseDocument(out);
  if (check.errors.length > 0 || check.getIn(['apps', app, 'tag']) !== tag) {
    throw new Error(`${file}: apps: could not add ${app} without rewriting the file; add it by hand`);
  }
  return out;
}
