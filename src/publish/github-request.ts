/**
 * What slipway's GitHub requests share, without Octokit: the default API URL, the client's
 * options, and one deadline per request with its answer read in full (`fetchWithDeadline`).
 * Apart from github-client.ts so that commands that never reach GitHub never load Octokit (~80 ms).
 */
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
export function fetchWithDeadline(timeoutMs: number): (url: string, init: RequestInit) => Promise<Response> {
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
