/**
 * The Octokit client slipway talks to GitHub (or GitHub Enterprise Server) with: the throttling
 * and retry plugins with bounded waits on rate limits and bounded retries on 5xx, and one
 * deadline per request, its answer read in full (`fetchWithDeadline`, github-request.ts).
 * GitHubRemote imports this module when it first calls GitHub.
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { DEFAULT_GITHUB_API, fetchWithDeadline, type GitHubClientOptions } from './github-request.js';

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
