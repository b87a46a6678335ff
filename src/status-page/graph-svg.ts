/**
 * The promotion graph (envs and their `promotesFrom`) as inline SVG, laid out by slipway: each
 * env in the column of its depth (how many promotions from a root), envs of one depth stacked in
 * page order, an arrow per promotesFrom. No script and no external renderer, so it draws offline
 * and prints; colours come from the page's CSS (classes), so it follows light and dark mode.
 */
import { escapeHtml } from './html-escape.js';

export interface GraphNode {
  readonly name: string;
  /** A second line under the name (`pull requests`, `direct`). */
  readonly note: string;
}

const BOX_W = 168;
const BOX_H = 48;
const GAP_X = 72;
const GAP_Y = 20;
const PAD = 8;

/** The SVG for `nodes` (already in promotion order) and `edges` (from → to, both among the nodes). */
export function promotionGraphSvg(
  nodes: readonly GraphNode[],
  edges: ReadonlyArray<{ readonly from: string; readonly to: string }>,
): string {
  const parent = new Map(edges.map((e) => [e.to, e.from]));
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: Set<string> = new Set()): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const from = parent.get(name);
    // A cycle (refused by synth) is cut where it closes.
    const d = from === undefined || seen.has(from) ? 0 : depthOf(from, seen.add(name)) + 1;
    depth.set(name, d);
    return d;
  };
  const rows = new Map<number, number>();
  const place = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const d = depthOf(n.name);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    place.set(n.name, { x: PAD + d * (BOX_W + GAP_X), y: PAD + row * (BOX_H + GAP_Y) });
  }
  const columns = Math.max(1, ...[...depth.values()].map((d) => d + 1));
  const height = Math.max(1, ...rows.values());
  const width = PAD * 2 + columns * BOX_W + (columns - 1) * GAP_X;
  const tall = PAD * 2 + height * BOX_H + (height - 1) * GAP_Y;
  const label = edges.length
    ? `Promotion graph: ${edges.map((e) => `${e.from} promotes to ${e.to}`).join('; ')}`
    : `Environments: ${nodes.map((n) => n.name).join(', ')} (none promotes from another)`;
  const parts: string[] = [
    `<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${tall}" width="${width}" height="${tall}" role="img" aria-labelledby="graph-title">`,
    `<title id="graph-title">${escapeHtml(label)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">' +
      '<path d="M0 0L10 5L0 10z" class="arrow-head"/></marker></defs>',
  ];
  for (const e of edges) {
    const a = place.get(e.from);
    const b = place.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + BOX_W;
    const y1 = a.y + BOX_H / 2;
    const x2 = b.x;
    const y2 = b.y + BOX_H / 2;
    const mid = (x1 + x2) / 2;
    parts.push(`<path class="edge" d="M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}" marker-end="url(#arrow)"/>`);
  }
  for (const n of nodes) {
    const p = place.get(n.name)!;
    parts.push(
      `<g class="node"><rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="6"/>` +
        `<text x="${p.x + BOX_W / 2}" y="${p.y + 20}" class="node-name">${escapeHtml(shorten(n.name, 20))}</text>` +
        `<text x="${p.x + BOX_W / 2}" y="${p.y + 38}" class="node-note">${escapeHtml(shorten(n.note, 26))}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Cut to `max` characters with an ellipsis: the box does not grow (the full name is in the tables). */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
