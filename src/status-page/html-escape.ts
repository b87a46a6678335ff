/**
 * Text and attribute values into HTML. Every string from envs/, an env repo or a commit message
 * goes through these (a tag, a reason or an author name is data, never markup); links only to
 * http(s) addresses, so a `javascript:` URL from a remote can never become a link.
 */

/** Escapes `& < > " '`: safe in text and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<a href>` for an http(s) URL, else the text alone. */
export function link(url: string | undefined, text: string, attributes = ''): string {
  if (url === undefined || !/^https?:\/\//i.test(url)) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}"${attributes}>${escapeHtml(text)}</a>`;
}
