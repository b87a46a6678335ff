/**
 * Makes an env repo hold exactly what synth generates, in one commit or none: read the head,
 * plan, commit on top of that head. When the branch moved meanwhile (a refused ref update or
 * push), re-read, re-render, retry with capped backoff; never force, never rebase generated text.
 */
import { planEnv, type Plan } from '../plan/plan.js';
import { cappedBackoff, Moved, retryWhenMoved, type RetryPolicy } from '../core/retry.js';
import { BranchMovedError, RemoteUnavailableError, type EnvRemote, type RemoteTree } from './env-remote.js';

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
  /** @default 5 */
  readonly attempts?: number;
  readonly log?: (line: string) => void;
  /** For tests: what to wait between attempts. @default 200 ms × 2^n, capped at 5 s */
  readonly backoffMs?: (attempt: number) => number;
}

export interface SyncResult {
  readonly plan: Plan;
  /** The commit made; undefined when nothing changed or in a dry run. */
  readonly commit: string | undefined;
  readonly attempts: number;
}

export async function syncEnv(options: SyncOptions): Promise<SyncResult> {
  return retryWhenMoved(async (attempt) => {
    const tree = await options.remote.read();
    await options.check?.(tree);
    const plan = await planEnv(options.env, options.remote.description, tree, await options.render());
    if (plan.changes.length === 0 || options.dryRun) return { plan, commit: undefined, attempts: attempt };
    try {
      const { sha } = await options.remote.commit({
        parent: tree.head,
        write: plan.write,
        delete: plan.delete,
        message: commitMessage(plan, options.title(plan), options.trailers),
      });
      return { plan, commit: sha, attempts: attempt };
    } catch (e) {
      if (e instanceof BranchMovedError) return new Moved(e);
      throw e;
    }
  }, envRepoRetry(options));
}

/** How an env-repo sync (bootstrap's, direct or for review) retries, and what it says doing so. */
export function envRepoRetry(options: Pick<SyncOptions, 'env' | 'remote' | 'attempts' | 'log' | 'backoffMs'>): RetryPolicy {
  return {
    attempts: options.attempts,
    backoffMs: options.backoffMs ?? cappedBackoff(100),
    onRetry: (wait, next, attempts) => options.log?.(`${options.env}: the branch moved under us; re-reading and retrying in ${wait} ms (attempt ${next}/${attempts})`),
    gaveUp: (cause, attempts) =>
      new RemoteUnavailableError(`${options.remote.description}: the branch kept moving; gave up after ${attempts} attempts (nothing was written; run again)`, { cause, reason: 'contention' }),
  };
}

/** `title`, a blank line, the changed files, a blank line, the trailers. */
export function commitMessage(plan: Plan, title: string, trailers: Readonly<Record<string, string>>): string {
  const files = plan.changes.map((c) => `${c.action === 'create' ? '+' : c.action === 'update' ? '~' : '-'} ${c.path}`);
  const shown = files.length > 40 ? [...files.slice(0, 40), `… and ${files.length - 40} more`] : files;
  const trailerLines = Object.entries(trailers).map(([k, v]) => `${k}: ${v}`);
  return [title, '', ...shown, '', ...trailerLines, ''].join('\n');
}
