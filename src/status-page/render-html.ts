/**
 * The status page as one HTML document: the model (page-model.ts) in, a string out. Pure and
 * deterministic: the same model gives the same bytes, and the generation time appears in one
 * element only (`#generated-at`). Self-contained: inline CSS and SVG, one inline script
 * (page-style.ts), and a Content-Security-Policy that lets the page load nothing at all, so it
 * makes no request when opened, offline or not.
 */
import { createHash } from 'node:crypto';
import { promotionGraphSvg } from './graph-svg.js';
import { escapeHtml, link } from './html-escape.js';
import type { DeliveryFacts } from './page-input.js';
import type { AppCell, AppRow, Cell, EnvColumn, HistoryRow, StatusPage } from './page-model.js';
import { PAGE_CSS, PAGE_SCRIPT } from './page-style.js';

/** Only the inline style and this exact script run; nothing is fetched (no default-src). */
const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${createHash('sha256').update(PAGE_SCRIPT).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function renderStatusPage(page: StatusPage): string {
  const title = `slipway status: ${page.envs.map((e) => e.name).join(' → ') || 'no environments'}`;
  const c = page.counts;
  const summary = [
    `${count(page.apps.length, 'app')} × ${count(page.envs.length, 'environment')}`,
    `${count(c.pending, 'promotion')} pending`,
    `${c.drifted} drifted from envs/`,
    `${c.lagging} behind the env they promote from`,
  ].join(' · ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="generator" content="slipway status --html">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>Platform status</h1>',
    `<p class="summary">${escapeHtml(summary)}</p>`,
    `<p class="muted">Generated <time id="generated-at" datetime="${escapeHtml(page.generatedAt)}">${escapeHtml(utc(page.generatedAt))}</time> by <code>slipway status --html</code>, from envs/ and the env repos.</p>`,
    '<nav aria-label="Sections"><ul>',
    '<li><a href="#matrix">Apps × environments</a></li>',
    '<li><a href="#graph">Promotion graph</a></li>',
    '<li><a href="#apps">Apps</a></li>',
    '<li><a href="#envs">Environments</a></li>',
    ...(page.disagreements.length ? ['<li><a href="#disagreements">Disagreements</a></li>'] : []),
    '</ul></nav>',
    '</header>',
    '<main>',
    matrixSection(page),
    graphSection(page),
    appsSection(page),
    envsSection(page),
    disagreementsSection(page),
    '</main>',
    '<footer>Times are UTC; "ago" is counted when the page is viewed. Tags are what each env repo holds: what Argo CD deploys.</footer>',
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function matrixSection(page: StatusPage): string {
  const head = page.envs
    .map(
      (e) =>
        `<th scope="col" id="col-${idOf(e.name)}"><a href="#env-${idOf(e.name)}">${escapeHtml(e.name)}</a>` +
        `<span class="state">${e.promotesFrom ? ` ← ${escapeHtml(e.promotesFrom)}` : ''}${e.unreadable ? ' · repo unreadable' : ''}</span></th>`,
    )
    .join('');
  const rows = page.apps.map(
    (a) =>
      `<tr data-app="${escapeHtml(a.app)}"><th scope="row"><a href="#app-${idOf(a.app)}">${escapeHtml(a.app)}</a></th>` +
      a.cells.map((cell, i) => cellHtml(a.app, page.envs[i]!, cell)).join('') +
      '</tr>',
  );
  return [
    '<section id="matrix" aria-labelledby="matrix-title">',
    '<h2 id="matrix-title">Apps × environments</h2>',
    '<ul class="legend" aria-label="Markers">',
    '<li><span class="marker drift">≠ drift</span> the env repo runs another tag than envs/ (<code>slipway pull</code> adopts it)</li>',
    '<li><span class="marker lag">↓ behind</span> the env it promotes from runs another tag</li>',
    '<li><span class="marker ahead">↑ ahead</span> it moved past the tag the env it promotes from runs (a hotfix)</li>',
    '<li><span class="marker pending">… pending</span> a promotion waiting for review</li>',
    // Only on a page made with --registry: without it the registry was not read.
    ...(page.apps.some((a) => a.cells.some((c) => c.kind === 'app' && c.registry))
      ? [
          '<li><span class="marker registry newer">2.0 available</span> a newer tag the app\'s track policy allows is in the registry (<code>slipway promote &lt;app&gt; --latest</code>)</li>',
        ]
      : []),
    '</ul>',
    '<table class="matrix">',
    `<caption>What runs where: the tag each env repo holds, when it landed and who brought it. Columns in promotion order.</caption>`,
    `<thead><tr><th scope="col">App</th>${head}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

function cellHtml(app: string, env: EnvColumn, cell: Cell): string {
  const attrs = (classes: string, state: string) =>
    `<td class="cell ${classes}" data-env="${escapeHtml(env.name)}" data-app="${escapeHtml(app)}" data-state="${state}">`;
  switch (cell.kind) {
    case 'absent':
      return `${attrs('absent', 'absent')}<span class="visually-hidden">not in ${escapeHtml(env.name)}</span></td>`;
    case 'disabled':
      return `${attrs('disabled', 'disabled')}<span class="state">disabled in envs/ (${escapeHtml(cell.declared)})</span></td>`;
    case 'unknown':
      return `${attrs('unknown', 'unknown')}<span class="state">env repo unreadable; envs/ has <span class="tag">${escapeHtml(cell.declared)}</span></span></td>`;
    case 'app':
      return appCell(attrs, cell);
  }
}

function appCell(attrs: (classes: string, state: string) => string, cell: AppCell): string {
  const states = [
    cell.running === undefined ? 'not-deployed' : cell.drift || cell.lag || cell.ahead || cell.pending ? '' : 'in-sync',
    cell.drift ? 'drift' : '',
    cell.lag ? 'lagging' : '',
    cell.ahead ? 'ahead' : '',
    cell.pending ? 'pending' : '',
  ].filter(Boolean);
  const parts: string[] = [];
  if (cell.running === undefined)
    parts.push(`<span class="state">not deployed; envs/ has <span class="tag">${escapeHtml(cell.declared)}</span></span>`);
  else {
    parts.push(`<span class="tag">${escapeHtml(cell.running)}</span>`);
    if (cell.landed) {
      const when = timeHtml(cell.landed.date);
      parts.push(
        `<span class="landed">${cell.landed.kind === 'rollback' ? 'rolled back ' : cell.landed.kind === 'other' ? 'since ' : ''}` +
          `${cell.landed.url ? `<a href="${escapeHtml(cell.landed.url)}">${when}</a>` : when} by <span class="who">${escapeHtml(cell.landed.who)}</span></span>`,
      );
    }
  }
  if (cell.drift) parts.push(`<span class="marker drift">≠ envs/ has <span class="tag">${escapeHtml(cell.declared)}</span></span>`);
  if (cell.lag)
    parts.push(
      `<span class="marker lag">↓ behind ${escapeHtml(cell.lag.env)}, which runs <span class="tag">${escapeHtml(cell.lag.tag)}</span></span>`,
    );
  if (cell.ahead)
    parts.push(
      `<span class="marker ahead">↑ ahead of ${escapeHtml(cell.ahead.env)}, which runs <span class="tag">${escapeHtml(cell.ahead.tag)}</span> (ran here before)</span>`,
    );
  if (cell.registry) parts.push(registryMarker(cell.registry));
  if (cell.pending) {
    const p = cell.pending;
    parts.push(
      `<span class="marker pending">… pending${p.tag !== undefined ? ` <span class="tag">${escapeHtml(p.tag)}</span>` : ''}: ${link(p.url, p.label)}</span>`,
    );
  }
  return `${attrs(states.join(' '), states.join(' '))}${parts.join('')}</td>`;
}

/** `--registry`: a newer tag available (its digest on hover), no tag matching, or the registry unreadable. */
function registryMarker(r: NonNullable<AppCell['registry']>): string {
  if (r.kind === 'no-match') return `<span class="marker registry">no registry tag matches ${escapeHtml(r.policy)}</span>`;
  if (r.kind === 'error') return `<span class="marker registry" title="${escapeHtml(r.message)}">registry unreadable</span>`;
  const tag = `<span class="tag"${r.digest ? ` title="${escapeHtml(r.digest)}"` : ''}>${escapeHtml(r.tag)}</span>`;
  return `<span class="marker registry newer">${r.repushed ? `${tag} pushed again` : `${tag} available`}</span>`;
}

function graphSection(page: StatusPage): string {
  const nodes = page.envs.map((e) => ({
    name: e.name,
    note: `${e.promotion === 'pr' ? 'through review' : 'direct'} · ${count(e.clusters.length, 'cluster')}`,
  }));
  return [
    '<section id="graph" aria-labelledby="graph-heading">',
    '<h2 id="graph-heading">Promotion graph</h2>',
    '<p class="muted">Each arrow is a <code>promotesFrom</code>: tags move along it with <code>slipway promote &lt;app&gt; --from &lt;env&gt;</code>.</p>',
    promotionGraphSvg(nodes, page.edges),
    '</section>',
  ].join('\n');
}

function appsSection(page: StatusPage): string {
  const out = ['<section id="apps" aria-labelledby="apps-title">', '<h2 id="apps-title">Apps</h2>'];
  for (const a of page.apps) out.push(appHtml(a));
  out.push('</section>');
  return out.join('\n');
}

function appHtml(a: AppRow): string {
  const out = [`<section id="app-${idOf(a.app)}" class="app" aria-labelledby="app-${idOf(a.app)}-title">`];
  out.push(`<h3 id="app-${idOf(a.app)}-title">${escapeHtml(a.app)}</h3>`);
  if (a.delivery.length) {
    out.push('<dl class="facts">');
    for (const d of a.delivery) out.push(`<dt>delivery in ${escapeHtml(d.env)}</dt><dd>${deliveryHtml(d.delivery)}</dd>`);
    out.push('</dl>');
  }
  for (const h of a.history) {
    out.push(historyTable(a.app, h.env, h.entries));
  }
  out.push('</section>');
  return out.join('\n');
}

function deliveryHtml(d: DeliveryFacts): string {
  const scaling = (s: { min: number; max: number } | undefined) => (s ? `, autoscaling ${s.min}–${s.max} pods` : '');
  switch (d.kind) {
    case 'deployment':
      return `Deployment${d.replicas !== undefined ? `, ${count(d.replicas, 'replica')}` : ''}${scaling(d.autoscaling)}`;
    case 'canary': {
      const steps = d.steps.map((s) =>
        'setWeight' in s ? `${s.setWeight}%` : s.pause === undefined ? 'pause (a person resumes)' : `pause ${s.pause}`,
      );
      const analysis = d.analysis ? `analysis from step ${d.analysis.startingStep}` : 'no analysis';
      return `canary (Argo Rollouts): ${escapeHtml(steps.join(' → ') || 'no steps')}; ${analysis}${scaling(d.autoscaling)}`;
    }
    case 'knative':
      return `Knative Service${d.minScale !== undefined ? `, min scale ${d.minScale}` : ''}${d.maxScale !== undefined ? `, max scale ${d.maxScale}` : ''}`;
  }
}

function historyTable(app: string, env: string, entries: readonly HistoryRow[]): string {
  const caption = `<caption>${escapeHtml(app)} in ${escapeHtml(env)}: ${entries.length === 1 ? 'its last promotion' : `the last ${entries.length} promotions, newest first`}</caption>`;
  if (!entries.length) return `<p class="muted">${escapeHtml(app)} in ${escapeHtml(env)}: no promotion yet.</p>`;
  const rows = entries.map((e) => {
    const marks = [
      e.kind === 'rollback' ? '<strong>rollback</strong>' : 'promote',
      e.forced ? `<strong>forced</strong>: ${escapeHtml(e.forced)}` : '',
      e.via ? escapeHtml(e.via) : '',
    ].filter(Boolean);
    return (
      `<tr class="${e.kind}${e.forced ? ' forced' : ''}"><td>${timeHtml(e.date)}</td>` +
      `<td><span class="tag">${escapeHtml(e.from ?? '—')}</span> → <span class="tag">${escapeHtml(e.to ?? '?')}</span></td>` +
      `<td>${escapeHtml(e.who)}</td><td>${marks.join('; ')}</td>` +
      `<td>${link(e.url, e.sha.slice(0, 12), ' class="sha"')}</td></tr>`
    );
  });
  return [
    `<table class="history" data-app="${escapeHtml(app)}" data-env="${escapeHtml(env)}">`,
    caption,
    '<thead><tr><th scope="col">When</th><th scope="col">From → to</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Commit</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function envsSection(page: StatusPage): string {
  const out = ['<section id="envs" aria-labelledby="envs-title">', '<h2 id="envs-title">Environments</h2>'];
  for (const e of page.envs) {
    out.push(`<section id="env-${idOf(e.name)}" class="env" aria-labelledby="env-${idOf(e.name)}-title">`);
    out.push(`<h3 id="env-${idOf(e.name)}-title">${escapeHtml(e.name)}</h3>`);
    out.push('<dl class="facts">');
    out.push(`<dt>env repo</dt><dd>${link(e.repo.url, e.repo.location)}, branch <code>${escapeHtml(e.repo.branch)}</code></dd>`);
    out.push(`<dt>Argo CD pulls</dt><dd><code>${escapeHtml(e.repo.pulledFrom)}</code></dd>`);
    if (e.head) out.push(`<dt>head</dt><dd>${link(e.head.url, e.head.sha.slice(0, 12), ' class="sha"')}</dd>`);
    if (e.unreadable) out.push(`<dt>read</dt><dd class="marker lag">could not be read: ${escapeHtml(e.unreadable)}</dd>`);
    out.push(`<dt>promotes from</dt><dd>${e.promotesFrom ? escapeHtml(e.promotesFrom) : '— (tags are set here directly)'}</dd>`);
    out.push(`<dt>promotions</dt><dd>${e.promotion === 'pr' ? 'through review (pull request or branch)' : 'committed directly'}</dd>`);
    out.push(`<dt>render</dt><dd>${e.render === 'helm' ? 'Helm chart and values' : 'plain manifests'}</dd>`);
    out.push('</dl>');
    out.push(
      `<table class="clusters"><caption>Clusters of ${escapeHtml(e.name)}${e.clusters.length > 1 ? ' (a fleet)' : ''}</caption>` +
        '<thead><tr><th scope="col">Cluster</th><th scope="col">API server</th></tr></thead><tbody>' +
        e.clusters.map((c) => `<tr><td>${escapeHtml(c.name)}</td><td><code>${escapeHtml(c.server)}</code></td></tr>`).join('') +
        '</tbody></table>',
    );
    if (e.platform.length) {
      const rows = e.platform.flatMap((p) =>
        p.pins.map(
          (pin, i) =>
            `<tr>${i === 0 ? `<th scope="row" rowspan="${p.pins.length}">${escapeHtml(p.component)}</th>` : ''}` +
            `<td>${escapeHtml(pin.chart ?? `${pin.source} (in the env repo)`)}</td><td>${pin.version ? `<code>${escapeHtml(pin.version)}</code>` : '—'}</td>` +
            `<td>${pin.chart ? `<code>${escapeHtml(pin.source)}</code>` : ''}</td></tr>`,
        ),
      );
      out.push(
        `<table class="platform"><caption>Platform components of ${escapeHtml(e.name)}, as committed</caption>` +
          '<thead><tr><th scope="col">Component</th><th scope="col">Chart</th><th scope="col">Version</th><th scope="col">Chart repository</th></tr></thead>' +
          `<tbody>${rows.join('\n')}</tbody></table>`,
      );
    } else out.push(`<p class="muted">No platform components in ${escapeHtml(e.name)}'s env repo.</p>`);
    out.push('</section>');
  }
  out.push('</section>');
  return out.join('\n');
}

function disagreementsSection(page: StatusPage): string {
  if (!page.disagreements.length) return '';
  return [
    '<section id="disagreements" aria-labelledby="disagreements-title">',
    '<h2 id="disagreements-title">Disagreements</h2>',
    '<ul>',
    ...page.disagreements.map((d) => `<li>${escapeHtml(d.message)}: run <code>${escapeHtml(d.reconcile)}</code></li>`),
    '</ul>',
    '</section>',
  ].join('\n');
}

/** `<time data-ago>` with the absolute UTC time as text (the script shows how long ago). */
function timeHtml(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}" data-ago>${escapeHtml(utc(iso))}</time>`;
}

/** `2026-05-01 10:04 UTC`; the input as is when it is no date. */
function utc(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** An id fragment: names are DNS labels already; anything else is folded to one. */
function idOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}
