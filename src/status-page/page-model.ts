/**
 * The status page's model: the gathered facts (page-input.ts) arranged as a person reads them.
 * Envs in promotion order (each after the env it promotes from), one row per app with a cell per
 * env (what runs there, since when and by whom, drift from envs/, a pending promotion, whether it
 * lags the env it promotes from), per app its delivery and recent promotions, per env its repo,
 * platform and clusters. Pure and deterministic: the same facts give the same model.
 */
import type { HistoryEntry } from '../promotion/history.js';
import type { AppFacts, DeliveryFacts, EnvFacts, PlatformPin, StatusPageInput } from './page-input.js';
import { repoWeb } from './web-links.js';

export interface StatusPage {
  readonly generatedAt: string;
  /** Columns, in promotion order. */
  readonly envs: readonly EnvColumn[];
  /** Rows, by app name. */
  readonly apps: readonly AppRow[];
  /** promotesFrom edges between the envs shown: from → to. */
  readonly edges: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  readonly disagreements: ReadonlyArray<{ readonly message: string; readonly reconcile: string }>;
  readonly counts: { readonly pending: number; readonly drifted: number; readonly lagging: number };
}

export interface EnvColumn {
  readonly name: string;
  readonly promotesFrom: string | undefined;
  readonly promotion: 'direct' | 'pr';
  readonly render: 'helm' | 'manifests';
  /** Where slipway pushes, and the repo's web page when known. */
  readonly repo: { readonly location: string; readonly branch: string; readonly pulledFrom: string; readonly url?: string };
  readonly head?: { readonly sha: string; readonly url?: string };
  readonly unreadable?: string;
  readonly clusters: ReadonlyArray<{ readonly name: string; readonly server: string }>;
  /** One row per component, its charts and pins. */
  readonly platform: ReadonlyArray<{ readonly component: string; readonly pins: readonly PlatformPin[] }>;
}

export type Cell =
  /** The env file has no such app. */
  | { readonly kind: 'absent' }
  /** In the env file but `enabled: false`. */
  | { readonly kind: 'disabled'; readonly declared: string }
  /** The env repo could not be read: only envs/ is known. */
  | { readonly kind: 'unknown'; readonly declared: string }
  | AppCell;

export interface AppCell {
  readonly kind: 'app';
  /** The tag in the env repo; undefined: not deployed yet. */
  readonly running: string | undefined;
  readonly declared: string;
  /** The env repo holds another tag than envs/ (`slipway pull` adopts it). */
  readonly drift: boolean;
  /** When the running tag reached the branch, and who brought it. */
  readonly landed?: Landed;
  readonly pending?: { readonly branch: string; readonly tag?: string; readonly url?: string; readonly label: string };
  /** The env it promotes from runs another tag, one this env never ran: it lags behind. */
  readonly lag?: { readonly env: string; readonly tag: string };
  /**
   * The env it promotes from runs another tag, one this env ran before: it moved past it (a
   * forced hotfix, or a rollback upstream). Not lagging.
   */
  readonly ahead?: { readonly env: string; readonly tag: string };
  /**
   * `--registry`: a newer tag the app's track policy allows (`promote --latest` would take it;
   * `repushed`: the same tag, pushed again with another digest), or why the registry gave none.
   */
  readonly registry?:
    | { readonly kind: 'newer'; readonly tag: string; readonly digest?: string; readonly repushed: boolean }
    | { readonly kind: 'no-match'; readonly policy: string }
    | { readonly kind: 'error'; readonly message: string };
}

interface Landed {
  readonly date: string;
  readonly who: string;
  readonly sha: string;
  readonly url?: string;
  /** How it got there: promote, rollback, or another commit (bootstrap). */
  readonly kind: HistoryEntry['kind'];
}

export interface AppRow {
  readonly app: string;
  /** One per env column, in the same order. */
  readonly cells: readonly Cell[];
  /** Delivery per env where the app runs (the env repo's). */
  readonly delivery: ReadonlyArray<{ readonly env: string; readonly delivery: DeliveryFacts }>;
  /** Recent promotions per env where the app is. */
  readonly history: ReadonlyArray<{ readonly env: string; readonly entries: readonly HistoryRow[] }>;
}

