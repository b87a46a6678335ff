/**
 * `slipway track`: for each env, each enabled app whose `track` policy says `auto: true` is
 * promoted to the newest tag its registry has that the policy allows, all of one env's in one
 * bundle (bundle.ts: one commit, or one review branch, per env per run) through the promotion
 * steps themselves: the same gating (`promotesFrom`), review (`promotion: pr`), platform-repo
 * record, history and trailers (`Slipway-Tracked: <policy>`). A run decides once per app and says why:
 * a newer tag found (promoted), up to date, no tag matches, blocked (gating, or only an older
 * tag: never backwards), or failed (the registry or env repo could not be read: that app only).
 * Idempotent: with no new tags a second run writes nothing.
 *
 * Apps with a policy but `auto: false` are listed (`manual`): `slipway promote <app> --latest`.
 */
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import { loadSelectedEnvs } from '../load/load-envs.js';
import { describePolicy } from '../core/tag-policy.js';
import type { RemoteContext } from '../publish/remotes.js';
import { promoteBundle, type BundleDecision, type BundleResult } from './bundle.js';
import type { PromoteResult } from './promote.js';

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
  const envs: EnvDefinition[] = loadSelectedEnvs(o.root, o.envs);
  const decisions: TrackDecision[] = [];
  for (const env of envs) {
    const tracked = enabledApps(env).filter((app) => env.apps[app]!.track);
    const policyOf = (app: string) => describePolicy(env.apps[app]!.track!);
    const decided: TrackDecision[] = tracked
      .filter((app) => !env.apps[app]!.track!.auto)
      .map((app) => ({
        env: env.name,
        app,
        policy: policyOf(app),
        current: undefined,
        tag: undefined,
        action: 'manual',
        reason: `auto: false: slipway promote ${app} --latest --env ${env.name}`,
      }));
    const auto = tracked.filter((app) => env.apps[app]!.track!.auto);
    if (auto.length > 0) decided.push(...(await trackEnv(o, env.name, auto, policyOf)));
    decisions.push(...decided.sort((a, b) => a.app.localeCompare(b.app)));
  }
  return decisions;
}

/** One env's auto-tracked apps, as one bundle: one commit (or review branch) for all that move. */
async function trackEnv(
  o: TrackOptions,
  env: string,
  apps: readonly string[],
  policyOf: (app: string) => string,
): Promise<TrackDecision[]> {
  try {
    const r = await promoteBundle({
      root: o.root,
      env,
      latest: true,
      apps,
      // An app blocked (gating, never backwards, overtaken) is a decision; the others still go.
      skipBlocked: true,
      dryRun: o.dryRun,
      push: o.push,
      verify: o.verify,
      actor: o.actor,
      environment: o.environment,
      log: o.log,
      debug: o.debug,
    });
    return r.apps.map((d) => decisionOf(env, d, r, policyOf));
  } catch (e) {
    // The env as a whole could not go (its env repo, the platform repo, a render): each app says so.
    const error = e as Error;
    const action = e instanceof ConfigError ? 'blocked' : 'failed';
    return apps.map((app) => ({
      env,
      app,
      policy: policyOf(app),
      current: undefined,
      tag: undefined,
      action,
      reason: error.message,
      ...(action === 'failed' ? { error } : {}),
    }));
  }
}

function decisionOf(env: string, d: BundleDecision, r: BundleResult, policyOf: (app: string) => string): TrackDecision {
  const base = { env, app: d.app, policy: d.policy ?? policyOf(d.app), current: d.current, tag: d.tag, reason: d.reason };
  switch (d.action) {
    case 'promoted':
      return { ...base, action: 'promoted', commit: r.commit };
    case 'pull-request':
      return {
        ...base,
        action: 'pull-request',
        reason: `${d.reason}; ${r.message}`,
        commit: r.commit,
        ...(r.pullRequest ? { pullRequest: r.pullRequest } : {}),
      };
    case 'failed':
      return { ...base, action: 'failed', ...(d.error ? { error: d.error } : {}) };
    case 'absent':
      return { ...base, action: 'blocked' };
    default:
      return { ...base, action: d.action };
  }
}
