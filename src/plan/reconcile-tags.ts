/**
 * Tags decide what runs, and only promotions change them. When envs/<env>.yaml and the env repo
 * disagree on an app's tag, the env repo moved (a merged promotion PR, a promotion from another
 * machine) or the file was edited by hand: either way a publish must not silently write the
 * file's tag over the repo's. `slipway pull` adopts the repo's tags.
 */
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import type { RemoteTree } from '../core/env-remote.js';
import { committedTags } from './committed-tags.js';

export interface TagDrift {
  readonly app: string;
  /** In envs/<env>.yaml. */
  readonly local: string;
  /** In the env repo. */
  readonly repo: string;
}

export async function tagDrift(tree: RemoteTree, env: EnvDefinition): Promise<TagDrift[]> {
  const drift: TagDrift[] = [];
  for (const [app, repo] of await committedTags(tree, env, enabledApps(env))) {
    const local = env.apps[app]!.tag;
    if (repo !== undefined && repo !== local) drift.push({ app, local, repo });
  }
  return drift;
}

/** The refusal plan and bootstrap give when tags disagree. */
export function driftError(env: EnvDefinition, drift: readonly TagDrift[]): ConfigError {
  const list = drift.map((d) => `${d.app} ${d.local} here, ${d.repo} there`).join('; ');
  return new ConfigError(
    `envs/${env.name}.yaml and its env repo disagree on tags (${list}): run slipway pull to adopt the env repo's ` +
      `(promoted elsewhere or merged), or slipway promote to change a tag; --force writes this file's tags over them`,
  );
}
