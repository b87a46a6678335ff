/**
 * Sets apps' tags in an env file's text. Only the tag values change, byte for byte: each is
 * replaced where it stands (found with the `yaml` parser's source ranges), so comments, key
 * order, quoting elsewhere, layout and line endings (CRLF checkouts) stay exactly as written; a
 * Document round-trip would move a comment after `web:` to its own line. Tags are written
 * double-quoted, so `1.10` stays `1.10`. An app without a tag line gets one, as its first key.
 */
import { isMap, isScalar, parseDocument, Scalar, type YAMLMap } from 'yaml';

export function setTags(text: string, tags: ReadonlyMap<string, string>, file: string): string {
  const doc = parseDocument(text);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const [app, tag] of tags) {
    const entry = doc.getIn(['apps', app], true);
    if (!isMap(entry)) throw new Error(`${file}: apps.${app}: not found`);
    const edit = tagEdit(text, entry, tag);
    if (edit === undefined) return setTagsByDocument(text, tags, file);
    edits.push(edit);
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function quoted(tag: string): string {
  return JSON.stringify(tag);
}

/** The one edit that sets `entry`'s tag; undefined where the text cannot be edited in place (flow style). */
function tagEdit(text: string, entry: YAMLMap, tag: string): { start: number; end: number; text: string } | undefined {
  if (entry.flow) return undefined;
  const existing = entry.get('tag', true);
  if (existing !== undefined) {
    if (!isScalar(existing) || !existing.range) return undefined;
    return { start: existing.range[0], end: existing.range[1], text: quoted(tag) };
  }
  const first = entry.items[0]?.key;
  if (!isScalar(first) || !first.range) return undefined;
  const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
  const indent = text.slice(lineStart, first.range[0]);
  if (!/^ *$/.test(indent)) return undefined;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { start: lineStart, end: lineStart, text: `${indent}tag: ${quoted(tag)}${newline}` };
}

/** Flow-style entries (`web: {tag: "1"}`): through the Document API, which keeps their comments. */
function setTagsByDocument(text: string, tags: ReadonlyMap<string, string>, file: string): string {
  const crlf = usesCrlf(text);
  const doc = parseDocument(crlf ? text.replace(/\r\n/g, '\n') : text);
  for (const [app, tag] of tags) {
    const entry = doc.getIn(['apps', app], true);
    if (!isMap(entry)) throw new Error(`${file}: apps.${app}: not found`);
    const scalar = new Scalar(tag);
    scalar.type = Scalar.QUOTE_DOUBLE;
    const existing = entry.get('tag', true);
    if (existing instanceof Scalar && existing.comment) scalar.comment = existing.comment;
    entry.set('tag', scalar);
  }
  const out = doc.toString({ lineWidth: 0 });
  return crlf ? out.replace(/\n/g, '\r\n') : out;
}

/** Most line breaks are CRLF (a file with mixed endings is made consistent the majority's way). */
function usesCrlf(text: string): boolean {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const all = text.match(/\n/g)?.length ?? 0;
  return crlf > 0 && crlf * 2 >= all;
}
