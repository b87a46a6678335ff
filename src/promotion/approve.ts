/**
 * `slipway approve <env> <app>` (or `--bundle`, `--bootstrap`): merges the branch a promotion
 * (`slipway/promote-<env>-<app>`), a bundle (`slipway/bundle-<env>`) or a bootstrap
 * (`slipway/bootstrap-<env>`) pushed into the env
 * repo's branch, through the remote's `pullRequests` capability, whatever the host:
 *
 * - where the pushed branch is itself the review (a plain git remote: a local bare repo, GitLab,
 *   Gitea), as a merge commit whose first parent is that branch's head (so the first-parent walk
 *   reads as the list of approvals) and whose message names the approver (`Slipway-Approved-By`),
 *   pushed without force;
 * - on GitHub, by merging the open pull request from that branch through the API (a merge commit,
 *   as the merge button makes, only while the pull request's head is the one read); GitHub's own
 *   rules (required reviews, checks) still apply.
 *
 * When the branch moved meanwhile, re-read and merge again with capped backoff. A conflict stops
 * with what to do.
 *
 * Afterwards `slipway pull` adopts the merged tags into envs/, as after a merged pull request.
 */
import type { EnvDefinition } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import { loadProject } from '../load/load-project.js';
import { planEnv, type Plan } from '../plan/plan.js';
import { bootstrapBranch } from '../publish/bootstrap-review.js';
import { type Moved, retryWhenMoved } from '../core/retry.js';
import { MergeConflictError, RemoteUnavailableError, type CommitInfo, type EnvRemote, type RemoteTree } from '../core/env-remote.js';
import { capability } from '../core/remote-capabilities.js';
import { remoteFor, type RemoteContext } from '../publish/remotes.js';
import { envRepoAuthor, gitIdentities, resolveActor } from './identity.js';
import { withLock } from './lock.js';
import { bundleBranch, promotionBranch } from './promotion-branch.js';

export interface ApproveOptions extends RemoteContext {
  readonly env: string;
  /** The app whose promotion branch to merge; or `bootstrap`. */
  readonly app?: string;
  /** Merge the bootstrap branch (`slipway/bootstrap-<env>`). */
  readonly bootstrap?: boolean;
  /** Merge the bundle branch (`slipway/bundle-<env>`: `promote --all`, track). */
  readonly bundle?: boolean;
  /** List what would be merged; write nothing. */
  readonly dryRun?: boolean;
  /** Who approves (`Slipway-Approved-By`). @default resolved as promote's `Slipway-Actor` (SLIPWAY_ACTOR, the CI's user, git's user.name, the OS user) */
  readonly actor?: string;
}

export interface ApproveResult {
  readonly env: string;
  readonly branch: string;
  readonly status: 'merged' | 'skipped' | 'dry-run';
  /** Who approved, as in the `Slipway-Approved-By` trailer. */
  readonly approvedBy: string;
  /** The branch's commits the merge brings (newest first; on GitHub, the branch head only). */
  readonly commits: ReadonlyArray<{ readonly sha: string; readonly title: string }>;
  /** The merge commit. */
  readonly commit?: string;
  readonly pullRequest?: { readonly number: number; readonly url: string };
  /** What the merge changed on the env repo's branch. */
  readonly plan?: Plan;
  readonly message: string;
}

export async function approve(o: ApproveOptions): Promise<ApproveResult> {
  if ([o.app !== undefined, o.bootstrap, o.bundle].filter(Boolean).length > 1)
    throw new ConfigError(`give one of an app, --bundle or --bootstrap`);
  if (!o.bootstrap && !o.bundle && o.app === undefined) {
    throw new ConfigError(
      `which branch? give an app (slipway approve ${o.env} <app>) or --bootstrap (slipway approve ${o.env} --bootstrap)`,
    );
  }
  const env = await envNamed(o.root, o.env, o.app);
  return withLock(o.root, () => approveLocked(o, env));
}

async function envNamed(root: string, name: string, app: string | undefined): Promise<EnvDefinition> {
  const envs = (await loadProject(root)).envFiles.map((f) => f.definition);
  const env = envs.find((e) => e.name === name);
  if (!env) throw new ConfigError(`no envs/${name}.yaml (known: ${envs.map((e) => e.name).join(', ')})`);
  if (app !== undefined && !env.apps[app])
    throw new ConfigError(`envs/${name}.yaml: apps.${app}: '${app}' is not in ${name} (its apps: ${Object.keys(env.apps).join(', ')})`);
  return env;
}

