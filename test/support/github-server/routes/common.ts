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
