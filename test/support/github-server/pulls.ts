/**
 * Pull requests: stored in the server's state (a repo's `pulls`), their branches in git. Head and
 * base are branches of the same repo (no forks). What GitHub does on its own is done lazily when
 * a pull is read (`refresh`): an open pull follows its branches' tips, is closed when its head
 * branch is deleted, and is marked merged when its head commit reaches the base branch by a
 * push. Merging (`mergePull`) writes what the merge button writes: a merge commit (or a squash
 * commit, or rebased commits) on the base branch, moved with a compare-and-swap.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiError, validationFailed } from './errors.js';
import {
  casRef,
  diffFiles,
  git,
  isAncestor,
  isolatedGitEnv,
  logCommits,
  mergeBase,
  mergeTrees,
  resolveRef,
  writeCommit,
  type Signature,
} from './git.js';
import type { PullDetails } from './json.js';
import { now, type Account, type Repo, type ServerState } from './state.js';

export interface PullRequest {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  readonly user: Account;
  /** Head branch name (in the same repo). */
  readonly head: string;
  /** The head branch's tip while open (then frozen). */
  headSha: string;
  base: string;
  /** The base branch's tip while open (when merged: the tip the merge was made on). */
  baseSha: string;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: Account | null;
}

export type MergeMethod = 'merge' | 'squash' | 'rebase';

export interface MergeOptions {
  readonly method?: MergeMethod;
  /** The head SHA the merge is meant for: 409 when the head moved. */
  readonly sha?: string;
  readonly commitTitle?: string;
  readonly commitMessage?: string;
  /** Refuse as GitHub does for a protected base branch that enforces its rules on admins. */
  readonly enforceProtection?: boolean;
}

