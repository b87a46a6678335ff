/**
 * Runs steps (Kargo-style): each step is one small function that returns a `StepResult`, and
 * this runner alone decides what happens next. It owns the two things no step should do for
 * itself: holding the lock while the steps run, and retrying. Promotions (promotion/steps/) and
 * env-repo syncs (bootstrap, plan: publish/steps/) run on it; it lives in core/ so neither
 * folder imports the other for it.
 *
 * - `succeeded` and `skipped` go on to the next step (skipped: nothing to do, safe to re-run);
 * - `failed` stops: the user must act, and its error (with the fix) is thrown as it is, so the
 *   CLI's exit code (by the error's class) stays what it was;
 * - `errored` stops too, unless it says the branch moved and the step is in a retry group: then
 *   the group starts over from its first step (re-read, re-apply, re-render) after a capped
 *   backoff (core/retry.ts), up to the group's cap, and then the group's "gave up" error.
 *
 * A step that throws is an `errored` step that is not retried (the error is thrown as it is).
 * The report lists every step run, in order, with its attempt: re-runs included.
 */
import { BranchMovedError } from './env-remote.js';
import { Moved, retryWhenMoved, type RetryPolicy } from './retry.js';

export interface StepResult {
  readonly status: 'succeeded' | 'skipped' | 'failed' | 'errored';
  readonly message?: string;
  readonly output?: Record<string, unknown>;
  /** failed, errored: what the runner throws (a ConfigError with the fix, a RemoteError, …). */
  readonly error?: Error;
  /** errored: the branch moved under the step (someone committed first); worth another attempt. */
  readonly moved?: boolean;
}

export interface Step<C> {
  /** The step's kind, as registered in steps/index.ts: `edit-envs`. */
  readonly kind: string;
  /** Acts on the shared context; `attempt` counts from 1 within a retry group (1 outside one). */
  run(ctx: C, attempt: number): Promise<StepResult>;
}

/** Steps that start over together when one of them errors with the branch moved. */
interface RetryGroup<C> {
  readonly retry: RetryPolicy;
  readonly steps: readonly Step<C>[];
}

export type Pipeline<C> = ReadonlyArray<Step<C> | RetryGroup<C>>;

interface StepRecord {
  readonly kind: string;
  readonly attempt: number;
  readonly result: StepResult;
}

export interface RunReport {
  /** Every step run, in order; a retried group's steps appear once per attempt. */
  readonly steps: readonly StepRecord[];
}

export interface RunOptions {
  /** Held around the whole run: promotions from one checkout take turns. @default none */
  readonly lock?: <T>(work: () => Promise<T>) => Promise<T>;
}

export function succeeded(message?: string, output?: Record<string, unknown>): StepResult {
  return { status: 'succeeded', ...(message !== undefined ? { message } : {}), ...(output ? { output } : {}) };
}

export function skipped(message: string): StepResult {
  return { status: 'skipped', message };
}

/** The user must act: `error` says what and how (never retried). */
export function failed(error: Error): StepResult {
  return { status: 'failed', message: error.message, error };
}

/** A technical failure; `moved`: the branch moved, so the runner may re-run the step's group. */
export function errored(error: Error, options: { readonly moved?: boolean } = {}): StepResult {
  return { status: 'errored', message: error.message, error, ...(options.moved ? { moved: true } : {}) };
}

/** Thrown for a failed or errored step that carries no error of its own. */
class StepError extends Error {
  constructor(
    readonly kind: string,
    readonly result: StepResult,
  ) {
    super(`${kind}: ${result.message ?? result.status}`);
    this.name = 'StepError';
  }
}

/** A step's input that an earlier step produces; missing means the pipeline is out of order (a bug). */
export function need<T>(value: T | undefined, step: string): T {
  if (value === undefined) throw new Error(`steps out of order: ${step} has not run`);
  return value;
}

function isGroup<C>(entry: Step<C> | RetryGroup<C>): entry is RetryGroup<C> {
  return 'steps' in entry;
}

export async function runSteps<C>(pipeline: Pipeline<C>, ctx: C, options: RunOptions = {}): Promise<RunReport> {
  const run = async (): Promise<RunReport> => {
    const records: StepRecord[] = [];
    // Runs one step and records it; true: go on, Moved: the branch moved (the caller decides).
    const one = async (step: Step<C>, attempt: number): Promise<true | Moved> => {
      let result: StepResult;
      try {
        result = await step.run(ctx, attempt);
      } catch (e) {
        // A commit that found its branch moved throws BranchMovedError: in a retry group, that is a move.
        result =
          e instanceof BranchMovedError ? errored(e, { moved: true }) : { status: 'errored', message: String((e as Error)?.message ?? e) };
        records.push({ kind: step.kind, attempt, result });
        if (result.moved) return new Moved(e);
        throw e;
      }
      records.push({ kind: step.kind, attempt, result });
      if (result.status === 'succeeded' || result.status === 'skipped') return true;
      if (result.status === 'errored' && result.moved) return new Moved(result.error);
      throw result.error ?? new StepError(step.kind, result);
    };
    for (const entry of pipeline) {
      if (!isGroup(entry)) {
        const outcome = await one(entry, 1);
        // Outside a retry group nothing can be re-read and re-applied: the move is an error.
        if (outcome instanceof Moved)
          throw (outcome.cause as Error | undefined) ?? new StepError(entry.kind, { status: 'errored', moved: true });
        continue;
      }
      await retryWhenMoved(async (attempt) => {
        for (const step of entry.steps) {
          const outcome = await one(step, attempt);
          if (outcome instanceof Moved) return outcome;
        }
        return true;
      }, entry.retry);
    }
    return { steps: records };
  };
  return options.lock ? options.lock(run) : run();
}
