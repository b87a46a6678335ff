/**
 * The Octokit client slipway talks to GitHub (or GitHub Enterprise Server) with: the throttling
 * and retry plugins with bounded waits on rate limits and bounded retries on 5xx, and one
 * deadline per request, its answer read in full (`fetchWithDeadline`).
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export const DEFAULT_GITHUB_API = 'https://api.github.com';

/** Properties for `githubClient`, documented on `GitHubRemoteOptions`. */
export interface GitHubClientOptions {
  readonly token: string;
  readonly apiUrl?: string;
  readonly log?: (line: string) => void;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly retryBaseMs?: number;
}

const SlipwayOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof SlipwayOctokit>;

/** The Octokit client slipway uses: bounded waits on rate limits, bounded retries on 5xx, timeouts. */
export function githubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.retries ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const wait = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    if (retryCount >= retries) return false;
    options.log?.(
      `GitHub ${kind} rate limit on ${request.method} ${request.url}: waiting ${retryAfter}s (retry ${retryCount + 1}/${retries})`,
    );
    return true;
  };
  return new SlipwayOctokit({
    auth: options.token,
    baseUrl: (options.apiUrl ?? DEFAULT_GITHUB_API).replace(/\/+$/, ''),
    userAgent: 'slipway',
    throttle: { onRateLimit: wait('primary'), onSecondaryRateLimit: wait('secondary') },
    retry: { retries, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    // A server that accepts the connection and never answers must not hang slipway.
    request: { fetch: fetchWithDeadline(timeoutMs) },
    log: { debug: () => {}, info: () => {}, warn: (m: string) => options.log?.(m), error: () => {} },
  });
}

/** A request that ran out of time (see `fetchWithDeadline`). */
export class RequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer in ${formatSeconds(timeoutMs)}`);
    // Octokit passes an AbortError through as it is (a cancelled request): not wrapped into a
    // "500" that its retry plugin would retry 3 more times, each up to the same deadline.
    this.name = 'AbortError';
  }
}

/** Answers without a body: a Response cannot be built with one. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` with one deadline for the whole request: connecting, the answer's headers and its body.
 * The body is read here, under the deadline, because Octokit reads it without one and turns a
 * failed read into empty data.
 */
function fetchWithDeadline(timeoutMs: number): (url: string, init: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new RequestTimeoutError(timeoutMs)), timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    try {
      const response = await fetch(url, { ...init, signal });
      const body = NULL_BODY_STATUS.has(response.status) ? null : await response.arrayBuffer();
      const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      Object.defineProperty(copy, 'url', { value: response.url });
      return copy;
    } catch (error) {
      if (timeout.signal.aborted) throw timeout.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** `2 s`, `0.5 s` */
export function formatSeconds(ms: number): string {
  return `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`;
}