const heads = (branch: string) => `refs/heads/${branch}`;
const noCommits = (docs: string, base: string, head: string) =>
  new ApiError(422, 'Validation Failed', docs, [
    { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
  ]);
const alreadyExists = (docs: string, repo: Repo, head: string) =>
  new ApiError(422, 'Validation Failed', docs, [
    { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner.login}:${head}.` },
  ]);

/** Brings an open pull up to date with its branches (what GitHub does on push and branch deletion). */
async function refresh(repo: Repo, pr: PullRequest): Promise<void> {
  if (pr.state !== 'open') return;
  const head = await resolveRef(repo.gitDir, heads(pr.head));
  const base = await resolveRef(repo.gitDir, heads(pr.base));
  if (!head || !base) {
    // Deleting the head (or base) branch closes the pull.
    pr.state = 'closed';
    pr.closedAt = now();
    pr.updatedAt = pr.closedAt;
    return;
  }
  if (head !== pr.headSha || base !== pr.baseSha) pr.updatedAt = now();
  pr.headSha = head;
  if (await isAncestor(repo.gitDir, head, base)) {
    // The head's commits reached the base by a push: GitHub marks the pull merged.
    pr.state = 'closed';
    pr.mergedAt = now();
    pr.closedAt = pr.mergedAt;
    pr.updatedAt = pr.mergedAt;
    pr.mergeCommitSha = head;
    return;
  }
  pr.baseSha = base;
}

/** Every pull of a repo, refreshed. */
export async function refreshAll(repo: Repo): Promise<readonly PullRequest[]> {
  for (const pr of repo.pulls) await refresh(repo, pr);
  return repo.pulls;
}

/** A pull by number (refreshed), or undefined. */
export async function findPull(repo: Repo, number: number): Promise<PullRequest | undefined> {
  const pr = repo.pulls.find((p) => p.number === number);
  if (pr) await refresh(repo, pr);
  return pr;
}

/** `head` as GitHub takes it: `branch` or `owner:branch` (owner must be the repo's: no forks). */
export function headBranch(repo: Repo, head: string): string | undefined {
  const colon = head.indexOf(':');
  if (colon === -1) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.login.toLowerCase() ? head.slice(colon + 1) : undefined;
}

/** The tips of head and base, or GitHub's 422 for what a pull cannot be made of. */
async function checkBranches(
  repo: Repo,
  head: string,
  base: string,
  docs: string,
  except?: PullRequest,
): Promise<{ headSha: string; baseSha: string }> {
  const baseSha = await resolveRef(repo.gitDir, heads(base));
  if (!baseSha) throw validationFailed('PullRequest', 'base', 'invalid', docs);
  const headSha = await resolveRef(repo.gitDir, heads(head));
  if (!headSha) throw validationFailed('PullRequest', 'head', 'invalid', docs);
  await refreshAll(repo);
  if (repo.pulls.some((p) => p !== except && p.state === 'open' && p.head === head && p.base === base))
    throw alreadyExists(docs, repo, head);
  if (!(await mergeBase(repo.gitDir, baseSha, headSha))) {
    throw new ApiError(422, 'Validation Failed', docs, [
      { resource: 'PullRequest', code: 'custom', message: `The ${base} branch has no history in common with ${head}` },
    ]);
  }
  if (await isAncestor(repo.gitDir, headSha, baseSha)) throw noCommits(docs, base, head);
  return { headSha, baseSha };
}

export interface NewPull {
  readonly title: string;
  readonly head: string;
  readonly base: string;
  readonly body: string | null;
  readonly draft: boolean;
}

export async function createPull(state: ServerState, repo: Repo, user: Account, input: NewPull, docs: string): Promise<PullRequest> {
  const { headSha, baseSha } = await checkBranches(repo, input.head, input.base, docs);
  const created = now();
  const pr: PullRequest = {
    id: state.nextId(),
    number: repo.nextNumber++,
    title: input.title,
    body: input.body,
    state: 'open',
    draft: input.draft,
    user,
    head: input.head,
    headSha,
    base: input.base,
    baseSha,
    createdAt: created,
    updatedAt: created,
    closedAt: null,
    mergedAt: null,
    mergeCommitSha: null,
    mergedBy: null,
  };
  repo.pulls.push(pr);
  return pr;
}

export interface PullUpdate {
  readonly title?: string;
  readonly body?: string;
  readonly state?: 'open' | 'closed';
  readonly base?: string;
}

export async function updatePull(repo: Repo, pr: PullRequest, update: PullUpdate, docs: string): Promise<void> {
  const reopening = update.state === 'open' && pr.state === 'closed';
  const invalid = (field: string, message: string) =>
    new ApiError(422, 'Validation Failed', docs, [{ resource: 'PullRequest', code: 'custom', field, message }]);
  if (reopening && pr.mergedAt)
    throw invalid('state', 'state cannot be changed. The pull request cannot be reopened because it has already been merged.');
  const base = update.base ?? pr.base;
  if (base !== pr.base && pr.state === 'closed' && !reopening)
    throw invalid('base', 'Cannot change the base branch of a closed pull request.');
  if (reopening || base !== pr.base) {
    const tips = await checkBranches(repo, pr.head, base, docs, pr);
    pr.headSha = tips.headSha;
    pr.baseSha = tips.baseSha;
  }
  if (update.title !== undefined) pr.title = update.title;
  if (update.body !== undefined) pr.body = update.body;
  pr.base = base;
  if (update.state === 'closed' && pr.state === 'open') {
    pr.state = 'closed';
    pr.closedAt = now();
  } else if (reopening) {
    pr.state = 'open';
    pr.closedAt = null;
  }
  pr.updatedAt = now();
}

/** Counts and mergeability of the full representation, computed from git. */
export async function pullDetails(repo: Repo, pr: PullRequest): Promise<PullDetails> {
  const range = `${pr.baseSha}..${pr.headSha}`;
  const commits = Number(await git(repo.gitDir, ['rev-list', '--count', range]));
  const from = await mergeBase(repo.gitDir, pr.baseSha, pr.headSha);
  const files = from ? await diffFiles(repo.gitDir, from, pr.headSha) : [];
  const counts = {
    commits,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changedFiles: files.length,
  };
  if (pr.state === 'closed') return { ...counts, mergeable: null, mergeableState: 'unknown' };
  const clean = (await mergeTrees(repo.gitDir, pr.baseSha, pr.headSha)) !== undefined;
  const protection = repo.protections.get(pr.base);
  const blocked = protection && (protection.requiredPullRequestReviews || (protection.requiredStatusChecks?.contexts.length ?? 0) > 0);
  return { ...counts, mergeable: clean, mergeableState: !clean ? 'dirty' : pr.draft ? 'draft' : blocked ? 'blocked' : 'clean' };
}

/** Runs git in a temporary work tree of the bare repo (for rebasing, which needs one). */
function gitIn(
  workTree: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: workTree, env: isolatedGitEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out: out.trim(), err }));
  });
}

/** Replays the head's commits (no merges) on the base, as "Rebase and merge": new committer, same authors. */
async function rebase(repo: Repo, onto: string, base: string, head: string, committer: Signature): Promise<string | undefined> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-server-rebase-'));
  const workTree = path.join(dir, 'work');
  try {
    await git(repo.gitDir, ['worktree', 'add', '--quiet', '--detach', workTree, onto]);
    const picks = (await git(repo.gitDir, ['rev-list', '--reverse', '--no-merges', `${base}..${head}`])).split('\n').filter(Boolean);
    const env = {
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: `${Math.floor(Date.parse(committer.date) / 1000)} +0000`,
    };
    for (const sha of picks) {
      const picked = await gitIn(workTree, ['cherry-pick', '--allow-empty', '--keep-redundant-commits', sha], env);
      if (picked.code !== 0) return undefined;
    }
    return (await gitIn(workTree, ['rev-parse', 'HEAD'], env)).out;
  } finally {
    await git(repo.gitDir, ['worktree', 'remove', '--force', workTree]).catch(() => undefined);
    await git(repo.gitDir, ['worktree', 'prune']).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The reason GitHub's merge button is disabled for admins on a protected base branch, if any. */
function protectionBlock(repo: Repo, pr: PullRequest): string | undefined {
  const protection = repo.protections.get(pr.base);
  if (!protection?.enforceAdmins) return undefined;
  const reviews = protection.requiredPullRequestReviews;
  if (reviews && reviews.required_approving_review_count > 0) {
    const n = reviews.required_approving_review_count;
    return `At least ${n} approving review${n === 1 ? ' is' : 's are'} required by reviewers with write access.`;
  }
  const check = protection.requiredStatusChecks?.contexts[0];
  if (check) return `Required status check "${check}" is expected.`;
  return undefined;
}

/**
 * Merges a pull as GitHub's merge button does: `merge` (default) writes a merge commit on the
 * base with parents [base tip, head tip] and the message "Merge pull request #N from
 * owner/branch" + blank line + the pull's title; `squash` one commit with the merged tree on the
 * base tip; `rebase` the head's commits replayed on the base. The author is `by`, the committer
 * GitHub (`GitHub <noreply@github.com>`, the `web-flow` user). The base branch moves by
 * compare-and-swap; the head branch stays. Errors: 405 not mergeable (closed, conflicts,
 * protection), 409 head moved (`sha`).
 */
export async function mergePull(
  state: ServerState,
  repo: Repo,
  pr: PullRequest,
  by: Account,
  options: MergeOptions,
  docs: string,
): Promise<{ sha: string; message: string }> {
  await refresh(repo, pr);
  const notMergeable = (message = 'Pull Request is not mergeable') => new ApiError(405, message, docs);
  if (pr.state !== 'open') throw notMergeable();
  if (options.sha !== undefined && options.sha !== pr.headSha)
    throw new ApiError(409, 'Head branch was modified. Review and try the merge again.', docs);
  if (pr.draft) throw notMergeable('Pull Request is still a draft');
  if (options.enforceProtection) {
    const blocked = protectionBlock(repo, pr);
    if (blocked) throw notMergeable(blocked);
  }
  const method = options.method ?? 'merge';
  for (let attempt = 0; attempt < 5; attempt++) {
    const baseTip = (await resolveRef(repo.gitDir, heads(pr.base)))!;
    const tree = await mergeTrees(repo.gitDir, baseTip, pr.headSha);
    if (!tree) throw notMergeable();
    const author = state.signature(by);
    const committer: Signature = { name: 'GitHub', email: 'noreply@github.com', date: author.date };
    let sha: string | undefined;
    if (method === 'rebase') {
      sha = await rebase(repo, baseTip, pr.baseSha, pr.headSha, committer);
      if (!sha) throw notMergeable("This branch can't be rebased");
    } else if (method === 'squash') {
      const commits = (await logCommits(repo.gitDir, `${baseTip}..${pr.headSha}`)).reverse();
      const single = commits.length === 1 ? commits[0]!.message : undefined;
      const title = options.commitTitle ?? `${single ? single.split('\n')[0] : pr.title} (#${pr.number})`;
      const message =
        options.commitMessage ??
        (single ? single.split('\n').slice(1).join('\n').trim() : commits.map((c) => `* ${c.message.trim()}`).join('\n\n'));
      sha = await writeCommit(repo.gitDir, tree, [baseTip], message ? `${title}\n\n${message}` : title, author, committer);
    } else {
      const title = options.commitTitle ?? `Merge pull request #${pr.number} from ${repo.owner.login}/${pr.head}`;
      const message = options.commitMessage ?? pr.title;
      sha = await writeCommit(repo.gitDir, tree, [baseTip, pr.headSha], message ? `${title}\n\n${message}` : title, author, committer);
    }
    if (!(await casRef(repo.gitDir, heads(pr.base), sha, baseTip))) continue; // the base moved: merge again
    pr.state = 'closed';
    pr.mergedAt = now();
    pr.closedAt = pr.mergedAt;
    pr.updatedAt = pr.mergedAt;
    pr.mergeCommitSha = sha;
    pr.mergedBy = by;
    pr.baseSha = baseTip;
    state.touch(repo);
    return { sha, message: 'Pull Request successfully merged' };
  }
  throw new ApiError(409, 'Base branch was modified. Review and try the merge again.', docs);
}
