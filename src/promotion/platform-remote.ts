/**
 * The platform repo's remote, as the person's own git reaches it (git-run.ts): which remote the
 * checkout pushes to, its default branch, fetching and pushing that branch, and what a failure
 * to read it means. A failure is one sentence in slipway's words, of the error class the CLI
 * picks the exit code by (core/env-remote.ts): could not be reached (`RemoteUnavailableError`,
 * exit 4), not found or credentials refused (exit 1). The class comes from the same
 * classification as the env repos' git remotes (publish/git-errors.ts), never from the wording
 * of slipway's own message; what git said stays in `detail`, shown with --verbose.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { RemoteAuthError, RemoteError, RemoteNotFoundError, RemoteUnavailableError } from '../core/env-remote.js';
import { classifyGitError } from '../publish/git-errors.js';
import { isUrl, withoutCredentials } from '../publish/git-remote.js';
import { gitUnreachable } from '../publish/remote-failure.js';
import type { Git } from './git-run.js';

/** Where the platform repo's commit goes: `origin main`. */
export interface PlatformTarget {
  readonly remote: string;
  readonly branch: string;
}

/**
 * What the command that read the remote tells the person to do when that failed, after slipway's
 * sentence: promote and pull have written nothing yet; status has shown what it could.
 */
export interface RemoteAdvice {
  /** What is done already, before the sentence: `go-demo-9 0.0.3 is committed to <env repo>, but `. */
  readonly lead?: string;
  /** The remote could not be reached (exit 4): run again. */
  readonly unreachable: string;
  /** Not found, credentials, anything else (exit 1): something to fix. */
  readonly fix: string;
}

/** promote, rollback, track and pull: checked before anything is written. */
export const BEFORE_WRITING: RemoteAdvice = {
  unreachable: 'run again once it answers, or use --no-push; nothing was written',
  fix: 'check the remote (git remote -v) and your access to it, or use --no-push; nothing was written',
};

/** The remote the checkout pushes to: its branch's upstream remote, else `origin`, else the only one. */
export async function pushRemote(git: Git, branch: string): Promise<string | undefined> {
  const configured = (await git.raw(['config', '--get', `branch.${branch}.remote`]).catch(() => '')).trim();
  if (configured && configured !== '.') return configured;
  const remotes = (await git.raw(['remote']).catch(() => ''))
    .split('\n')
    .map((r) => r.trim())
    .filter(Boolean);
  if (remotes.includes('origin')) return 'origin';
  return remotes.length === 1 ? remotes[0] : undefined;
}

/** The remote's default branch (`ls-remote --symref <remote> HEAD`), undefined for an empty remote. */
export async function defaultBranch(git: Git, root: string, remote: string, advice: RemoteAdvice): Promise<string | undefined> {
  let out: string;
  try {
    out = await git.raw(['ls-remote', '--symref', remote, 'HEAD']);
  } catch (e) {
    throw await platformRemoteError(git, root, remote, 'ls-remote', e, advice);
  }
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
  return m?.[1];
}

