/**
 * `slipway promote --all --from <env> --env <env>` (Kargo promotes Freight the same way): every
 * app whose tag differs from what the source env's repo runs (or `--app` ones) goes to the
 * environment in ONE commit to its env repo (or one review branch, `slipway/bundle-<env>`, with
 * one pull request) and one platform-repo commit, the message listing every app from → to and
 * the `Slipway-Bundle` trailer the set (trailers.ts), so `history` shows it as one change and
 * `rollback` restores every app in it.
 *
 * It runs the promotion steps themselves (steps/index.ts: a bundle has its own resolve and
 * report), so each app is gated as a promotion is (pinnedTags, requireDigests, promotesFrom),
 * the env-repo commit retries when its branch moved, and no app's newer tag is overwritten. One
 * blocked app refuses the whole bundle (one line naming it, nothing written) unless
 * `skipBlocked`: then it is left out, a decision with its reason, and the others go.
 *
 * `slipway track` lands each env's tracked apps as one bundle (`latest`: registry picks), and a
 * bundle's rollback is one too (`tags`: the tags each app ran before).
 */
import { ConfigError } from '../core/config-error.js';
import { runSteps } from '../core/step-runner.js';
import type { Plan } from '../plan/plan.js';
import { withLock } from './lock.js';
import { checkPromotionFlags, type PromoteResult, type PromotionFlags } from './promote.js';
import type { PromotionContext } from './steps/context.js';
import { bundlePipeline } from './steps/index.js';

export interface BundleOptions extends PromotionFlags {
  /** Take each app's tag from this env's repo (--from). */
  readonly from?: string;
  /** Take each app's tag from its registry, as its track policy allows (slipway track). */
  readonly latest?: boolean;
  /** The tags given (a bundle's rollback). */
  readonly tags?: ReadonlyMap<string, string>;
  /** Only these apps (--app); @default every app enabled in the env */
  readonly apps?: readonly string[];
  /** Leave blocked apps out (each a decision) and promote the others; @default false: one blocked app refuses the bundle */
  readonly skipBlocked?: boolean;
}

/** What became of one app of a bundle, and why. */
export interface BundleDecision {
  readonly app: string;
  /** What the env repo deployed when the bundle was resolved (undefined: not deployed, or unknown). */
  readonly current: string | undefined;
  /** The tag it was to get (with its digest when pinned), when there was one. */
  readonly tag: string | undefined;
  readonly action: 'promoted' | 'pull-request' | 'would-promote' | 'up-to-date' | 'absent' | 'no-match' | 'blocked' | 'failed';
  readonly reason: string;
  /** The registry's policy that picked the tag (track). */
  readonly policy?: string;
  /** failed: what went wrong (its class gives the exit code). */
  readonly error?: Error;
}

export interface BundleResult {
  readonly env: string;
  /** The env the tags were read from (--from). */
  readonly from?: string;
  /** `nothing-to-do`: no app differs (or every one that does is blocked and left out). */
  readonly status: PromoteResult['status'] | 'nothing-to-do';
  /** Every app considered, by name: promoted, up to date, blocked… each with why. */
  readonly apps: readonly BundleDecision[];
  readonly plan?: Plan;
  readonly commit?: string;
  readonly branch?: string;
  readonly pullRequest?: PromoteResult['pullRequest'];
  readonly adopted: ReadonlyArray<{ app: string; tag: string }>;
  readonly warnings?: readonly string[];
  readonly platformRepo?: string;
  readonly message: string;
}

export async function promoteBundle(options: BundleOptions): Promise<BundleResult> {
  checkBundleArguments(options);
  const ctx: PromotionContext = { o: options, bundle: options };
  await withLock(options.root, async () => {
    const { resolve, commit } = bundlePipeline(ctx);
    await runSteps(resolve, ctx);
    // Nothing differs (or all of it is blocked and left out): no env-repo read, no render.
    await runSteps(ctx.gated!.moves.length > 0 ? commit : commit.slice(-1), ctx);
  });
  return ctx.bundleResult!;
}

function checkBundleArguments(o: BundleOptions): void {
  checkPromotionFlags(o);
  const sources = [o.from !== undefined, o.latest === true, o.tags !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new ConfigError('promote --all needs --from <env>: the environment whose tags to take');
  if (o.from !== undefined && o.from === o.env) throw new ConfigError(`--from ${o.from}: an environment cannot promote from itself`);
  const twice = o.apps?.find((a, i) => o.apps!.indexOf(a) !== i);
  if (twice !== undefined) throw new ConfigError(`--app ${twice}: given twice`);
}
