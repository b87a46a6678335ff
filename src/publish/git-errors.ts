/**
 * What a failed git command means for the user of a `GitRemote`: git's (redacted) output becomes
 * one sentence with the fix, of the class the CLI picks the exit code by: the remote did not
 * answer in time or could not be reached (`RemoteUnavailableError`, exit 4), the credentials were
 * refused (`RemoteAuthError`), the repo is not there (`RemoteNotFoundError`), or anything else
 * (`RemoteError`). git's own lines stay in `detail`, shown with --verbose.
 */
import { Buffer } from 'node:buffer';
import * as fs from 'node:fs';
import { RemoteAuthError, RemoteError, RemoteNotFoundError, RemoteUnavailableError } from '../core/env-remote.js';
import { gitUnreachable } from './remote-failure.js';

/** The git commands that talk to the remote. */
const REMOTE_COMMANDS = /^(ls-remote|fetch|push)$/;

/** What git, curl or simple-git's deadline say when the remote did not answer in time. */
export const TIMED_OUT =
  /block timeout reached|Operation too slow|Operation timed out|Connection timed out|timed out after \d+ ?m?s|Connection to .* timed out/i;

const AUTH_FAILURE =
  /authentication failed|could not read (username|password)|terminal prompts disabled|HTTP (401|403)\b|returned error: (401|403)\b|\b(401|403) (Unauthorized|Forbidden)|Permission denied \(publickey|invalid username or password|access denied/i;
const NOT_FOUND =
  /not found|does not appear to be a git repository|HTTP 404\b|returned error: 404\b|no such file or directory|not a git repository|could not resolve host|couldn't connect|unable to access|connection refused|Could not read from remote repository/i;

/** A git command talking to the remote is stopped when it prints nothing for this long (ms). */
export function remoteSilenceMs(timeoutSeconds: number): number {
  // Longer than curl's own limit, so that over http(s) curl gives up first, cleanly.
  return timeoutSeconds * 3_000 + 2_000;
}

/** The remote a failed command talked to, as the messages name it. */
export interface GitErrorContext {
  /** The URL or path, never with credentials. */
  readonly description: string;
  readonly url: string;
  /** A local path (a bare repo), not a URL. */
  readonly local: boolean;
  /** SLIPWAY_GIT_TIMEOUT, in seconds. */
  readonly timeoutSeconds: number;
  /** Whether a token was sent (then "the token was rejected"). */
  readonly withToken: boolean;
}

/** The error for git command `what` (`fetch`, `push`, `ls-tree`, ...) that printed `text` (redacted). */
export function classifyGitError(remote: GitErrorContext, what: string, text: string): RemoteError {
  if (REMOTE_COMMANDS.test(what) && TIMED_OUT.test(text)) {
    // curl's low-speed limit, or (ssh, a connection never made) the process deadline.
    const seconds = /block timeout reached/.test(text) ? Math.round(remoteSilenceMs(remote.timeoutSeconds) / 1000) : remote.timeoutSeconds;
    return new RemoteUnavailableError(
      `${remote.description} did not answer in ${seconds} s (git ${what}); check the network and the URL, then run again; SLIPWAY_GIT_TIMEOUT sets the limit`,
      { reason: 'timeout' },
    );
  }
  // git's advice lines add nothing to slipway's message.
  const detail = text
    .split('\n')
    .filter((line) => !line.startsWith('hint:'))
    .join('\n')
    .trim();
  // One sentence with the fix; git's own lines go to `detail` (shown with --verbose).
  const http = /^https?:\/\//i.test(remote.url);
  const unreachable = REMOTE_COMMANDS.test(what) ? gitUnreachable(detail) : undefined;
  if (unreachable?.reason === 'server') {
    return new RemoteUnavailableError(`git ${what} failed for ${remote.description}: ${unreachable.what}; run again later`, {
      detail,
      reason: 'server',
    });
  }
  if (unreachable) {
    return new RemoteUnavailableError(
      `${remote.description} could not be reached (git ${what}): ${unreachable.what}; ` +
        (unreachable.reason === 'tls'
          ? "check the URL and the server's certificate (a private CA: http.sslCAInfo in your gitconfig), then run again"
          : 'check the URL and the network, then run again'),
      { detail, reason: unreachable.reason },
    );
  }
  if (AUTH_FAILURE.test(detail)) {
    const fix = http
      ? 'set SLIPWAY_GIT_TOKEN' + (remote.withToken ? ' (the token was rejected)' : '')
      : 'check your SSH key / access rights';
    return new RemoteAuthError(`authentication failed for ${remote.description}: ${fix}`, { detail });
  }
  if (REMOTE_COMMANDS.test(what) && NOT_FOUND.test(detail)) {
    // A missing local path only reaches here outside bootstrap (bootstrap creates it first).
    const fix = remote.local
      ? fs.existsSync(remote.url)
        ? 'check the path: it exists and is not a git repository'
        : 'check the path, or run slipway bootstrap to create it'
      : http
        ? "check the URL and the token's access"
        : 'check the URL';
    return new RemoteNotFoundError(`git repository not found or not reachable: ${remote.description} (${fix})`, { detail });
  }
  const last = detail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(fatal|error):/i.test(l))
    .pop();
  return new RemoteError(`git ${what} failed for ${remote.description}${last ? `: ${last.replace(/^(fatal|error):\s*/i, '')}` : ''}`, {
    detail,
  });
}

/** The text of whatever simple-git threw. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Buffer.isBuffer(error)) return error.toString('utf8');
  return String(error);
}
