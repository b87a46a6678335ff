/**
 * Who promotes, and whose name goes on the commits:
 *
 * - `Slipway-Actor` (who asked for the promotion): `--actor`, then `SLIPWAY_ACTOR`, then the CI
 *   system's user variable (`CI_ACTOR_VARIABLES`, in that order), then git's user name (as git
 *   itself resolves it: GIT_AUTHOR_NAME, else user.name), then the OS user. "unknown" only when
 *   none of them is set.
 * - The author of env-repo commits: `SLIPWAY_GIT_AUTHOR_NAME` / `SLIPWAY_GIT_AUTHOR_EMAIL`, else
 *   the person's git identity, else the remote's default (GitHub: the token's user; elsewhere
 *   `slipway <slipway@users.noreply.github.com>`).
 * - The platform-repo commit is a plain `git commit`: git's identity, hooks and signing config
 *   (commit.gpgsign, gpg.format ssh) apply as to any commit the person makes; the identity is
 *   checked before anything is written.
 */
import { userInfo } from 'node:os';
import { gitIn, type Environment } from './git-run.js';

/** CI systems' "who triggered this" variables, checked in this order. */
export const CI_ACTOR_VARIABLES = [
  'GITHUB_ACTOR', // GitHub Actions (and Gitea/Forgejo Actions)
  'GITLAB_USER_LOGIN', // GitLab CI
  'GITEA_ACTOR', // Gitea Actions
  'BUILDKITE_BUILD_CREATOR', // Buildkite
  'CIRCLE_USERNAME', // CircleCI
  'BUILD_REQUESTEDFOR', // Azure Pipelines
  'BUILD_USER_ID', // Jenkins (build-user-vars plugin)
  'DRONE_COMMIT_AUTHOR', // Drone
] as const;

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

export interface GitIdentities {
  /** What `git var GIT_AUTHOR_IDENT` resolves in the platform repo; undefined when git has none. */
  readonly author: GitIdentity | undefined;
  readonly committer: GitIdentity | undefined;
  /** git's own words when it has no identity ("no email was given and auto-detection is disabled"). */
  readonly problem: string | undefined;
}

/** The person's git identity as git resolves it in `root` (environment, repo, global config). */
export async function gitIdentities(root: string, environment?: Environment): Promise<GitIdentities> {
  const git = gitIn(root, environment);
  const ident = async (which: string): Promise<{ id?: GitIdentity; problem?: string }> => {
    try {
      const m = /^(.*) <([^>]*)> \d+ [+-]\d{4}$/.exec((await git.raw(['var', which])).trim());
      return m ? { id: { name: m[1]!, email: m[2]! } } : { problem: `git var ${which}: unexpected output` };
    } catch (e) {
      const lines = String((e as Error).message ?? e)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      return { problem: (lines.find((l) => l.startsWith('fatal:')) ?? lines[lines.length - 1] ?? 'unknown').replace(/^fatal:\s*/, '') };
    }
  };
  const [author, committer] = await Promise.all([ident('GIT_AUTHOR_IDENT'), ident('GIT_COMMITTER_IDENT')]);
  return { author: author.id, committer: committer.id, problem: author.problem ?? committer.problem };
}

const set = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/** `Slipway-Actor`: see the file comment for the order. */
export function resolveActor(options: {
  readonly flag?: string;
  readonly environment: Environment;
  readonly identity?: GitIdentity;
}): string {
  const e = options.environment;
  return (
    set(options.flag) ??
    set(e.SLIPWAY_ACTOR) ??
    CI_ACTOR_VARIABLES.map((v) => set(e[v])).find((v) => v !== undefined) ??
    set(options.identity?.name) ??
    set(e.USER) ??
    set(e.LOGNAME) ??
    set(e.USERNAME) ??
    osUser() ??
    'unknown'
  );
}

function osUser(): string | undefined {
  try {
    return set(userInfo().username);
  } catch {
    return undefined;
  }
}

/**
 * The author of env-repo commits: SLIPWAY_GIT_AUTHOR_NAME/_EMAIL, else the person's identity;
 * undefined (the remote's default: GitHub's token user, slipway elsewhere) when neither is known.
 */
export function envRepoAuthor(environment: Environment, identity: GitIdentity | undefined): GitIdentity | undefined {
  const name = set(environment.SLIPWAY_GIT_AUTHOR_NAME) ?? set(identity?.name);
  const email = set(environment.SLIPWAY_GIT_AUTHOR_EMAIL) ?? set(identity?.email);
  return name && email ? { name, email } : undefined;
}
