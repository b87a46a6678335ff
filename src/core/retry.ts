/**
 * The one retry loop slipway has for writes. It retries only when a branch moved under it
 * (someone committed or pushed first): then each attempt starts over from reading (the caller's
 * `work` re-reads the head, re-applies its edit and re-renders), never rebasing generated text
 * and never forcing. The waits grow, capped, with jitter, so two writers that collided do not
 * collide again on the same beat. Anything else `work` throws ends the loop at once: a network
 * failure or a refusal is for the user, not for another attempt.
 *
 * Env-repo syncs (bootstrap), the promotion runner's env-repo steps and the platform repo's
 * push (promote, pull) all go through it; only their words differ.
 */
import { BranchMovedError } from './env-remote.js';

/** What `work` returns when the branch moved: try again from the top. */
export class Moved {
  /** The error that said so (a `BranchMovedError`), or undefined for a rejected push. */
  constructor(readonly cause?: unknown) {}
}

export interface RetryPolicy {
  /** Attempts in all, the first one included. @default 5 */
  readonly attempts?: number;
  /** The wait before attempt n+1, given n. @default cappedBackoff(200) */
  readonly backoffMs?: (attempt: number) => number;
  /** Announces a retry before waiting: the wait, the attempt about to start (2…), the cap. */
  readonly onRetry?: (wait: number, next: number, attempts: number) => void;
  /** The error thrown when the branch moved on every attempt (the last `Moved`'s cause, the cap). */
  readonly gaveUp: (cause: unknown, attempts: number) => Error;
}

const DEFAULT_ATTEMPTS = 5;

/** 200 ms × 2^n, capped at 5 s, plus up to `jitterMs` (so racing writers spread out). */
export function cappedBackoff(jitterMs: number): (attempt: number) => number {
  return (n) => Math.min(5000, 200 * 2 ** n) + Math.floor(Math.random() * jitterMs);
}

/** Runs `work(attempt)` until it returns something other than `Moved`, at most `policy.attempts` times. */
export async function retryWhenMoved<T>(work: (attempt: number) => Promise<T | Moved>, policy: RetryPolicy): Promise<T> {
  const attempts = policy.attempts ?? DEFAULT_ATTEMPTS;
  const backoff = policy.backoffMs ?? cappedBackoff(200);
  for (let attempt = 1; ; attempt++) {
    // A write that found its branch moved throws BranchMovedError: the same as returning Moved.
    const outcome = await work(attempt).catch((e: unknown) => {
      if (e instanceof BranchMovedError) return new Moved(e);
      throw e;
    });
    if (!(outcome instanceof Moved)) return outcome;
    if (attempt >= attempts) throw policy.gaveUp(outcome.cause, attempts);
    const wait = backoff(attempt);
    policy.onRetry?.(wait, attempt + 1, attempts);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