async function approveLocked(o: ApproveOptions, env: EnvDefinition): Promise<ApproveResult> {
  const remote = remoteFor(env, o);
  const reviews = capability(remote, 'pullRequests');
  const branch = o.bootstrap ? bootstrapBranch(env.name) : o.bundle ? bundleBranch(env.name) : promotionBranch(env.name, o.app!);
  const again = o.bootstrap
    ? `bootstrap --env ${env.name}`
    : o.bundle
      ? `promote --all --env ${env.name}`
      : `promote ${o.app} --env ${env.name}`;
  const main = env.repo.branch;
  // Who approves, and the merge commit's author: as for a promotion (see identity.ts).
  const identity = (await gitIdentities(o.root, o.environment)).author;
  const approvedBy = resolveActor({ flag: o.actor, environment: o.environment, identity });
  const author = envRepoAuthor(o.environment, identity);
  const result = (
    status: ApproveResult['status'],
    extra: Omit<ApproveResult, 'env' | 'branch' | 'status' | 'approvedBy' | 'commits'> & { commits?: ApproveResult['commits'] },
  ): ApproveResult => ({ env: env.name, branch, status, approvedBy, commits: [], ...extra });

  return retryWhenMoved(
    async (): Promise<ApproveResult | Moved> => {
      o.log(`${env.name}: reading ${main} and ${branch} of ${remote.description}`);
      const before = await remote.read();
      const head = await remote.read(branch);
      if (before.head === undefined)
        throw new ConfigError(
          `${env.name}: ${remote.description} has no commit on ${main} yet: run slipway bootstrap --env ${env.name} first`,
        );
      if (head.head === undefined) {
        throw new ConfigError(
          `${remote.description} has no branch ${branch}: nothing to approve (${
            o.bootstrap
              ? `slipway bootstrap --env ${env.name} pushes one when ${env.name} takes changes through review`
              : `slipway ${again} pushes one when ${env.name} takes promotions through review`
          })`,
        );
      }
      try {
        const review = await reviews.toMerge(branch, head.head);
        if (review.state === 'no-pull-request') {
          throw new ConfigError(
            `${remote.description} has no open pull request from ${branch} (merged or closed already?): nothing to approve; promote or bootstrap again to open one`,
          );
        }
        if (review.state === 'merged') {
          return result('skipped', { message: `${branch} is merged into ${main} already; nothing to approve${afterwards(o)}` });
        }
        const commits = review.commits.map((c) => ({ sha: c.sha, title: titleOf(c) }));
        const pr = review.pullRequest;
        const commitCount = `${commits.length} commit${commits.length === 1 ? '' : 's'}`;
        if (o.dryRun) {
          return result(
            'dry-run',
            pr
              ? {
                  commits,
                  pullRequest: pr,
                  message: `dry run: would merge pull request #${pr.number} (${pr.url}) from ${branch} into ${main}, approved by ${approvedBy}`,
                }
              : {
                  commits,
                  message: `dry run: would merge ${branch} (${commitCount}) into ${main} of ${remote.description}, approved by ${approvedBy}`,
                },
          );
        }
        // A pull request's merge commit is titled by the host ("Merge pull request #N from …").
        const { sha } = await reviews.merge(review, {
          base: before.head,
          message: mergeMessage(commits, env.name, branch, approvedBy, !pr),
          ...(author ? { author } : {}),
        });
        return result('merged', {
          commits,
          ...(pr ? { pullRequest: pr } : {}),
          commit: sha,
          plan: await changes(env.name, remote, before),
          message: pr
            ? `merged pull request #${pr.number} (${pr.url}) into ${main} as ${sha.slice(0, 12)}, approved by ${approvedBy}${afterwards(o)}`
            : `merged ${branch} into ${main} of ${remote.description} as ${sha.slice(0, 12)}, approved by ${approvedBy}${afterwards(o)}`,
        });
      } catch (e) {
        if (e instanceof MergeConflictError) {
          throw new ConfigError(
            `${branch} conflicts with ${main} of ${remote.description} in ${e.paths.join(', ')} (both changed since the branch was made): nothing was merged; ` +
              `delete the branch (git push <env repo> --delete ${branch}) and ${again} again`,
          );
        }
        throw e; // a BranchMovedError: retryWhenMoved reads again and merges again
      }
    },
    {
      onRetry: (wait, next, attempts) =>
        o.log(
          `${env.name}: ${main} or ${branch} moved while merging; re-reading and merging again in ${wait} ms (attempt ${next}/${attempts})`,
        ),
      gaveUp: (cause, attempts) =>
        new RemoteUnavailableError(
          `${remote.description}: ${main} (or ${branch}) kept moving; gave up after ${attempts} attempts (nothing was merged; run again)`,
          { cause, reason: 'contention' },
        ),
    },
  );
}

function afterwards(o: ApproveOptions): string {
  return o.bootstrap ? '' : '; then slipway pull adopts the tag into envs/';
}

function titleOf(c: CommitInfo): string {
  return c.message.split('\n')[0] ?? '';
}

/**
 * The merge commit's message: the newest title (what the branch does now), the commits merged,
 * and the trailers as the last paragraph. On GitHub it follows "Merge pull request #N from …".
 */
function mergeMessage(commits: ApproveResult['commits'], env: string, branch: string, approvedBy: string, withTitle: boolean): string {
  const newest = commits[0]?.title ?? branch;
  return [
    ...(withTitle ? [`Merge branch '${branch}': ${newest}`, ''] : [newest, '']),
    ...(commits.length > 1 ? [...commits.map((c) => `- ${c.title} (${c.sha.slice(0, 12)})`), ''] : []),
    `Slipway-Env: ${env}`,
    `Slipway-Branch: ${branch}`,
    `Slipway-Approved-By: ${approvedBy.replace(/\s+/g, ' ')}`,
    '',
  ].join('\n');
}

/** What the merge changed on the branch: read again, only differing files compared. */
async function changes(env: string, remote: EnvRemote, before: RemoteTree): Promise<Plan> {
  const after = await remote.read();
  const paths = new Set([...before.blobs.keys(), ...after.blobs.keys()]);
  const changed = [...paths].filter((p) => before.blobs.get(p) !== after.blobs.get(p));
  const desired = new Map<string, string>();
  for (const p of changed) if (after.blobs.has(p)) desired.set(p, await after.read(p));
  const was: RemoteTree = {
    head: before.head,
    blobs: new Map(changed.filter((p) => before.blobs.has(p)).map((p) => [p, before.blobs.get(p)!])),
    read: before.read,
  };
  return planEnv(env, remote.description, was, desired);
}
