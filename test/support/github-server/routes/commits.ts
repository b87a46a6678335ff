/**
 * Commits (the REST view, not the Git Data API): list with `sha` (branch, tag or SHA; default
 * branch by default), `path`, `author`, `committer`, `since`, `until` and pagination, newest
 * first, straight from `git log`; and one commit with its `stats` and `files` (against its first
 * parent). `{ref}` is one path segment (Octokit percent-encodes a branch's slashes), which leaves
 * room for `/commits/{ref}/status` and the like.
 */
import { ApiError, emptyRepo } from '../errors.js';
import { countCommits, diffFiles, EMPTY_TREE, isEmptyRepo, logCommits, readCommit, resolveCommit, type LogOptions } from '../git.js';
import { commit } from '../json.js';
import { route, type RouteContext } from '../router.js';
import type { Repo } from '../state.js';
import { linkHeader, pageOf, repoOf } from './common.js';

/** A login of a known account means its noreply address; anything else is matched as given. */
function person(ctx: RouteContext, value: string | null): string | undefined {
  if (!value) return undefined;
  const account = ctx.state.account(value);
  return account ? ctx.state.signature(account).email : value;
}

function date(value: string | null): string | undefined {
  return value && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

async function nonEmpty(ctx: RouteContext): Promise<Repo> {
  const repo = repoOf(ctx);
  if (await isEmptyRepo(repo.gitDir)) throw emptyRepo(ctx.docs);
  return repo;
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}/commits', async (ctx) => {
    const repo = await nonEmpty(ctx);
    const wanted = ctx.query.get('sha') || repo.defaultBranch;
    const tip = await resolveCommit(repo.gitDir, wanted);
    if (!tip) throw new ApiError(404, `No commit found for SHA: ${wanted}`, ctx.docs);
    const filePath = ctx.query.get('path')?.replace(/^\/+|\/+$/g, '');
    const options: LogOptions = {
      path: filePath || undefined,
      author: person(ctx, ctx.query.get('author')),
      committer: person(ctx, ctx.query.get('committer')),
      since: date(ctx.query.get('since')),
      until: date(ctx.query.get('until')),
    };
    const page = pageOf(ctx);
    const commits = await logCommits(repo.gitDir, tip, { ...options, skip: page.offset, max: page.perPage });
    const total = await countCommits(repo.gitDir, tip, options);
    return {
      status: 200,
      body: commits.map((c) => commit(ctx.state, repo, c)),
      headers: linkHeader(ctx, page, total),
    };
  }),

  route('GET', '/repos/{owner}/{repo}/commits/{ref}', async (ctx) => {
    const repo = await nonEmpty(ctx);
    const ref = ctx.params.ref!;
    const sha = await resolveCommit(repo.gitDir, ref);
    if (!sha) throw new ApiError(422, `No commit found for SHA: ${ref}`, ctx.docs);
    const c = await readCommit(repo.gitDir, sha);
    const files = await diffFiles(repo.gitDir, c.parents[0] ?? EMPTY_TREE, sha);
    return { status: 200, body: commit(ctx.state, repo, c, files) };
  }),
];
