/**
 * Git Data API, references: get one (`git/ref/...`, singular), list matching, create, update
 * (fast-forward only unless `force`, compare-and-swap with `git update-ref <ref> <new> <old>`),
 * delete. Protected branches refuse force pushes and deletion unless allowed.
 */
import { ApiError, notFound } from '../errors.js';
import { casRef, isAncestor, listRefs, objectType, resolveRef, runGit } from '../git.js';
import { gitRef } from '../json.js';
import { route, type RouteContext } from '../router.js';
import type { Repo } from '../state.js';
import { gitRepoOf, unprocessable } from './common.js';

async function refJson(ctx: RouteContext, repo: Repo, fullRef: string) {
  const sha = await resolveRef(repo.gitDir, fullRef);
  if (!sha) throw notFound(ctx.docs);
  return gitRef(ctx.state, repo, { ref: fullRef, sha, type: (await objectType(repo.gitDir, sha))! });
}

function protectionOf(repo: Repo, fullRef: string) {
  return fullRef.startsWith('refs/heads/') ? repo.protections.get(fullRef.slice('refs/heads/'.length)) : undefined;
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}/git/ref/{ref+}', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    return { status: 200, body: await refJson(ctx, repo, `refs/${ctx.params.ref}`) };
  }),

  route('GET', '/repos/{owner}/{repo}/git/matching-refs/{ref+}', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const prefix = `refs/${ctx.params.ref}`;
    const refs = (await listRefs(repo.gitDir)).filter((r) => r.ref.startsWith(prefix));
    return { status: 200, body: refs.map((r) => gitRef(ctx.state, repo, r)) };
  }),

  route('POST', '/repos/{owner}/{repo}/git/refs', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const { ref, sha } = ctx.body as { ref: string; sha: string };
    if (!/^refs\/[^/]+\/.+/.test(ref) || (await runGit(repo.gitDir, ['check-ref-format', ref])).code !== 0) {
      throw unprocessable(ctx, `Reference name must start with 'refs/' and have at least two slashes.`);
    }
    if (!(await objectType(repo.gitDir, sha))) throw unprocessable(ctx, 'Object does not exist');
    if (!(await casRef(repo.gitDir, ref, sha, undefined))) throw unprocessable(ctx, 'Reference already exists');
    ctx.state.touch(repo);
    const json = await refJson(ctx, repo, ref);
    return { status: 201, body: json, headers: { location: String(json.url) } };
  }),

  route('PATCH', '/repos/{owner}/{repo}/git/refs/{ref+}', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const fullRef = `refs/${ctx.params.ref}`;
    const { sha } = ctx.body as { sha: string };
    const force = ctx.body.force === true;
    if (!(await objectType(repo.gitDir, sha))) throw unprocessable(ctx, 'Object does not exist');
    const protection = protectionOf(repo, fullRef);
    if (protection?.enforceAdmins && (protection.requiredPullRequestReviews || protection.requiredStatusChecks)) {
      throw new ApiError(422, `Protected branch update failed for ${fullRef}.`, ctx.docs);
    }
    // Compare-and-swap: if the ref moves between the read and the write, check again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const old = await resolveRef(repo.gitDir, fullRef);
      if (!old) throw unprocessable(ctx, 'Reference does not exist');
      const fastForward = old === sha || (await isAncestor(repo.gitDir, old, sha));
      if (!fastForward && !force) throw unprocessable(ctx, 'Update is not a fast forward');
      if (!fastForward && protection && !protection.allowForcePushes) throw unprocessable(ctx, 'Cannot force-push to this branch');
      if (await casRef(repo.gitDir, fullRef, sha, old)) {
        ctx.state.touch(repo);
        return { status: 200, body: await refJson(ctx, repo, fullRef) };
      }
    }
    throw unprocessable(ctx, 'Update is not a fast forward');
  }),

  route('DELETE', '/repos/{owner}/{repo}/git/refs/{ref+}', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const fullRef = `refs/${ctx.params.ref}`;
    const old = await resolveRef(repo.gitDir, fullRef);
    if (!old) throw unprocessable(ctx, 'Reference does not exist');
    const protection = protectionOf(repo, fullRef);
    if (protection && !protection.allowDeletions) throw unprocessable(ctx, 'Cannot delete this protected branch');
    await runGit(repo.gitDir, ['update-ref', '-d', fullRef, old]);
    return { status: 204 };
  }),
];
