/**
 * Sets apps' tags in an env file's text. Only the tag values change, byte for byte: each is
 * replaced where it stands (found with the `yaml` parser's source ranges), so comments, key
 * order, quoting elsewhere, layout and line endings (CRLF checkouts) stay exactly as written; a
 * Document round-trip would move a comment after `web:` to its own line. Tags are written
 * double-quoted, so `1.10` stays `1.10`. An app without a tag gets one, as its first key.
 */
import { isMap, isScalar, parseDocument, type YAMLMap } from 'yaml';

export function setTags(text: string, tags: ReadonlyMap<string, string>, file: string): string {
  const doc = parseDocument(text);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const [app, tag] of tags) {
    const entry = doc.getIn(['apps', app], true);
    if (!isMap(entry)) throw new Error(`${file}: apps.${app}: not found`);
    edits.push(tagEdit(text, entry, tag, `${file}: apps.${app}`));
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function quoted(tag: string): string {
  return JSON.stringify(tag);
}

/** The one edit that sets `entry`'s tag, block or flow style (`web: { tag: "1" }`). */
function tagEdit(text: string, entry: YAMLMap, tag: string, where: string): { start: number; end: number; text: string } {
  const existing = entry.get('tag', true);
  if (existing !== undefined) {
    if (!isScalar(existing) || !existing.range)
      throw new Error(`${where}.tag: write the tag as a plain value (not an alias) so slipway can set it`);
    return { start: existing.range[0], end: existing.range[1], text: quoted(tag) };
  }
  const first = entry.items[0]?.key;
  if (!isScalar(first) || !first.range) throw new Error(`${where}: has no keys to put a tag beside`);
  if (entry.flow) return { start: first.range[0], end: first.range[0], text: `tag: ${quoted(tag)}, ` };
  const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { start: lineStart, end: lineStart, text: `${text.slice(lineStart, first.range[0])}tag: ${quoted(tag)}${newline}` };
}
