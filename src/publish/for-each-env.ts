/**
 * Runs one step per environment and keeps going when an env fails (its repo unreachable, its
 * token refused, its tags drifted): a command over several envs reports every env it could reach
 * and one line per env it could not, instead of stopping at the first.
 *
 *   const outcome = await forEachEnv(envs, async (env) => planOne(env));
 *   return resultsOrThrow(outcome);   // or look at outcome.failures yourself
 *
 * The CLI prints an `EnvFailuresError` (or `outcome.failures`, through `reportEnvFailures` in
 * src/cli/io.ts) as one `error: <env>: <message>` line per env, and picks the exit code from the
 * failures' classes: 4 when envs could not be reached, 1 when one needs fixing, 3 for a bug.
 */

export interface EnvFailure {
  /** The env's name. */
  readonly env: string;
  readonly error: unknown;
}

export interface EachEnvOutcome<T> {
  /** What `fn` returned, for the envs where it succeeded, in the envs' order. */
  readonly results: T[];
  /** The envs where `fn` threw, in the envs' order. */
  readonly failures: EnvFailure[];
}

/**
 * Calls `fn` for each env in turn; an env that throws is recorded and the next one runs. With
 * `concurrency` above 1 (commands that only read), that many envs run at once; results and
 * failures still come in the envs' order.
 */
export async function forEachEnv<E extends { readonly name: string }, T>(
  envs: readonly E[],
  fn: (env: E) => Promise<T>,
  options: { readonly concurrency?: number } = {},
): Promise<EachEnvOutcome<T>> {
  const outcomes: Array<{ value: T } | { error: unknown }> = [];
  let next = 0;
  const worker = async () => {
    while (next < envs.length) {
      const i = next++;
      try {
        outcomes[i] = { value: await fn(envs[i]!) };
      } catch (error) {
        outcomes[i] = { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, envs.length)) }, worker));
  const results: T[] = [];
  const failures: EnvFailure[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    if ('value' in outcome) results.push(outcome.value);
    else failures.push({ env: envs[i]!.name, error: outcome.error });
  }
  return { results, failures };
}

/**
 * Some envs failed. `results` holds what the others produced, so the command can still show
 * them; `failures` one entry per env that failed.
 */
export class EnvFailuresError<T = unknown> extends Error {
  constructor(
    readonly results: readonly T[],
    readonly failures: readonly EnvFailure[],
  ) {
    super(failures.map((f) => `${f.env}: ${(f.error as Error)?.message ?? String(f.error)}`).join('\n'));
    this.name = 'EnvFailuresError';
  }
}

/** The results when every env succeeded; otherwise throws `EnvFailuresError` carrying both. */
export function resultsOrThrow<T>(outcome: EachEnvOutcome<T>): T[] {
  if (outcome.failures.length > 0) throw new EnvFailuresError(outcome.results, outcome.failures);
  return outcome.results;
}
