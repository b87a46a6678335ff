/**
 * Sets apps' tags in an env file's text with the `yaml` Document API: comments, key order,
 * quoting and layout stay as they were; tags are written as double-quoted strings, so `1.10`
 * stays `1.10`.
 */
import { isMap, parseDocument, Scalar } from 'yaml';

export function setTags(text: string, tags: ReadonlyMap<string, string>, file: string): string {
  const doc = parseDocument(text);
  for (const [app, tag] of tags) {
    const entry = doc.getIn(['apps', app], true);
    if (!isMap(entry)) throw new Error(`${file}: apps.${app}: not found`);
    const scalar = new Scalar(tag);
    scalar.type = Scalar.QUOTE_DOUBLE;
    const existing = entry.get('tag', true);
    if (existing instanceof Scalar && existing.comment) scalar.comment = existing.comment;
    entry.set('tag', scalar);
  }
  return doc.toString({ lineWidth: 0 });
}
