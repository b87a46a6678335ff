/**
 * `slipway promote` and `slipway rollback`: change one app's tag in one environment by a commit
 * to its env repo (directly, or on a pull-request branch), after checks that keep it safe:
 *
 * - the tag is one Docker accepts (and pinned, and with a digest where the env requires it);
 * - gating: an env with `promotesFrom` takes only the tag committed in that env's repo now,
 *   unless `--force --reason`, and the reason goes into the commit;
 * - nothing moves backwards silently: when the env repo holds another tag for this app than
 *   envs/<env>.yaml (a merged PR, another machine), slipway refuses and says to `slipway pull`;
 *   other apps' newer tags in the env repo are adopted, never reverted;
 * - the commit changes the tag line(s) and nothing else: if the env repo differs from the
 *   platform repo in more than tags, run bootstrap first.
 *
 * The platform repo records direct promotions: envs/<env>.yaml, committed alone and pushed to
 * its remote's default branch (platform-repo.ts, which also gives the order of the two writes and
 * what a failure between them leaves). Every check comes before the first write. A promotion
 * whose env-repo half is done (the env repo has the tag, envs/ not yet) finishes the platform
 * half when run again. In PR mode envs/ changes once the PR is merged (`slipway pull`); a
 * promotion branch whose pull request was merged or closed (on other remotes: that is merged into
 * the env repo's branch) starts again from that branch's head.
 *
 * The work is done by steps (steps/index.ts lists them, one file each), run under the
 * promotion lock by one runner (core/step-runner.ts) that also owns the retry when a branch moved.
 */
import { ConfigError } from '../core/config-error.js';
import type { Plan } from '../plan/plan.js';
import type { LatestPick } from './latest.js';
import type { RemoteContext } from '../publish/remotes.js';
import { withLock } from './lock.js';
import type { PromotionContext } from './steps/context.js';
import { promotionPipeline } from './steps/index.js';
import { runSteps } from '../core/step-runner.js';

/** What Docker accepts as a tag, optionally with a digest. */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$/;

/** What every promotion takes, of one app or a bundle: the env, and how to commit. */
export interface PromotionFlags {
  readonly root: string;
  readonly env: string;
  readonly pr?: boolean;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly reason?: string;
  /**
   * Commit straight to the env repo's branch even in a `promotion: pr` env (an emergency): needs
   * `reason`, which goes into the commit (`Slipway-Direct`), and the result carries a warning.
   */
  readonly direct?: boolean;
  /** Marks the commit as a rollback (and skips gating: the tag ran here before). */
  readonly rollback?: boolean;
  /** Push the platform repo's commit (direct promotions). @default true; false (--no-push): commit it locally only */
  readonly push?: boolean;
  /** Run the platform repo's git hooks. @default true; false: --no-verify */
  readonly verify?: boolean;
  /** Who promotes (`Slipway-Actor`). @default SLIPWAY_ACTOR, the CI's user variable, git's user.name, the OS user */
  readonly actor?: string;
  readonly crdsDir?: string;
  readonly environment: RemoteContext['environment'];
  readonly log: (line: string) => void;
  readonly debug?: (line: string) => void;
}

export interface PromoteOptions extends PromotionFlags {
  readonly app: string;
  /** The tag to promote; or take it from `from`. */
  readonly tag?: string;
  readonly from?: string;
  /** Take the newest tag the app's `track` policy allows in its registry (latest.ts); never backwards without `force`. */
  readonly latest?: boolean;
}

export interface PromoteResult {
  readonly app: string;
  readonly env: string;
  readonly from: string | undefined;
  readonly to: string;
  readonly plan: Plan;
  /** `recorded`: the env repo had the tag already; only envs/ (the platform repo) was brought in step. */
  readonly status: 'committed' | 'recorded' | 'pull-request' | 'branch-pushed' | 'dry-run' | 'skipped';
  readonly commit?: string;
  readonly branch?: string;
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly created: boolean };
  /** Other apps' tags taken over from the env repo (they were promoted elsewhere). */
  readonly adopted: ReadonlyArray<{ app: string; tag: string }>;
  /** For the user's attention (a review bypassed with --direct). */
  readonly warnings?: readonly string[];
  /** --latest: the policy, what the registry offered and why this tag. */
  readonly tracked?: LatestPick;
  readonly platformRepo?: string;
  readonly message: string;
}

export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  checkArguments(options);
  const ctx: PromotionContext = { o: options, single: options };
  await runSteps(promotionPipeline(ctx), ctx, { lock: (work) => withLock(options.root, work) });
  return ctx.result!;
}

/** The flags promote and rollback share, checked before anything is read. */
export function checkPromotionFlags(o: Pick<PromoteOptions, 'force' | 'direct' | 'pr' | 'reason'>): void {
  if (o.force && !o.reason?.trim()) throw new ConfigError('--force needs --reason "<why>": the reason goes into the commit');
  if (o.direct && !o.reason?.trim())
    throw new ConfigError('--direct needs --reason "<why>": it bypasses review, and the reason goes into the commit');
  if (o.direct && o.pr) throw new ConfigError('--direct and --pr contradict each other: give one');
}

function checkArguments(o: PromoteOptions): void {
  checkPromotionFlags(o);
  if ([o.tag !== undefined, o.from !== undefined, o.latest === true].filter(Boolean).length > 1)
    throw new ConfigError('give one of a tag, --from <env> or --latest');
  if (o.tag === undefined && o.from === undefined && !o.latest)
    throw new ConfigError('which tag? give one (slipway promote <app> <tag> --env <env>), --from <env>, or --latest');
  if (o.from !== undefined && o.from === o.env) throw new ConfigError(`--from ${o.from}: an environment cannot promote from itself`);
  if (o.tag !== undefined && !DOCKER_TAG.test(o.tag)) {
    throw new ConfigError(
      `tag '${o.tag}' is not one Docker accepts (letters, digits, _ . -, starting with a letter, digit or _, at most 128; optionally @sha256:<64 hex>)`,
    );
  }
}
