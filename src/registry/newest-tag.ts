/**
 * The newest tag a `track` policy allows in an image's registry, and where it stands against the
 * tag an env repo deploys: the resolution `promote --latest` makes (src/promotion/latest.ts
 * `pickLatest` calls it), kept below promotion so `status --registry` reads the
 * registry with the same semantics. Newest first, each candidate is checked at the registry
 * (HEAD: its digest): a tag deleted since the list was read is passed over for the next one.
 */
import type { TrackPolicy } from '../../generators/environment.js';
import { allowedTags, comparedTo, describePolicy } from '../core/tag-policy.js';
import type { RegistryClient } from './client.js';

/** newer/older/same: against the deployed tag (same with another digest: `repushed`); unordered: not comparable; none: no tag matches. */
export type TagStanding = 'newer' | 'same' | 'repushed' | 'older' | 'unordered' | 'none';

export interface NewestTag {
  /** The policy in one line (`semver ~2.9`): the `Slipway-Tracked` trailer. */
  readonly policy: string;
  /** What the env repo deploys now. */
  readonly current: string | undefined;
  /** The newest allowed tag that exists, with `@sha256:…` when the policy pins digests; undefined: none. */
  readonly tag: string | undefined;
  readonly standing: TagStanding;
  /** One line saying why, for --json and the CLI. */
  readonly reason: string;
  /** The image asked (its registry's description). */
  readonly image: string;
}

export interface NewestTagOptions {
  /** The env's name, for the reason. */
  readonly env: string;
  readonly policy: TrackPolicy;
  /** Where the tags are read (a client per image; its answers may be shared across envs). */
  readonly registry: Pick<RegistryClient, 'ref' | 'tags' | 'digest'>;
  readonly current: string | undefined;
  readonly debug?: (line: string) => void;
}

export async function newestTag(o: NewestTagOptions): Promise<NewestTag> {
  const described = describePolicy(o.policy);
  const image = o.registry.ref.description;
  const candidates = allowedTags(o.policy, await o.registry.tags());
  const base = { policy: described, current: o.current, image };
  for (const candidate of candidates) {
    // HEAD each: a tag deleted since the list is skipped; its digest is what gets pinned.
    const digest = await o.registry.digest(candidate);
    if (digest === undefined) {
      o.debug?.(`${image}: ${candidate} is listed but gone (deleted since); trying the next one`);
      continue;
    }
    const tag = o.policy.digest ? `${candidate}@${digest}` : candidate;
    const standing = comparedTo(o.policy, candidate, o.current);
    const now = o.current ?? 'nothing';
    if (standing === 'same') {
      const pinned = o.current?.split('@')[1];
      if (o.policy.digest && pinned !== digest)
        return {
          ...base,
          tag,
          standing: 'repushed',
          reason: `${candidate} was pushed again (${digest}); ${o.env} pins ${pinned ?? 'no digest'}`,
        };
      return { ...base, tag, standing, reason: `up to date: ${o.env} runs ${now}, the newest ${described} allows` };
    }
    if (standing === 'older')
      return {
        ...base,
        tag,
        standing,
        reason: `${o.env} runs ${now}, newer than ${candidate} (the newest ${described} allows): never backwards without --force --reason`,
      };
    return { ...base, tag, standing, reason: `newer tag found: ${candidate} (${described}); ${o.env} runs ${now}` };
  }
  return { ...base, tag: undefined, standing: 'none', reason: `no tag of ${image} matches ${described}` };
}
