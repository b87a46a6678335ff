/**
 * `promote --latest` and `track`: the newest tag an app's policy allows in its registry, and
 * where it stands against what the env repo deploys. Newest first, each candidate is checked at
 * the registry (HEAD: its digest): a tag deleted since the list was read is passed over for the
 * next one. Never backwards: a candidate older than the deployed tag is reported, and only
 * `--force --reason` promotes it (promote.ts decides; this only says).
 */
import type { EnvDefinition, TrackPolicy } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import { allowedTags, comparedTo, describePolicy } from '../core/tag-policy.js';
import { registryFor } from '../registry/client.js';

export interface LatestPick {
  /** The policy in one line (`semver ~2.9`): the `Slipway-Tracked` trailer. */
  readonly policy: string;
  /** What the env repo deploys now. */
  readonly current: string | undefined;
  /** The newest allowed tag that exists, with `@sha256:…` when the policy pins digests; undefined: none. */
  readonly tag: string | undefined;
  /** newer/older/same: against `current` (same with another digest: the tag was pushed again); unordered: not comparable. */
  readonly standing: 'newer' | 'same' | 'repushed' | 'older' | 'unordered' | 'none';
  /** One line saying why, for --json and the CLI. */
  readonly reason: string;
  /** The image asked (its registry's description). */
  readonly image: string;
}

/** `--latest` found nothing to promote (no match), or only an older tag: the pick says which. */
export class TrackRefusal extends ConfigError {
  constructor(
    message: string,
    readonly pick: LatestPick,
  ) {
    super(message);
    this.name = 'TrackRefusal';
  }
}

export interface LatestOptions {
  readonly app: string;
  readonly env: EnvDefinition;
  /** The app's image (charts-src/<app>.ts), without tag. */
  readonly image: string;
  readonly current: string | undefined;
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly debug?: (line: string) => void;
}

/** The app's policy in `env`, or a ConfigError naming the field to add. */
export function trackPolicyOf(env: EnvDefinition, app: string): TrackPolicy {
  const policy = env.apps[app]?.track;
  if (!policy)
    throw new ConfigError(
      `envs/${env.name}.yaml: apps.${app}.track: not set; add a policy to follow the registry (track: { semver: "~1.2" })`,
    );
  return policy;
}

export async function pickLatest(o: LatestOptions): Promise<LatestPick> {
  const policy = trackPolicyOf(o.env, o.app);
  const described = describePolicy(policy);
  const client = await registryFor(o.image, `charts-src/${o.app}.ts: image`, o.environment, { debug: o.debug });
  const image = client.ref.description;
  o.log(`${o.env.name}: ${o.app}: reading the tags of ${image} (${described})`);
  const candidates = allowedTags(policy, await client.tags());
  const base = { policy: described, current: o.current, image };
  for (const candidate of candidates) {
    // HEAD each: a tag deleted since the list is skipped; its digest is what gets pinned.
    const digest = await client.digest(candidate);
    if (digest === undefined) {
      o.debug?.(`${image}: ${candidate} is listed but gone (deleted since); trying the next one`);
      continue;
    }
    const tag = policy.digest ? `${candidate}@${digest}` : candidate;
    const standing = comparedTo(policy, candidate, o.current);
    const now = o.current ?? 'nothing';
    if (standing === 'same') {
      const pinned = o.current?.split('@')[1];
      if (policy.digest && pinned !== digest)
        return {
          ...base,
          tag,
          standing: 'repushed',
          reason: `${candidate} was pushed again (${digest}); ${o.env.name} pins ${pinned ?? 'no digest'}`,
        };
      return { ...base, tag, standing, reason: `up to date: ${o.env.name} runs ${now}, the newest ${described} allows` };
    }
    if (standing === 'older')
      return {
        ...base,
        tag,
        standing,
        reason: `${o.env.name} runs ${now}, newer than ${candidate} (the newest ${described} allows): never backwards without --force --reason`,
      };
    return { ...base, tag, standing, reason: `newer tag found: ${candidate} (${described}); ${o.env.name} runs ${now}` };
  }
  return { ...base, tag: undefined, standing: 'none', reason: `no tag of ${image} matches ${described}` };
}
