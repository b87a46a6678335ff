/**
 * Pull requests: list (state, head, base, sort, pagination), create, get, update (title, body,
 * state, base), merge. See pulls.ts for the model and what GitHub does on its own.
 *
 * As on GitHub, the list's `head` filter needs the `owner:branch` form: a bare branch name is
 * silently ignored (every pull matches), a classic pitfall clients must not fall into.
 */
import { notFound, validationFailed } from '../errors.js';
import { pullRequest } from '../json.js';
import {
  createPull,
  findPull,
  headBranch,
  mergePull,
  pullDetails,
  refreshAll,
  updatePull,
  type MergeMethod,
  type PullRequest,
} from '../pulls.js';
import { route, type RouteContext } from '../router.js';
import type { Repo } from '../state.js';
import { linkHeader, pageOf, repoOf } from './common.js';

async function fullJson(ctx: RouteContext, repo: Repo, pr: PullRequest, fresh = false) {
  const details = await pullDetails(repo, pr);
  // Right after creation GitHub has not computed mergeability yet.
  const shown = fresh ? { ...details, mergeable: null, mergeableState: 'unknown' as const } : details;
  return pullRequest(ctx.state, repo, pr, await ctx.state.sizeKb(repo), shown);
}

async function pullOf(ctx: RouteContext): Promise<{ repo: Repo; pr: PullRequest }> {
  const repo = repoOf(ctx);
  const number = Number(ctx.params.pull_number);
  const pr = Number.isInteger(number) ? await findPull(repo, number) : undefined;
  if (!pr) throw notFound(ctx.docs);
  return { repo, pr };
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}/pulls', async (ctx) => {
    const repo = repoOf(ctx);
    const state = ctx.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw validationFailed('Issue', 'state', 'invalid', ctx.docs);
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    let pulls = (await refreshAll(repo)).filter((p) => state === 'all' || p.state === state);
    if (head?.includes(':')) {
      const branch = headBranch(repo, head);
      pulls = pulls.filter((p) => p.head === branch);
    }
    if (base) pulls = pulls.filter((p) => p.base === base);
    const sort = ctx.query.get('sort') ?? 'created';
    const direction = ctx.query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
    const key = (p: PullRequest) => (sort === 'updated' ? p.updatedAt : p.createdAt) + String(p.number).padStart(10, '0');
    pulls = [...pulls].sort((a, b) => key(a).localeCompare(key(b)) * (direction === 'asc' ? 1 : -1));
    const page = pageOf(ctx);
    const sizeKb = await ctx.state.sizeKb(repo);
    return {
      status: 200,
      body: pulls.slice(page.offset, page.offset + page.perPage).map((p) => pullRequest(ctx.state, repo, p, sizeKb)),
      headers: linkHeader(ctx, page, pulls.length),
    };
  }),

  route('POST', '/repos/{owner}/{repo}/pulls', async (ctx) => {
    const repo = repoOf(ctx);
    const body = ctx.body as { title?: string; head: string; base: string; body?: string; draft?: boolean; issue?: number };
    if (body.issue !== undefined) throw validationFailed('PullRequest', 'issue', 'invalid', ctx.docs);
    if (body.title === undefined) throw validationFailed('PullRequest', 'title', 'missing_field', ctx.docs);
    const head = headBranch(repo, body.head);
    if (head === undefined) throw validationFailed('PullRequest', 'head', 'invalid', ctx.docs);
    const pr = await createPull(
      ctx.state,
      repo,
      ctx.user,
      {
        title: body.title,
        head,
        base: body.base,
        body: body.body ?? null,
        draft: body.draft === true,
      },
      ctx.docs,
    );
    const json = await fullJson(ctx, repo, pr, true);
    return { status: 201, body: json, headers: { location: String(json.url) } };
  }),

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', async (ctx) => {
    const { repo, pr } = await pullOf(ctx);
    return { status: 200, body: await fullJson(ctx, repo, pr) };
  }),

  route('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', async (ctx) => {
    const { repo, pr } = await pullOf(ctx);
    await updatePull(repo, pr, ctx.body ?? {}, ctx.docs);
    return { status: 200, body: await fullJson(ctx, repo, pr) };
  }),

  route('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', async (ctx) => {
    const { repo, pr } = await pullOf(ctx);
    const body = (ctx.body ?? {}) as { commit_title?: string; commit_message?: string; sha?: string; merge_method?: MergeMethod };
    const merged = await mergePull(
      ctx.state,
      repo,
      pr,
      ctx.user,
      {
        method: body.merge_method ?? 'merge',
        sha: body.sha,
        commitTitle: body.commit_title,
        commitMessage: body.commit_message,
        enforceProtection: true,
      },
      ctx.docs,
    );
    return { status: 200, body: { sha: merged.sha, merged: true, message: merged.message } };
  }),
];
