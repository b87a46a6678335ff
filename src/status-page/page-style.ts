/**
 * The status page's CSS and its one script, inline (the page loads nothing: it must work offline,
 * from a CI artifact, from a file). Colours are custom properties with a dark set under
 * `prefers-color-scheme: dark`; text colours keep WCAG AA contrast (4.5:1) on their backgrounds
 * in both (https://www.w3.org/TR/WCAG22/#contrast-minimum). Markers never rely on colour alone:
 * each has a symbol and words.
 */

export const PAGE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f3f5f7;
  --link: #0550ae; --accent: #0a5a9c;
  --drift-bg: #fff1c2; --drift-fg: #6b4400; --drift-line: #bf8700;
  --lag-bg: #ffe4e1; --lag-fg: #8a1c12; --lag-line: #cf222e;
  --pending-bg: #ddf4ff; --pending-fg: #0a3069; --pending-line: #0969da;
  --ok-fg: #116329; --node-bg: #f6f8fa;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #3d444d; --head: #161b22;
    --link: #79c0ff; --accent: #58a6ff;
    --drift-bg: #3b2e05; --drift-fg: #f2cc60; --drift-line: #d29922;
    --lag-bg: #3c1618; --lag-fg: #ffb1aa; --lag-line: #f85149;
    --pending-bg: #0c2d4f; --pending-fg: #a5d6ff; --pending-line: #388bfd;
    --ok-fg: #7ee787; --node-bg: #161b22;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 16px; }
h1 { font-size: 1.6rem; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.25rem; margin: 1.6em 0 0.5em; padding-bottom: 0.2em; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.2em 0 0.4em; }
a { color: var(--link); }
code, .tag, .sha { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted, .summary { color: var(--muted); }
nav ul { list-style: none; padding: 0; margin: 0.5em 0; display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; }
table { border-collapse: collapse; margin: 0.4em 0 1em; }
caption { text-align: left; color: var(--muted); padding: 0.2em 0; caption-side: top; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
thead th { background: var(--head); }
th[scope="row"] { background: var(--head); white-space: nowrap; }
.matrix { width: 100%; }
.matrix td { min-width: 12em; }
.cell .tag { font-size: 1.1rem; font-weight: 600; }
.cell .landed { display: block; font-size: 0.85rem; color: var(--muted); }
.marker { display: block; margin-top: 4px; padding: 1px 6px; border-radius: 4px; font-size: 0.85rem; border-left: 4px solid; }
.marker.drift { background: var(--drift-bg); color: var(--drift-fg); border-color: var(--drift-line); }
.marker.lag { background: var(--lag-bg); color: var(--lag-fg); border-color: var(--lag-line); }
.marker.ahead { background: var(--head); color: var(--fg); border-color: var(--muted); }
.marker.pending { background: var(--pending-bg); color: var(--pending-fg); border-color: var(--pending-line); }
.marker.registry { background: var(--head); color: var(--muted); border-color: var(--line); }
.marker.registry.newer { color: var(--ok-fg); border-color: var(--ok-fg); }
.marker a { color: inherit; font-weight: 600; }
td.lagging { box-shadow: inset 4px 0 0 var(--lag-line); }
td.absent { background: repeating-linear-gradient(135deg, transparent 0 6px, var(--head) 6px 12px); }
.state { font-size: 0.85rem; color: var(--muted); }
.in-sync { color: var(--ok-fg); }
.legend { display: flex; flex-wrap: wrap; gap: 0.5em 1em; padding: 0; list-style: none; }
.legend .marker { display: inline-block; margin: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0.4em 0 1em; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.graph { max-width: 100%; height: auto; }
.graph .node rect { fill: var(--node-bg); stroke: var(--accent); stroke-width: 1.5; }
.graph .node-name { fill: var(--fg); font: 600 15px system-ui, sans-serif; text-anchor: middle; }
.graph .node-note { fill: var(--muted); font: 12px system-ui, sans-serif; text-anchor: middle; }
.graph .edge { fill: none; stroke: var(--accent); stroke-width: 2; }
.graph .arrow-head { fill: var(--accent); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 2em; padding-bottom: 2em; color: var(--muted); font-size: 0.85rem; }
@media print {
  :root { color-scheme: light; --bg: #fff; --fg: #000; --muted: #333; --link: #000; }
  body { font-size: 11pt; }
  nav { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  section, tr, .marker { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { text-decoration: none; }
  time[data-ago]::after { content: " (" attr(title) ")"; }
  .marker, td.absent, thead th, th[scope="row"] { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/**
 * "3 hours ago", computed where the page is read: a landing time is absolute, so how long ago it
 * was is the reader's now minus it, however old the page. The page itself holds the absolute
 * time (kept as the title, and printed), so its bytes do not depend on when it was made.
 */
export const PAGE_SCRIPT = `(() => {
  const units = [['year', 31536e6], ['month', 2592e6], ['week', 6048e5], ['day', 864e5], ['hour', 36e5], ['minute', 6e4]];
  const now = Date.now();
  for (const t of document.querySelectorAll('time[data-ago]')) {
    const ms = now - Date.parse(t.dateTime);
    if (!(ms >= 0)) continue;
    const unit = units.find((u) => ms >= u[1]);
    const n = unit ? Math.floor(ms / unit[1]) : 0;
    t.title = t.textContent;
    t.textContent = unit ? n + ' ' + unit[0] + (n === 1 ? '' : 's') + ' ago' : 'just now';
  }
})();`;
