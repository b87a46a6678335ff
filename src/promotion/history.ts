/**
 * `slipway history`: an app's promotions in one environment, from the env repo's log: what its
 * branch actually ran, so the first-parent chain of the branch (main), not every commit that
 * touched the app's file. A promotion branch's own commits (a pull request that got a second
 * commit before it was merged) never ran alone: the merge shows instead, as the promotion (or
 * rollback) its branch made, dated when it was merged, `who` the person who merged it
 * (`Slipway-Approved-By`, else the merge's author), and `merged` naming the pull request or
 * branch and who promoted on it. `rollback --to` accepts only tags from this list.
 */
import type { EnvDefinition } from '../../generators/environment.js';
import type { CommitInfo, EnvRemote } from '../core/env-remote.js';
import { tagPath } from '../plan/committed-tags.js';
import { bundleOf, parseTrailers, previousTagOf, type BundledApp } from './trailers.js';

export interface HistoryEntry {
  readonly sha: string;
  readonly date: string;
  /** Who promoted (Slipway-Actor), else the commit author; for a merge, who merged. */
  readonly who: string;
  readonly kind: 'promote' | 'rollback' | 'other';
  readonly from?: string;
  readonly to?: string;
  /** The --force reason, when the gate was bypassed. */
  readonly forced?: string;
  readonly title: string;
  /** The change reached the branch by this merge (of a promotion branch, a pull request). */
  readonly merged?: MergeInfo;
  /** A bundle (several apps in one commit: promote --all, track): every app of it, from → to. */
  readonly bundle?: readonly BundledApp[];
}

interface MergeInfo {
  /** The merge commit. */
  readonly sha: string;
  /** Who merged it (Slipway-Approved-By, else the merge commit's author). */
  readonly by: string;
  /** The pull request's number (GitHub's "Merge pull request #N", GitLab's "!N"). */
  readonly pullRequest?: number;
  /** The branch it merged. */
  readonly branch?: string;
  /** Who promoted on the branch (its head's Slipway-Actor). */
  readonly promotedBy?: string;
}

/** `at`: history as of this commit of the branch (one the caller read), not its head now. */
export async function appHistory(remote: EnvRemote, env: EnvDefinition, app: string, limit = 50, at?: string): Promise<HistoryEntry[]> {
  // How far back main is walked: every app's promotions are on it, a few per entry of this one's.
  const depth = Math.min(2000, Math.max(200, limit * 10));
  const from = at === undefined ? {} : { at };
  const [touching, main] = await Promise.all([
    remote.commits({ path: tagPath(env, app), limit: depth, ...from }),
    remote.commits({ limit: depth, ...from }),
  ]);
  const touched = new Map(touching.map((c) => [c.sha, c]));
  // A remote that does not report parents: the commits that touched the file, as they come.
  if (main.length === 0 || main[0]!.parents === undefined) return touching.slice(0, limit).map((c) => commitEntry(c, app));
  const onMain = new Map(main.map((c) => [c.sha, c]));
  const entries: HistoryEntry[] = [];
  for (
    let c: CommitInfo | undefined = main[0];
    c && entries.length < limit;
    c = c.parents?.[0] === undefined ? undefined : onMain.get(c.parents[0])
  ) {
    const parents = c.parents ?? [];
    const mergedHead = parents.slice(1).find((p) => touched.has(p));
    if (mergedHead !== undefined) entries.push(mergeEntry(c, touched.get(mergedHead)!, app));
    else if (touched.has(c.sha)) entries.push(commitEntry(c, app));
  }
  // A merge's "from": the tag main ran before it (the next older entry's), else what its branch says.
  return entries.map((e, i) => {
    if (!e.merged || e.kind === 'other') return e;
    const before = entries.slice(i + 1).find((o) => o.to !== undefined)?.to;
    return before === undefined ? e : { ...e, from: before };
  });
}

function commitEntry(c: CommitInfo, app: string): HistoryEntry {
  const t = parseTrailers(c.message);
  const title = c.message.split('\n')[0] ?? '';
  // A bundle: this app's part of it is the entry, and the bundle rides along (one change).
  const bundle = bundleOf(t);
  const mine = bundle?.find((b) => b.app === app);
  if (t['Slipway-App'] !== app && !mine) return { sha: c.sha, date: c.date, who: c.author, kind: 'other', title };
  const from = mine ? mine.from : previousTagOf(t);
  return {
    sha: c.sha,
    date: c.date,
    who: t['Slipway-Actor'] ?? c.author,
    kind: t['Slipway-Rollback'] === 'true' ? 'rollback' : 'promote',
    ...(from !== undefined ? { from } : {}),
    to: mine ? mine.to : t['Slipway-To'],
    ...(t['Slipway-Forced'] ? { forced: t['Slipway-Forced'] } : {}),
    title,
    ...(bundle ? { bundle } : {}),
  };
}

/** A merge into main that brought `head` (a commit that changed the app's tag) along. */
function mergeEntry(c: CommitInfo, head: CommitInfo, app: string): HistoryEntry {
  const t = parseTrailers(c.message);
  const title = c.message.split('\n')[0] ?? '';
  const github = /^Merge pull request #(\d+) from [^/\s]+\/(\S+)/.exec(title);
  const gitlab = /See merge request \S+!(\d+)/.exec(c.message);
  const branch = t['Slipway-Branch'] ?? github?.[2] ?? /^Merge (?:remote-tracking )?branch '([^']+)'/.exec(title)?.[1];
  const number = github?.[1] ?? gitlab?.[1];
  const brought = commitEntry(head, app);
  const by = t['Slipway-Approved-By'] ?? c.author;
  const merged: MergeInfo = {
    sha: c.sha,
    by,
    ...(number !== undefined ? { pullRequest: Number(number) } : {}),
    ...(branch !== undefined ? { branch: branch.replace(/^origin\//, '') } : {}),
    ...(brought.kind !== 'other' ? { promotedBy: brought.who } : {}),
  };
  // What ran on main is the branch's last tag, from when it was merged, by whoever merged it.
  return { ...brought, sha: c.sha, date: c.date, who: by, title, merged };
}

/** The newest promotion (or rollback) that brought the current tag: what a rollback undoes. */
export function lastChange(history: readonly HistoryEntry[], current: string | undefined): HistoryEntry | undefined {
  return history.find((h) => h.kind !== 'other' && h.to === current);
}

/** The tag a rollback goes back to: the one the newest promotion to the current tag replaced. */
export function previousTag(history: readonly HistoryEntry[], current: string | undefined): string | undefined {
  return lastChange(history, current)?.from;
}
