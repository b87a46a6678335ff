/**
 * Picks the remote for an env repo: GitHub `owner/name` → Octokit and the Git Data API; any git
 * URL or local path → simple-git. Tokens and timeouts come from the environment only, checked
 * by remote-settings.ts: GITHUB_TOKEN (or GH_TOKEN) for GitHub, SLIPWAY_GIT_TOKEN (and
 * SLIPWAY_GIT_USERNAME) for other https remotes; SLIPWAY_HTTP_TIMEOUT and SLIPWAY_GIT_TIMEOUT.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { EnvDefinition } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import type { EnvRemote } from '../core/env-remote.js';
import { GitRemote } from './git-remote.js';
import { GitHubRemote, parseGitHubRepo } from './github-remote.js';
import { credential, githubToken, remoteTimeouts } from './remote-settings.js';

export interface RemoteContext {
  /** The platform repo. */
  readonly root: string;
  /** Environment variables to read tokens from (process.env in the CLI). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  /** Detail (each git command): shown with --verbose. */
  readonly debug?: (line: string) => void;
}

/** Author of slipway's commits in env repos. */
const SLIPWAY_AUTHOR = { name: 'slipway', email: 'slipway@users.noreply.github.com' };

export function remoteFor(env: EnvDefinition, ctx: RemoteContext): EnvRemote {
  const { repo } = env;
  const timeouts = remoteTimeouts(ctx.environment);
  if (repo.kind === 'github') {
    const token = githubToken(ctx.environment)?.value;
    if (!token)
      throw new ConfigError(
        `envs/${env.name}.yaml: repo: '${repo.location}' is on GitHub; set GITHUB_TOKEN (or GH_TOKEN) to a token that may create and write it`,
      );
    const { owner, repo: name } = parseGitHubRepo(repo.location);
    return new GitHubRemote({
      owner,
      repo: name,
      branch: repo.branch,
      token,
      apiUrl: repo.github?.apiUrl,
      visibility: repo.github?.visibility,
      description: `slipway environment repo for ${env.name}: Argo CD syncs it; generated, do not edit by hand`,
      log: ctx.log,
      timeoutMs: timeouts.httpMs,
      // Tuning for CI and tests; the default suits GitHub.
      retryBaseMs: numberFrom(ctx.environment.SLIPWAY_RETRY_BASE_MS),
    });
  }
  const url = repo.kind === 'path' ? (isAbsolute(repo.location) ? repo.location : resolve(ctx.root, repo.location)) : repo.location;
  return new GitRemote({
    url,
    branch: repo.branch,
    // One working clone per env repo, in a git-ignored folder of the platform repo.
    cacheDir: join(ctx.root, '.slipway', 'cache', env.name),
    // Only a URL remote can use them: a local path ignores them, whatever they hold.
    token: repo.kind === 'url' ? credential(ctx.environment, 'SLIPWAY_GIT_TOKEN') : undefined,
    username: repo.kind === 'url' ? credential(ctx.environment, 'SLIPWAY_GIT_USERNAME') : undefined,
    timeoutSeconds: timeouts.gitSeconds,
    author: SLIPWAY_AUTHOR,
    // Named per env: status reads several env repos at once, and their git commands interleave.
    log: ctx.debug && ((line) => ctx.debug!(`${env.name}: ${line}`)),
  });
}

function numberFrom(value: string | undefined): number | undefined {
  const n = value === undefined || value === '' ? Number.NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
