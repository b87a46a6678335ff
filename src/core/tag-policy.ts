/**
 * Which registry tags a tracking policy allows, newest first: pure (tags in, tags out), so the
 * loader checks policies with it and `track` / `promote --latest` pick with it.
 *
 * The rules follow the tools users know: a `semver` range as Flux's ImagePolicy `semver.range`
 * (pre-releases only when the range names one: node-semver's `includePrerelease: false`, see
 * https://github.com/npm/node-semver#prerelease-tags), or `allowTags` / `ignoreTags` regular
 * expressions as Argo CD Image Updater's allow-tags / ignore-tags, with `extract` as Flux's
 * `filterTags.extract` (`$1`, `$<name>`: https://fluxcd.io/flux/components/image/imagepolicies/#filter-tags)
 * and `order` as its `semver` / `numerical` / `alphabetical` policies.
 */
import semver from 'semver';
import type { TrackPolicy } from '../../generators/environment.js';

/** The problems of a policy as written (each one line, naming the field): empty when it is sound. */
export function policyProblems(p: TrackPolicy): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  if (p.semver === undefined && p.allowTags === undefined)
    out.push({ field: '', message: 'give semver (a range) or allowTags (a regular expression)' });
  if (p.semver !== undefined && p.allowTags !== undefined)
    out.push({ field: 'semver', message: 'give semver or allowTags, not both (allowTags with order: semver orders what it allows)' });
  if (p.semver !== undefined && semver.validRange(p.semver) === null)
    out.push({ field: 'semver', message: `'${p.semver}' is not a semver range (examples: ~2.9, ^1.2.0, >=1.2 <2)` });
  for (const field of ['allowTags', 'ignoreTags'] as const) {
    const source = p[field];
    if (source === undefined) continue;
    try {
      new RegExp(source);
    } catch (e) {
      out.push({ field, message: `'${source}' is not a regular expression: ${(e as Error).message}` });
    }
  }
  if (p.extract !== undefined && p.allowTags === undefined)
    out.push({ field: 'extract', message: 'extract takes groups of allowTags: give allowTags' });
  return out;
}

/** The policy in one short line, for trailers and reports: `semver ~2.9`, `allowTags ^v(\d+)$ extract $1 order numeric`. */
export function describePolicy(p: TrackPolicy): string {
  if (p.semver !== undefined) return `semver ${p.semver}${p.ignoreTags ? ` ignoreTags ${p.ignoreTags}` : ''}`;
  return [
    `allowTags ${p.allowTags}`,
    ...(p.ignoreTags ? [`ignoreTags ${p.ignoreTags}`] : []),
    ...(p.extract ? [`extract ${p.extract}`] : []),
    `order ${p.order}`,
  ].join(' ');
}

/** What a tag is ordered by under the policy (undefined: the policy does not allow it). */
function sortKey(p: TrackPolicy, tag: string): string | undefined {
  if (p.ignoreTags !== undefined && new RegExp(p.ignoreTags).test(tag)) return undefined;
  if (p.semver !== undefined) {
    const version = semver.valid(tag);
    return version !== null && semver.satisfies(version, p.semver, { includePrerelease: false }) ? version : undefined;
  }
  const m = new RegExp(p.allowTags!).exec(tag);
  if (!m) return undefined;
  const key = p.extract === undefined ? tag : expand(p.extract, m);
  if (p.order === 'semver') return semver.valid(key) ?? undefined;
  if (p.order === 'numeric') return /^-?\d+(\.\d+)?$/.test(key) ? key : undefined;
  return key;
}

/** `$1`, `$<name>`, `$$` in `template`, from a match (String.prototype.replace's syntax). */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|\d{1,2}|<([^>]+)>)/g, (_all, what: string, name?: string) => {
    if (what === '$') return '$';
    if (name !== undefined) return m.groups?.[name] ?? '';
    return m[Number(what)] ?? '';
  });
}

/** Compares two keys of the policy's order: < 0 when `a` is older. */
function compareKeys(p: TrackPolicy, a: string, b: string): number {
  const order = p.semver !== undefined ? 'semver' : p.order;
  if (order === 'semver') return semver.compare(a, b);
  if (order === 'numeric') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The tags the policy allows, newest first (ties: the tag's own text, so the order is stable). */
export function allowedTags(p: TrackPolicy, tags: readonly string[]): string[] {
  const keyed = tags.flatMap((tag) => {
    const key = sortKey(p, tag);
    return key === undefined ? [] : [{ tag, key }];
  });
  return keyed.sort((a, b) => compareKeys(p, b.key, a.key) || (a.tag < b.tag ? 1 : a.tag > b.tag ? -1 : 0)).map((k) => k.tag);
}

/**
 * Where `candidate` stands against `current` (a deployed tag, perhaps `tag@sha256:…`) under the
 * policy: `newer`, `same`, `older`, or `unordered` when the current tag is not one the policy
 * orders (`latest`, a tag outside the range): then moving to the candidate is not "backwards".
 */
export function comparedTo(p: TrackPolicy, candidate: string, current: string | undefined): 'newer' | 'same' | 'older' | 'unordered' {
  if (current === undefined) return 'unordered';
  const bare = current.split('@')[0]!;
  if (bare === candidate) return 'same';
  const a = sortKey(p, candidate);
  // The current tag is ordered even when the policy would not pick it now (outside the range).
  const b = sortKey({ ...p, ignoreTags: undefined }, bare) ?? looseKey(p, bare);
  if (a === undefined || b === undefined) return 'unordered';
  const c = compareKeys(p, a, b);
  return c > 0 ? 'newer' : c < 0 ? 'older' : 'same';
}

/** A tag outside a semver range is still a version: 3.0.0 is newer than anything ~2.9 picks. */
function looseKey(p: TrackPolicy, tag: string): string | undefined {
  return p.semver !== undefined || p.order === 'semver' ? (semver.valid(tag) ?? undefined) : undefined;
}
