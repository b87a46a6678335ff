/**
 * Makes an env repo hold exactly what synth generates, in one commit or none: read the head,
 * plan, commit on top of that head. When the branch moved meanwhile (a refused ref update or
 * push), re-read, re-render, retry with capped backoff; never force, never rebase generated text.
 * The steps (read-env-repo → plan-env-repo → commit-env-repo, in steps/) are one retry group of
 * the step runner (core/step-runner.ts), as a promotion's env-repo steps are.
 */
import type { Plan } from '../plan/plan.js';
import { cappedBackoff, type RetryPolicy } from '../core/retry.js';
import { runSteps } from '../core/step-runner.js';
import { RemoteUnavailableError, type EnvRemote, type RemoteTree } from '../core/env-remote.js';
import { commitEnvRepoStep } from './steps/commit-env-repo.js';
import type { SyncContext } from './steps/context.js';
import { planEnvRepoStep } from './steps/plan-env-repo.js';
import { readEnvRepoStep } from './steps/read-env-repo.js';

export interface SyncOptions {
  readonly env: string;
  readonly remote: EnvRemote;
  /** The files the env repo must hold; called again on every retry (re-render). */
  readonly render: () => Promise<ReadonlyMap<string, string>>;
  /** First line of the commit message, given the plan. */
  readonly title: (plan: Plan) => string;
  /** Lines after the file list: `Key: value` trailers. */
  readonly trailers: Readonly<Record<string, string>>;
  readonly dryRun?: boolean;
  /** Runs on every tree read, before planning; throws to refuse (e.g. tags that would move backwards). */
  readonly check?: (tree: RemoteTree) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface SyncResult {
  readonly plan: Plan;
  /** The commit made; undefined when nothing changed or in a dry run. */
  readonly commit: string | undefined;
}

export async function syncEnv(options: SyncOptions): Promise<SyncResult> {
  const ctx: SyncContext = { options };
  await runSteps([{ retry: envRepoRetry(options), steps: [readEnvRepoStep, planEnvRepoStep, commitEnvRepoStep] }], ctx);
  const { plan, commit } = ctx.result!;
  return { plan, commit };
}

/** How an env-repo sync (bootstrap's, direct or for review) retries, and what it says doing so. */
export function envRepoRetry(options: Pick<SyncOptions, 'env' | 'remote' | 'log'>): RetryPolicy {
  return {
    backoffMs: cappedBackoff(100),
    onRetry: (wait, next, attempts) =>
      options.log?.(`${options.env}: the branch moved under us; re-reading and retrying in ${wait} ms (attempt ${next}/${attempts})`),
    gaveUp: (cause, attempts) =>
      new RemoteUnavailableError(
        `${options.remote.description}: the branch kept moving; gave up after ${attempts} attempts (nothing was written; run again)`,
        { cause, reason: 'contention' },
      ),
  };
}

// The commit step builds the message; bootstrap-review and promotion take it from here.
export { commitMessage } from './steps/commit-env-repo.js';
