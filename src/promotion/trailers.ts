/**
 * Git trailers slipway writes on promotion commits, and reads back for history and rollback.
 *
 * The tag a promotion replaced is `Slipway-Previous-Tag` and the env a `--from` promotion took
 * its tag from is `Slipway-Promoted-From-Env` (before: `Slipway-From` and `Slipway-Promoted-From`,
 * too easily confused; an old commit's `Slipway-From` is still read as its previous tag).
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
