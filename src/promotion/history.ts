/** `slipway history`: an app's promotions in one environment, from the env repo's log. */
import type { EnvDefinition } from '../../generators/environment.js';
import type { EnvRemote } from '../publish/env-remote.js';
import { tagPath } from './committed-tags.js';
import { parseTrailers } from './trailers.js';

export interface HistoryEntry {
  readonly sha: string;
  readonly date: string;
  /** Who promoted (Slipway-Actor), else the commit author. */
  readonly who: string;
  readonly kind: 'promote' | 'rollback' | 'other';
  readonly from?: string;
  readonly to?: string;
  /** The --force reason, when the gate was bypassed. */
  readonly forced?: string;
  readonly title: string;
}

export async function appHistory(remote: EnvRemote, env: EnvDefinition, app: string, limit = 50): Promise<HistoryEntry[]> {
  const commits = await remote.commits({ path: tagPath(env, app), limit });
  return commits.map((c) => {
    const t = parseTrailers(c.message);
    const title = c.message.split('\n')[0] ?? '';
    if (t['Slipway-App'] !== app) return { sha: c.sha, date: c.date, who: c.author, kind: 'other', title };
    return {
      sha: c.sha,
      date: c.date,
      who: t['Slipway-Actor'] ?? c.author,
      kind: t['Slipway-Rollback'] === 'true' ? 'rollback' : 'promote',
      from: t['Slipway-From'] === 'none' ? undefined : t['Slipway-From'],
      to: t['Slipway-To'],
      ...(t['Slipway-Forced'] ? { forced: t['Slipway-Forced'] } : {}),
      title,
    };
  });
}

/** The tag a rollback goes back to: the one the newest promotion to the current tag replaced. */
export function previousTag(history: readonly HistoryEntry[], current: string | undefined): string | undefined {
  const last = history.find((h) => h.kind !== 'other' && h.to === current);
  return last?.from;
}
