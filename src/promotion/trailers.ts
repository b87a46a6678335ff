/**
 * Git trailers slipway writes on promotion commits, and reads back for history and rollback.
 *
 * The tag a promotion replaced is `Slipway-Previous-Tag` and the env a `--from` promotion took
 * its tag from is `Slipway-Promoted-From-Env` (before: `Slipway-From` and `Slipway-Promoted-From`,
 * too easily confused; an old commit's `Slipway-From` is still read as its previous tag).
 *
 * A bundle (several apps in one commit: `promote --all`, track) has no `Slipway-App`; it lists
 * its apps `app=tag` in `Slipway-Bundle` and what each replaced in `Slipway-Bundle-Previous`,
 * so history shows it as one change and rollback restores every app in it.
 */

export interface PromotionTrailers {
  readonly app: string;
  readonly env: string;
  readonly from: string | undefined;
  readonly to: string;
  readonly sourceCommit: string;
  readonly actor: string;
  /** The reason given with --force. */
  readonly forced?: string;
  /** The reason given with --direct: committed straight to the branch in an env that takes promotions through review. */
  readonly direct?: string;
  readonly rollback?: boolean;
  /** The environment whose tag was taken (--from). */
  readonly promotedFrom?: string;
  /** The tracking policy that picked the tag (--latest, slipway track). */
  readonly tracked?: string;
}

export function trailerLines(t: PromotionTrailers): Record<string, string> {
  return {
    'Slipway-App': t.app,
    'Slipway-Env': t.env,
    'Slipway-Previous-Tag': t.from ?? 'none',
    'Slipway-To': t.to,
    ...(t.promotedFrom ? { 'Slipway-Promoted-From-Env': t.promotedFrom } : {}),
    ...(t.forced ? { 'Slipway-Forced': t.forced.replace(/\s+/g, ' ') } : {}),
    ...(t.direct ? { 'Slipway-Direct': t.direct.replace(/\s+/g, ' ') } : {}),
    ...(t.rollback ? { 'Slipway-Rollback': 'true' } : {}),
    ...(t.tracked ? { 'Slipway-Tracked': t.tracked } : {}),
    'Slipway-Actor': t.actor,
    'Slipway-Source-Commit': t.sourceCommit,
  };
}

/** One app of a bundle: from → to. */
export interface BundledApp {
  readonly app: string;
  readonly from: string | undefined;
  readonly to: string;
}

type SharedTrailers = Omit<PromotionTrailers, 'app' | 'from' | 'to' | 'tracked'>;

/** A promotion's trailers: one app's (trailerLines), or a bundle's when it moves several. */
export function trailersFor(
  t: SharedTrailers & { readonly moves: ReadonlyArray<BundledApp & { readonly tracked?: string }> },
): Record<string, string> {
  if (t.moves.length === 1) {
    const [m] = t.moves;
    return trailerLines({ ...t, app: m!.app, from: m!.from, to: m!.to, tracked: m!.tracked });
  }
  const list = (value: (m: BundledApp) => string) => t.moves.map((m) => `${m.app}=${value(m)}`).join(',');
  const tracked = t.moves.filter((m) => m.tracked).map((m) => `${m.app}=${m.tracked}`);
  return {
    'Slipway-Env': t.env,
    'Slipway-Bundle': list((m) => m.to),
    'Slipway-Bundle-Previous': list((m) => m.from ?? 'none'),
    ...(t.promotedFrom ? { 'Slipway-Promoted-From-Env': t.promotedFrom } : {}),
    ...(t.forced ? { 'Slipway-Forced': t.forced.replace(/\s+/g, ' ') } : {}),
    ...(t.direct ? { 'Slipway-Direct': t.direct.replace(/\s+/g, ' ') } : {}),
    ...(t.rollback ? { 'Slipway-Rollback': 'true' } : {}),
    ...(tracked.length ? { 'Slipway-Tracked': tracked.join('; ') } : {}),
    'Slipway-Actor': t.actor,
    'Slipway-Source-Commit': t.sourceCommit,
  };
}

/** A bundle commit's apps, from → to, in commit order (undefined: not a bundle). */
export function bundleOf(t: Readonly<Record<string, string>>): BundledApp[] | undefined {
  const to = t['Slipway-Bundle'];
  if (to === undefined) return undefined;
  const pairs = (value: string | undefined) => new Map((value ?? '').split(',').map((pair) => pair.split('=') as [string, string]));
  const previous = pairs(t['Slipway-Bundle-Previous']);
  return [...pairs(to)].map(([app, tag]) => {
    const from = previous.get(app);
    return { app, from: from === undefined || from === 'none' ? undefined : from, to: tag };
  });
}

/** The tag a promotion commit replaced (undefined: none, or not a promotion commit); old commits' `Slipway-From` too. */
export function previousTagOf(t: Readonly<Record<string, string>>): string | undefined {
  const value = t['Slipway-Previous-Tag'] ?? t['Slipway-From'];
  return value === undefined || value === 'none' ? undefined : value;
}

/** `Key: value` lines of a commit message's last paragraph. */
export function parseTrailers(message: string): Record<string, string> {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const out: Record<string, string> = {};
  for (const line of last.split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}