export interface HistoryRow {
  readonly date: string;
  readonly who: string;
  readonly kind: 'promote' | 'rollback';
  readonly from?: string;
  readonly to?: string;
  readonly forced?: string;
  /** How it reached the branch when through review: `#12 merged by ann`, `slipway/promote-… merged by ann`. */
  readonly via?: string;
  readonly sha: string;
  readonly url?: string;
}

/** Envs sorted so each comes after the one it promotes from; siblings and roots by name. */
export function promotionOrder<E extends { readonly name: string; readonly promotesFrom: string | undefined }>(envs: readonly E[]): E[] {
  const names = new Set(envs.map((e) => e.name));
  const byName = [...envs].sort((a, b) => compare(a.name, b.name));
  const out: E[] = [];
  const placed = new Set<string>();
  const visit = (parent: string | undefined) => {
    for (const e of byName) {
      if (placed.has(e.name)) continue;
      const from = e.promotesFrom !== undefined && names.has(e.promotesFrom) ? e.promotesFrom : undefined;
      if (from !== parent) continue;
      placed.add(e.name);
      out.push(e);
      visit(e.name);
    }
  };
  visit(undefined);
  // A cycle (refused by synth, not by status) leaves envs unplaced: after the rest, by name.
  for (const e of byName) if (!placed.has(e.name)) out.push(e);
  return out;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildStatusPage(input: StatusPageInput): StatusPage {
  const envs = promotionOrder(input.envs);
  const appNames = [...new Set(envs.flatMap((e) => e.apps.map((a) => a.app)))].sort(compare);
  const factsOf = (env: EnvFacts, app: string) => env.apps.find((a) => a.app === app);
  const apps: AppRow[] = appNames.map((app) => {
    const cells = envs.map((env) => {
      const upstream = envs.find((e) => e.name === env.promotesFrom);
      return cellOf(env, factsOf(env, app), upstream && !upstream.unreadable ? factsOf(upstream, app) : undefined);
    });
    const present = envs.flatMap((env) => {
      const f = factsOf(env, app);
      return f?.enabled && !env.unreadable ? [{ env, f }] : [];
    });
    return {
      app,
      cells,
      delivery: present.flatMap(({ env, f }) => (f.delivery ? [{ env: env.name, delivery: f.delivery }] : [])),
      history: present.map(({ env, f }) => ({ env: env.name, entries: historyRows(env, f, input.historyLimit) })),
    };
  });
  const shown = new Set(envs.map((e) => e.name));
  const appCells = apps.flatMap((a) => a.cells).filter((c): c is AppCell => c.kind === 'app');
  return {
    generatedAt: input.generatedAt,
    envs: envs.map(columnOf),
    apps,
    edges: envs.flatMap((e) => (e.promotesFrom !== undefined && shown.has(e.promotesFrom) ? [{ from: e.promotesFrom, to: e.name }] : [])),
    disagreements: input.disagreements,
    counts: {
      pending: appCells.filter((c) => c.pending).length,
      drifted: appCells.filter((c) => c.drift).length,
      lagging: appCells.filter((c) => c.lag).length,
    },
  };
}

function cellOf(env: EnvFacts, facts: AppFacts | undefined, upstream: AppFacts | undefined): Cell {
  if (!facts) return { kind: 'absent' };
  if (!facts.enabled) return { kind: 'disabled', declared: facts.declared };
  if (env.unreadable) return { kind: 'unknown', declared: facts.declared };
  const web = repoWeb(env.repo);
  const running = facts.committed;
  const landed = landedOf(facts);
  const pending = facts.pending;
  const upstreamTag = upstream?.enabled ? upstream.committed : undefined;
  return {
    kind: 'app',
    running,
    declared: facts.declared,
    drift: running !== undefined && running !== facts.declared,
    ...(landed ? { landed: { ...landed, ...(web ? { url: web.commit(landed.sha) } : {}) } } : {}),
    ...(pending
      ? {
          pending: {
            branch: pending.branch,
            ...(pending.tag !== undefined ? { tag: pending.tag } : {}),
            ...(pending.pullRequest
              ? { url: pending.pullRequest.url, label: `pull request #${pending.pullRequest.number}` }
              : { ...(web ? { url: web.branch(pending.branch) } : {}), label: pending.branch }),
          },
        }
      : {}),
    ...(upstreamTag !== undefined && running !== undefined && upstreamTag !== running
      ? { [ranHere(facts, upstreamTag) ? 'ahead' : 'lag']: { env: env.promotesFrom!, tag: upstreamTag } }
      : {}),
    ...registryOf(facts),
  };
}

/** The cell's registry marker: only what asks for attention (up to date says nothing). */
function registryOf(facts: AppFacts): Pick<AppCell, 'registry'> {
  const r = facts.registry;
  if (!r || r.state === 'up-to-date') return {};
  if (r.state === 'no-match') return { registry: { kind: 'no-match', policy: r.policy } };
  if (r.state === 'error') return { registry: { kind: 'error', message: r.error ?? 'unreadable' } };
  return {
    registry: {
      kind: 'newer',
      tag: r.newest!,
      ...(r.digest ? { digest: r.digest } : {}),
      repushed: facts.committed?.split('@')[0] === r.newest,
    },
  };
}

/** Whether the env's history shows it running `tag` once (as a promotion's from or to). */
function ranHere(facts: AppFacts, tag: string): boolean {
  return facts.history.some((e) => e.kind !== 'other' && (e.from === tag || e.to === tag));
}

/**
 * When the running tag reached the branch: the newest promotion (or rollback) to it, unless a
 * newer one went elsewhere. With none in the history, and the history complete, the commit that
 * first wrote the app (its bootstrap).
 */
function landedOf(facts: AppFacts): Omit<Landed, 'url'> | undefined {
  if (facts.committed === undefined) return undefined;
  for (const e of facts.history) {
    if (e.kind === 'other') continue;
    if (e.to !== facts.committed) break;
    return { date: e.date, who: e.who, sha: e.sha, kind: e.kind };
  }
  const first = facts.history[facts.history.length - 1];
  if (!facts.historyComplete || !first || facts.history.some((e) => e.kind !== 'other')) return undefined;
  return { date: first.date, who: first.who, sha: first.sha, kind: first.kind };
}

function historyRows(env: EnvFacts, facts: AppFacts, limit: number): HistoryRow[] {
  const web = repoWeb(env.repo);
  return facts.history
    .filter((e): e is HistoryEntry & { kind: 'promote' | 'rollback' } => e.kind !== 'other')
    .slice(0, limit)
    .map((e) => ({
      date: e.date,
      who: e.who,
      kind: e.kind,
      ...(e.from !== undefined ? { from: e.from } : {}),
      ...(e.to !== undefined ? { to: e.to } : {}),
      ...(e.forced ? { forced: e.forced } : {}),
      ...(e.merged
        ? {
            via: `${e.merged.pullRequest !== undefined ? `#${e.merged.pullRequest}` : (e.merged.branch ?? 'a merge')} merged by ${e.merged.by}${
              e.merged.promotedBy && e.merged.promotedBy !== e.merged.by ? `, promoted by ${e.merged.promotedBy}` : ''
            }`,
          }
        : {}),
      sha: e.sha,
      ...(web ? { url: web.commit(e.sha) } : {}),
    }));
}

function columnOf(env: EnvFacts): EnvColumn {
  const web = repoWeb(env.repo);
  const components = [...new Set(env.platform.map((p) => p.component))].sort(compare);
  return {
    name: env.name,
    promotesFrom: env.promotesFrom,
    promotion: env.promotion,
    render: env.render,
    repo: {
      location: withoutUserInfo(env.repo.location),
      branch: env.repo.branch,
      pulledFrom: withoutUserInfo(env.repo.url),
      ...(web ? { url: web.home } : {}),
    },
    ...(env.head ? { head: { sha: env.head, ...(web ? { url: web.commit(env.head) } : {}) } } : {}),
    ...(env.unreadable ? { unreadable: env.unreadable } : {}),
    clusters: env.clusters,
    platform: components.map((component) => ({
      component,
      pins: env.platform.filter((p) => p.component === component).sort((a, b) => compare(a.name, b.name)),
    })),
  };
}

/** A URL as shown: never with a user or password in it (a token written into an env file). */
function withoutUserInfo(location: string): string {
  return location.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
