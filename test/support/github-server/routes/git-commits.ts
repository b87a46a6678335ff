/** Git Data API, commits: get, create (author/committer default to the authenticated user). */
import { ApiError, notFound } from '../errors.js';
import { isoSeconds, objectType, readCommit, writeCommit, type Signature } from '../git.js';
import { gitCommit, gitUrls } from '../json.js';
import { route, type RouteContext } from '../router.js';
import { gitRepoOf } from './common.js';

function signature(ctx: RouteContext, input: { name?: string; email?: string; date?: string } | undefined, fallback: Signature): Signature {
  if (!input) return fallback;
  let date = fallback.date;
  if (input.date !== undefined) {
    const ms = Date.parse(input.date);
    if (Number.isNaN(ms)) throw new ApiError(422, `Invalid request.\n\n${JSON.stringify(input.date)} is not a valid date-time.`, ctx.docs);
    date = isoSeconds(new Date(ms));
  }
  return { name: input.name ?? fallback.name, email: input.email ?? fallback.email, date };
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}/git/commits/{commit_sha}', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const sha = ctx.params.commit_sha!;
    if ((await objectType(repo.gitDir, sha)) !== 'commit') throw notFound(ctx.docs);
    return { status: 200, body: gitCommit(ctx.state, repo, await readCommit(repo.gitDir, sha)) };
  }),

  route('POST', '/repos/{owner}/{repo}/git/commits', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const { message, tree } = ctx.body as { message: string; tree: string };
    const parents = (ctx.body.parents ?? []) as string[];
    if ((await objectType(repo.gitDir, tree)) !== 'tree') throw new ApiError(422, 'Tree SHA does not exist', ctx.docs);
    for (const parent of parents) {
      if ((await objectType(repo.gitDir, parent)) !== 'commit')
        throw new ApiError(422, 'Parent SHA does not exist or is not a commit object', ctx.docs);
    }
    const author = signature(ctx, ctx.body.author, ctx.state.signature(ctx.user));
    // "By default, committer will use the information set in author."
    const committer = signature(ctx, ctx.body.committer, author);
    const sha = await writeCommit(repo.gitDir, tree, parents, message, author, committer);
    return {
      status: 201,
      headers: { location: gitUrls(ctx.state, repo).commit(sha) },
      body: gitCommit(ctx.state, repo, await readCommit(repo.gitDir, sha)),
    };
  }),
];
