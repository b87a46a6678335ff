/**
 * `promote --latest` and `track`: the newest tag an app's policy allows in its registry, and
 * where it stands against what the env repo deploys (src/registry/newest-tag.ts, which `status
 * --registry` uses too). Never backwards: a candidate older than the deployed tag is reported,
 * and only `--force --reason` promotes it (promote.ts decides; this only says).
 */
import type { EnvDefinition, TrackPolicy } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import { describePolicy } from '../core/tag-policy.js';
import { registryFor } from '../registry/client.js';
import { newestTag, type NewestTag } from '../registry/newest-tag.js';

/** The pick: the newest allowed tag and where it stands (src/registry/newest-tag.ts). */
export type LatestPick = NewestTag;

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
  const client = await registryFor(o.image, `charts-src/${o.app}.ts: image`, o.environment, { debug: o.debug });
  o.log(`${o.env.name}: ${o.app}: reading the tags of ${client.ref.description} (${describePolicy(policy)})`);
  return newestTag({ env: o.env.name, policy, registry: client, current: o.current, debug: o.debug });
}
