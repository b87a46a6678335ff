/**
 * What slipway reads from the environment to reach env repos, checked before it is used:
 *
 * - tokens: `GITHUB_TOKEN` (or `GH_TOKEN`) for GitHub, `SLIPWAY_GIT_TOKEN` (and
 *   `SLIPWAY_GIT_USERNAME`) for other https remotes. A value with a newline, another control
 *   character, or whitespace at either end is refused locally, with one line naming the variable
 *   (never its value): sent as is, GitHub's client fails in fetch's header check ("did not answer
 *   (500)" after the retries), and git sends it and gets "authentication failed", with no hint.
 *   Nothing is trimmed silently: a token that works only after trimming is kept out of both.
 * - timeouts, in whole seconds: `SLIPWAY_GIT_TIMEOUT` (default 60) bounds how long git waits on
 *   a remote that sends nothing, `SLIPWAY_HTTP_TIMEOUT` (default 30) each GitHub API request.
 *   (`SLIPWAY_HTTP_TIMEOUT_MS`, its older form in milliseconds, is read when it is unset.)
 */
import { ConfigError } from '../core/config-error.js';
import { checkSecret } from '../core/secret-check.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** @default 60 s: git's transfers, and any git process that talks to a remote. */
const DEFAULT_GIT_TIMEOUT_SECONDS = 60;
/** @default 30 s: each GitHub API request, its answer read whole. */
const DEFAULT_HTTP_TIMEOUT_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 3600;

export interface RemoteTimeouts {
  /** Seconds git may go without a byte from the remote (SLIPWAY_GIT_TIMEOUT). */
  readonly gitSeconds: number;
  /** Milliseconds one GitHub API request may take (SLIPWAY_HTTP_TIMEOUT, in seconds). */
  readonly httpMs: number;
}

/** The timeouts, or a ConfigError with one line per bad variable. */
export function remoteTimeouts(environment: Environment): RemoteTimeouts {
  const problems: string[] = [];
  const seconds = (name: string, fallback: number): number => {
    const raw = environment[name];
    if (raw === undefined || raw === '') return fallback;
    const n = /^[0-9]{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
    if (n >= 1 && n <= MAX_TIMEOUT_SECONDS) return n;
    problems.push(`${name}=${quote(raw)}: expected a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (default ${fallback})`);
    return fallback;
  };
  const gitSeconds = seconds('SLIPWAY_GIT_TIMEOUT', DEFAULT_GIT_TIMEOUT_SECONDS);
  let httpMs: number;
  const legacy = environment.SLIPWAY_HTTP_TIMEOUT_MS;
  if ((environment.SLIPWAY_HTTP_TIMEOUT ?? '') === '' && legacy !== undefined && legacy !== '') {
    httpMs = /^[0-9]{1,10}$/.test(legacy) ? Number(legacy) : Number.NaN;
    if (!(httpMs >= 1 && httpMs <= MAX_TIMEOUT_SECONDS * 1000)) {
      problems.push(
        `SLIPWAY_HTTP_TIMEOUT_MS=${quote(legacy)}: expected a whole number of milliseconds from 1 to ${MAX_TIMEOUT_SECONDS * 1000}; better, set SLIPWAY_HTTP_TIMEOUT in seconds`,
      );
    }
  } else {
    httpMs = seconds('SLIPWAY_HTTP_TIMEOUT', DEFAULT_HTTP_TIMEOUT_SECONDS) * 1000;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { gitSeconds, httpMs };
}

/** The GitHub token and the variable it came from (GITHUB_TOKEN, else GH_TOKEN), checked. */
export function githubToken(environment: Environment): { readonly name: string; readonly value: string } | undefined {
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN']) {
    const value = environment[name];
    if (value) return { name, value: checkSecret(name, value) };
  }
  return undefined;
}

/** A credential variable's value (undefined when unset or empty), checked. */
export function credential(environment: Environment, name: string): string | undefined {
  const value = environment[name];
  return value ? checkSecret(name, value) : undefined;
}

/** A value for a message: JSON-quoted (control characters visible), at most 40 characters. */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
