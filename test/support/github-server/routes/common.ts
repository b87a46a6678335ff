/** Helpers the resource files share. */
import { ApiError, emptyRepo } from '../errors.js';
import { isEmptyRepo } from '../git.js';
import type { RouteContext } from '../router.js';
import type { Repo } from '../state.js';

/** The repo named by `{owner}/{repo}`; 404 like GitHub when it does not exist (or is not visible). */
export function repoOf(ctx: RouteContext): Repo {
  return ctx.state.requireRepo(ctx.params.owner!, ctx.params.repo!, ctx.docs);
}

/** The repo, for the Git Data API: 409 "Git Repository is empty." when it has no commit yet. */
export async function gitRepoOf(ctx: RouteContext): Promise<Repo> {
  const repo = repoOf(ctx);
  if (await isEmptyRepo(repo.gitDir)) throw emptyRepo(ctx.docs);
  return repo;
}

/** 422 with a plain message, as the Git Data API answers most bad input. */
export function unprocessable(ctx: RouteContext, message: string): ApiError {
  return new ApiError(422, message, ctx.docs);
}

export interface Page {
  /** 1-based. */
  readonly page: number;
  readonly perPage: number;
  /** Items to skip. */
  readonly offset: number;
}

/** `per_page` (default 30, at most 100) and `page` (default 1) as GitHub reads them. */
export function pageOf(ctx: RouteContext): Page {
  const number = (name: string, fallback: number) => {
    const value = Number.parseInt(ctx.query.get(name) ?? '', 10);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const perPage = Math.min(number('per_page', 30), 100);
  const page = number('page', 1);
  return { page, perPage, offset: (page - 1) * perPage };
}

/**
 * GitHub's `Link` header for a page of `total` items (`prev`, `next`, `last`, `first`, as GitHub
 * orders them; Octokit's paginate follows `next`); no header when everything fits on one page.
 */
export function linkHeader(ctx: RouteContext, page: Page, total: number): Record<string, string> {
  const last = Math.max(Math.ceil(total / page.perPage), 1);
  if (last === 1 && page.page === 1) return {};
  const url = (n: number) => {
    const query = new URLSearchParams(ctx.query);
    query.set('per_page', String(page.perPage));
    query.set('page', String(n));
    return `<${ctx.state.url}${ctx.path}?${query.toString()}>`;
  };
  const links: string[] = [];
  if (page.page > 1) links.push(`${url(Math.min(page.page - 1, last))}; rel="prev"`);
  if (page.page < last) links.push(`${url(page.page + 1)}; rel="next"`, `${url(last)}; rel="last"`);
  if (page.page > 1) links.push(`${url(1)}; rel="first"`);
  return { link: links.join(', ') };
}
