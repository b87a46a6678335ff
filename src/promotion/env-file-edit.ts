/**
 * Sets apps' tags in an env file's text with the `yaml` Document API: comments, key order,
 * quoting and layout stay as they were; tags are written as double-quoted strings, so `1.10`
 * stays `1.10`. Line endings stay as they were too: a CRLF file (Windows checkouts with
 * core.autocrlf) is edited as LF text and written back with CRLF on every line, never a mix.
 */
import { isMap, parseDocument, Scalar } from 'yaml';

export function setTags(text: string, tags: ReadonlyMap<string, string>, file: string): string {
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
