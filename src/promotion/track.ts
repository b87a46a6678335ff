/**
 * `slipway track`: for each env, each enabled app whose `track` policy says `auto: true` is
 * promoted to the newest tag its registry has that the policy allows, by `promote --latest`
 * itself: the same gating (`promotesFrom`), review (`promotion: pr`), platform-repo record,
 * history and trailers (`Slipway-Tracked: <policy>`). A run decides once per app and says why:
 * a newer tag found (promoted), up to date, no tag matches, blocked (gating, or only an older
 * tag: never backwards), or failed (the registry or env repo could not be read: that app only).
 * Idempotent: with no new tags a second run writes nothing.
 *
 * Apps with a policy but `auto: false` are listed (`manual`): `slipway promote <app> --latest`.
 */
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import { join } from 'node:path';
import { loadEnvFiles, selectEnvs } from '../load/load-envs.js';
import { describePolicy } from '../core/tag-policy.js';
import type { RemoteContext } from '../publish/remotes.js';
import { TrackRefusal } from './latest.js';
import { promote, type PromoteResult } from './promote.js';

export interface TrackOptions extends RemoteContext {
  readonly envs?: readonly string[];
  readonly dryRun?: boolean;
  readonly push?: boolean;
  readonly verify?: boolean;
  readonly actor?: string;
}

export interface TrackDecision {
  readonly env: string;
  readonly app: string;
  readonly policy: string;
  /** What the env repo deployed when the registry was read (undefined: unknown, or not deployed). */
  readonly current: string | undefined;
  /** The tag picked (with its digest when pinned), when one was. */
  readonly tag: string | undefined;
  readonly action: 'promoted' | 'pull-request' | 'would-promote' | 'up-to-date' | 'no-match' | 'blocked' | 'manual' | 'failed';
  readonly reason: string;
  readonly commit?: string;
  readonly pullRequest?: PromoteResult['pullRequest'];
  /** failed: what went wrong (its class gives the exit code). */
  readonly error?: Error;
}

export async function track(o: TrackOptions): Promise<TrackDecision[]> {
  const envs: EnvDefinition[] = selectEnvs(
    loadEnvFiles(join(o.root, 'envs'), 'envs').map((f) => f.definition),
    o.envs,
  );
  const decisions: TrackDecision[] = [];
  for (const env of envs) {
    for (const app of enabledApps(env)) {
      const policy = env.apps[app]!.track;
      if (!policy) continue;
      const base = { env: env.name, app, policy: describePolicy(policy) };
      if (!policy.auto) {
        decisions.push({
          ...base,
          current: undefined,
          tag: undefined,
          action: 'manual',
          reason: `auto: false: slipway promote ${app} --latest --env ${env.name}`,
        });
        continue;
      }
      decisions.push(await trackOne(o, env, app, base));
    }
  }
  return decisions;
}

async function trackOne(
  o: TrackOptions,
  env: EnvDefinition,
  app: string,
  base: Pick<TrackDecision, 'env' | 'app' | 'policy'>,
): Promise<TrackDecision> {
  try {
    const r = await promote({
      root: o.root,
      app,
      env: env.name,
      latest: true,
      dryRun: o.dryRun,
      push: o.push,
      verify: o.verify,
      actor: o.actor,
      environment: o.environment,
      log: o.log,
      debug: o.debug,
    });
    const picked = { current: r.tracked?.current ?? r.from, tag: r.to };
    switch (r.status) {
      case 'committed':
        return { ...base, ...picked, action: 'promoted', reason: r.tracked!.reason, commit: r.commit };
      case 'pull-request':
      case 'branch-pushed':
        return {
          ...base,
          ...picked,
          action: 'pull-request',
          reason: `${r.tracked!.reason}; ${r.message}`,
          commit: r.commit,
          ...(r.pullRequest ? { pullRequest: r.pullRequest } : {}),
        };
      case 'dry-run':
        return { ...base, ...picked, action: 'would-promote', reason: r.tracked!.reason };
      default:
        return { ...base, ...picked, action: 'up-to-date', reason: r.tracked?.standing === 'same' ? r.tracked.reason : r.message };
    }
  } catch (e) {
    if (e instanceof TrackRefusal)
      return {
        ...base,
        current: e.pick.current,
        tag: e.pick.tag,
        action: e.pick.standing === 'none' ? 'no-match' : 'blocked',
        reason: e.message,
      };
    // Gating (promotesFrom), a pending review, a dirty envs/ file: the user's to act on, one line.
    if (e instanceof ConfigError) return { ...base, current: undefined, tag: undefined, action: 'blocked', reason: e.message };
    return { ...base, current: undefined, tag: undefined, action: 'failed', reason: (e as Error).message, error: e as Error };
  }
}
