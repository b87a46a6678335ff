/**
 * Branch protection: get, update (PUT replaces it whole and answers the stored protection), delete.
 * With `protectionNeedsPro`, private repos answer 403 as on GitHub Free.
 */
import { ApiError } from '../errors.js';
import { resolveRef } from '../git.js';
import { protectedBranch } from '../json.js';
import { route, type RouteContext } from '../router.js';
import type { Protection } from '../state.js';
import { repoOf } from './common.js';

async function branchOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  if (ctx.state.protectionNeedsPro && repo.private) {
    throw new ApiError(403, 'Upgrade to GitHub Pro or make this repository public to enable this feature.', ctx.docs);
  }
  const branch = ctx.params.branch!;
  if (!(await resolveRef(repo.gitDir, `refs/heads/${branch}`))) throw new ApiError(404, 'Branch not found', ctx.docs);
  return { repo, branch };
}

function normalize(body: Record<string, any>): Protection {
  const checks = body.required_status_checks;
  const reviews = body.required_pull_request_reviews;
  const restrictions = body.restrictions;
  return {
    requiredStatusChecks: checks
      ? {
          strict: checks.strict === true,
          contexts: [...(checks.contexts ?? []), ...(checks.checks ?? []).map((c: { context: string }) => c.context)],
          checks: [
            ...(checks.contexts ?? []).map((context: string) => ({ context, app_id: null })),
            ...(checks.checks ?? []).map((c: { context: string; app_id?: number }) => ({ context: c.context, app_id: c.app_id ?? null })),
          ],
        }
      : null,
    enforceAdmins: body.enforce_admins === true,
    requiredPullRequestReviews: reviews
      ? {
          dismiss_stale_reviews: reviews.dismiss_stale_reviews === true,
          require_code_owner_reviews: reviews.require_code_owner_reviews === true,
          required_approving_review_count: reviews.required_approving_review_count ?? 1,
          require_last_push_approval: reviews.require_last_push_approval === true,
        }
      : null,
    restrictions: restrictions ? { users: restrictions.users ?? [], teams: restrictions.teams ?? [], apps: restrictions.apps ?? [] } : null,
    requiredLinearHistory: body.required_linear_history === true,
    allowForcePushes: body.allow_force_pushes === true,
    allowDeletions: body.allow_deletions === true,
    blockCreations: body.block_creations === true,
    requiredConversationResolution: body.required_conversation_resolution === true,
    lockBranch: body.lock_branch === true,
    allowForkSyncing: body.allow_fork_syncing === true,
  };
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}/branches/{branch}/protection', async (ctx) => {
    const { repo, branch } = await branchOf(ctx);
    const protection = repo.protections.get(branch);
    if (!protection) throw new ApiError(404, 'Branch not protected', ctx.docs);
    return { status: 200, body: protectedBranch(ctx.state, repo, branch, protection) };
  }),
  route('PUT', '/repos/{owner}/{repo}/branches/{branch}/protection', async (ctx) => {
    const { repo, branch } = await branchOf(ctx);
    const protection = normalize(ctx.body);
    repo.protections.set(branch, protection);
    return { status: 200, body: protectedBranch(ctx.state, repo, branch, protection) };
  }),
  route('DELETE', '/repos/{owner}/{repo}/branches/{branch}/protection', async (ctx) => {
    const { repo, branch } = await branchOf(ctx);
    if (!repo.protections.delete(branch)) throw new ApiError(404, 'Branch not protected', ctx.docs);
    return { status: 204 };
  }),
];
