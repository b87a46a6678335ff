/**
 * Where the two repos of a promotion disagree, and the one command that reconciles each case;
 * for `slipway status` and `slipway plan`:
 *
 * - an env repo holds another tag than envs/<env>.yaml (a promotion whose platform-repo half did
 *   not happen, a merged pull request, another machine): `slipway pull --env <env>`;
 * - envs/<env>.yaml holds uncommitted tag edits (a promotion stopped before its platform commit):
 *   `slipway pull --env <env>` commits them when the env repo has those tags;
 * - the platform repo's branch has commits not pushed (`--no-push`): `git push <remote> <branch>`;
 * - it is behind its remote (others recorded promotions): `slipway pull`, which fast-forwards first.
 */
import type { Environment } from './git-run.js';
import type { TagDrift } from '../plan/reconcile-tags.js';
import { uncommittedChanges } from './env-file-tags.js';
import { count, gitIn } from './git-run.js';
import { defaultBranch, fetchHead, pushRemote, type RemoteAdvice } from './platform-remote.js';
import { RemoteError } from '../core/env-remote.js';

export interface Disagreement {
  /** The env it is about (none: the platform repo as a whole). */
  readonly env?: string;
  readonly app?: string;
  readonly kind: 'env-repo-ahead' | 'envs-uncommitted' | 'platform-unpushed' | 'platform-behind';
  /** What disagrees, one sentence. */
  readonly message: string;
  /** The one command that reconciles it. */
  readonly reconcile: string;
}

/** An env's tag drift (reconcile-tags.ts `tagDrift`) as disagreements: the env repo is ahead of envs/. */
export function tagDisagreements(env: string, drift: readonly TagDrift[]): Disagreement[] {
  return drift.map((d) => ({
    env,
    app: d.app,
    kind: 'env-repo-ahead' as const,
    message: `${env}: ${d.app} is ${d.repo} in the env repo but ${d.local} in envs/${env}.yaml (the env repo is ahead)`,
    reconcile: `slipway pull --env ${env}`,
  }));
}

/** The platform repo checkout against its remote. */
export interface PlatformSync {
  /** False: not a git checkout (nothing to compare). */
  readonly isGit: boolean;
  readonly branch?: string;
  readonly remote?: string;
  /** The remote's default branch, where promotions are recorded. */
  readonly remoteBranch?: string;
  /** Commits on the checkout's branch not on the remote's. */
  readonly ahead: number;
  /** Commits on the remote's branch not in the checkout. */
  readonly behind: number;
  /** Env files (of those asked about) with uncommitted changes: tag-only ones, or other. */
  readonly uncommitted: ReadonlyArray<{ readonly file: string; readonly tagsOnly: boolean }>;
  /** Why the remote could not be read, when `fetch` was asked for and failed: `failure`'s message. */
  readonly unreachable?: string;
}

/** What status says after a failed read of the platform repo's remote: it showed what it could. */
const STATUS_ADVICE: RemoteAdvice = {
  unreachable: 'envs/ was compared with the env repos only; run slipway status again once it answers',
  fix: 'check the remote (git remote -v) and your access to it; envs/ was compared with the env repos only',
};

/**
 * Compares the checkout with its remote's default branch: `fetch` first (one ls-remote, one
 * fetch), else against the remote-tracking ref as last fetched. A remote that could not be read
 * is `failure` (its class gives the exit code: status reports it as one `error:` line).
 */
export async function platformSync(
  root: string,
  envFiles: readonly string[],
  options: { readonly fetch?: boolean; readonly environment?: Environment } = {},
): Promise<PlatformSync & { readonly failure?: RemoteError }> {
  const git = gitIn(root, options.environment);
  const inside = await git.raw(['rev-parse', '--is-inside-work-tree']).then(
    (s) => s.trim() === 'true',
    () => false,
  );
  if (!inside) return { isGit: false, ahead: 0, behind: 0, uncommitted: [] };
  const uncommitted = [...(await uncommittedChanges(git, root, envFiles))].map(([file, c]) => ({ file, tagsOnly: c !== 'other' }));
  const branch = (await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')).trim() || undefined;
  const remote = branch ? await pushRemote(git, branch) : undefined;
  if (!branch || !remote) return { isGit: true, branch, ahead: 0, behind: 0, uncommitted };
  let remoteBranch: string | undefined;
  let tracking: string | undefined;
  try {
    if (options.fetch) {
      remoteBranch = (await defaultBranch(git, root, remote, STATUS_ADVICE)) ?? branch;
      tracking = await fetchHead(git, root, { remote, branch: remoteBranch }, STATUS_ADVICE);
    } else {
      const head = (await git.raw(['symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`]).catch(() => '')).trim();
      remoteBranch = head.startsWith(`${remote}/`) ? head.slice(remote.length + 1) : branch;
      tracking =
        (await git.raw(['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${remoteBranch}^{commit}`]).catch(() => '')).trim() ||
        undefined;
    }
  } catch (e) {
    if (!(e instanceof RemoteError)) throw e;
    return { isGit: true, branch, remote, remoteBranch, ahead: 0, behind: 0, uncommitted, unreachable: e.message, failure: e };
  }
  if (!tracking) return { isGit: true, branch, remote, remoteBranch, ahead: 0, behind: 0, uncommitted };
  const [ahead, behind] = await Promise.all([count(git, `${tracking}..HEAD`), count(git, `HEAD..${tracking}`)]);
  return { isGit: true, branch, remote, remoteBranch, ahead, behind, uncommitted };
}

/** The platform repo's own disagreements (unpushed, behind, uncommitted env files); a remote that could not be read is an error instead. */
export function platformDisagreements(sync: PlatformSync): Disagreement[] {
  const out: Disagreement[] = [];
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  for (const u of sync.uncommitted) {
    const env = /^envs\/([^/]+)\.ya?ml$/.exec(u.file)?.[1];
    out.push(
      u.tagsOnly && env
        ? {
            env,
            kind: 'envs-uncommitted',
            message: `${u.file} has uncommitted tag changes (a promotion stopped before its platform-repo commit?)`,
            reconcile: `slipway pull --env ${env}`,
          }
        : {
            ...(env ? { env } : {}),
            kind: 'envs-uncommitted',
            message: `${u.file} has uncommitted changes`,
            reconcile: `git diff -- ${u.file} (then commit or discard them)`,
          },
    );
  }
  if (sync.ahead > 0) {
    out.push({
      kind: 'platform-unpushed',
      message: `platform repo: ${sync.branch} has ${n(sync.ahead, 'commit')} not pushed to ${sync.remote}/${sync.remoteBranch}`,
      reconcile: `git push ${sync.remote} ${sync.branch}`,
    });
  }
  if (sync.behind > 0) {
    out.push({
      kind: 'platform-behind',
      message: `platform repo: ${sync.branch} is ${n(sync.behind, 'commit')} behind ${sync.remote}/${sync.remoteBranch}`,
      reconcile: 'slipway pull',
    });
  }
  return out;
}

/** `<message>: run <command>`, one line each. */
export function disagreementLines(list: readonly Disagreement[]): string[] {
  return list.map((d) => `${d.message}: run ${d.reconcile}`);
}