/** Fetches the target branch into `refs/remotes/<remote>/<branch>`; its head, undefined when the remote has no such branch. */
export async function fetchHead(git: Git, root: string, target: PlatformTarget, advice: RemoteAdvice): Promise<string | undefined> {
  const tracking = `refs/remotes/${target.remote}/${target.branch}`;
  try {
    await git.raw(['fetch', '--no-tags', target.remote, `+refs/heads/${target.branch}:${tracking}`]);
  } catch (e) {
    if (/couldn't find remote ref/i.test(String((e as Error)?.message ?? e))) return undefined;
    throw await platformRemoteError(git, root, target.remote, 'fetch', e, advice);
  }
  return (await git.raw(['rev-parse', '--verify', '--quiet', `${tracking}^{commit}`])).trim() || undefined;
}

/** `git push --porcelain <remote> HEAD:refs/heads/<branch>` (`head`: HEAD's commit): pushed, rejected (the branch moved), or failed. */
export async function pushHead(
  git: Git,
  target: PlatformTarget,
  head: string,
  verify: readonly string[],
): Promise<'pushed' | 'rejected' | { reason: string; detail: string }> {
  try {
    await git.raw(['push', '--porcelain', ...verify, target.remote, `HEAD:refs/heads/${target.branch}`]);
    return 'pushed';
  } catch (e) {
    const text = String((e as Error)?.message ?? e);
    // `!\tHEAD:refs/heads/main\t[rejected] (fetch first)` / `(non-fast-forward)`: someone pushed first.
    if (/^!\t[^\t]*\t\[rejected\]/m.test(text) || /\[rejected\].*(fetch first|non-fast-forward)|Updates were rejected/i.test(text))
      return 'rejected';
    // It may have landed after all (the failure came after the update).
    const now = await git.raw(['ls-remote', target.remote, `refs/heads/${target.branch}`]).catch(() => '');
    if (now.split(/\s+/)[0] === head) return 'pushed';
    // In slipway's words when the remote could not be reached (curl's own with --verbose, in detail).
    return { reason: gitUnreachable(text)?.what ?? gitReason(e), detail: text };
  }
}

/** The first line worth showing of what git said (not `To <url>`, hints or progress). */
export function gitReason(e: unknown): string {
  const lines = String((e as Error)?.message ?? e)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const useful = lines.filter(
    (l) => !/^(To |hint:|Done$|Everything up-to-date|remote: *$)/.test(l) && !/^(Enumerating|Counting|Compressing|Writing|Total) /.test(l),
  );
  const pick = useful.find((l) => /^(fatal|error):|\[(remote )?rejected\]|^!/.test(l)) ?? useful[0] ?? lines[0] ?? 'no reason given';
  return pick.replace(/^(fatal|error):\s*/, '').replace(/^!\s*\S+\s+/, '');
}

/**
 * A failed `git <what>` against the platform repo's remote as one sentence, of the class git's
 * output means (publish/git-errors.ts): `the platform repo's remote origin (<url>) could not be
 * reached (git fetch): nothing answers there (connection refused); <advice>`.
 */
async function platformRemoteError(
  git: Git,
  root: string,
  remote: string,
  what: string,
  error: unknown,
  advice: RemoteAdvice,
): Promise<RemoteError> {
  const text = String((error as Error)?.message ?? error);
  const configured = (await git.raw(['remote', 'get-url', remote]).catch(() => '')).trim() || remote;
  const local = !isUrl(configured);
  const url = local && !isAbsolute(configured) ? resolve(root, configured) : configured;
  // The person's URL is theirs to hold credentials in; slipway's lines never show them.
  const description = withoutCredentials(url);
  const where = `${advice.lead ?? ''}the platform repo's remote ${remote} (${description})`;
  const classified = classifyGitError({ description, url, local, timeoutSeconds: 0, withToken: false }, what, text);
  const detail = classified.detail ?? text.trim();
  if (classified instanceof RemoteUnavailableError) {
    const why = classified.reason === 'timeout' ? 'it did not answer in time' : (gitUnreachable(detail)?.what ?? 'it could not be reached');
    return new RemoteUnavailableError(`${where} could not be reached (git ${what}): ${why}; ${advice.unreachable}`, {
      reason: classified.reason,
      detail,
    });
  }
  if (classified instanceof RemoteNotFoundError) {
    const why = local ? (existsSync(url) ? 'the path is not a git repository' : 'there is no such path') : 'no repository there';
    return new RemoteNotFoundError(`${where} was not found (git ${what}): ${why}; ${advice.fix}`, { detail });
  }
  if (classified instanceof RemoteAuthError) {
    return new RemoteAuthError(
      `${where} refused the credentials (git ${what}): check your git credentials for it (credential helper, SSH key); ${advice.fix}`,
      { detail },
    );
  }
  return new RemoteError(`${where}: git ${what} failed (${gitReason(detail)}); ${advice.fix}`, { detail });
}
