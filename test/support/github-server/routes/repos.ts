/** Repositories: get, create for the authenticated user, create in an organization. */
import { ApiError, notFound } from '../errors.js';
import { fullRepository } from '../json.js';
import { route, type RouteContext } from '../router.js';
import type { Account } from '../state.js';

async function create(ctx: RouteContext, owner: Account) {
  const body = ctx.body ?? {};
  const isPrivate = body.visibility !== undefined ? body.visibility !== 'public' : body.private === true;
  const repo = await ctx.state.createRepo(
    owner,
    {
      name: body.name,
      private: isPrivate,
      description: body.description ?? null,
      homepage: body.homepage ?? null,
      autoInit: body.auto_init === true,
    },
    ctx.user,
    ctx.docs,
  );
  const json = fullRepository(ctx.state, repo, await ctx.state.sizeKb(repo));
  return { status: 201, body: json, headers: { location: String(json.url) } };
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}', async (ctx) => {
    const repo = ctx.state.requireRepo(ctx.params.owner!, ctx.params.repo!, ctx.docs);
    return { status: 200, body: fullRepository(ctx.state, repo, await ctx.state.sizeKb(repo)) };
  }),
  route('POST', '/user/repos', (ctx) => create(ctx, ctx.user)),
  route('POST', '/orgs/{org}/repos', (ctx) => {
    const org = ctx.state.account(ctx.params.org!);
    if (org?.type !== 'Organization') throw notFound(ctx.docs);
    if (ctx.body?.visibility === 'internal')
      throw new ApiError(422, 'Visibility internal is only available to enterprise organizations', ctx.docs);
    return create(ctx, org);
  }),
];
