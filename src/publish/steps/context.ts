/**
 * What an env-repo sync's steps share (bootstrap, plan): the options, the tree read, the plan,
 * and the result the last step leaves for `syncEnv` / `syncForReview` to return.
 */
import type { Plan } from '../../plan/plan.js';
import type { RemoteTree } from '../../core/env-remote.js';
import type { ReviewSyncResult } from '../bootstrap-review.js';
import type { SyncOptions, SyncResult } from '../sync-env.js';

export interface SyncContext {
  readonly options: SyncOptions;
  /** read-env-repo: the env repo's branch as read on this attempt. */
  tree?: RemoteTree;
  /** plan-env-repo: what synth generates for the env, and the plan against `tree`. */
  desired?: ReadonlyMap<string, string>;
  plan?: Plan;
  /** The commit step's answer (the review fields only for a reviewed env). */
  result?: SyncResult & Partial<ReviewSyncResult>;
}
