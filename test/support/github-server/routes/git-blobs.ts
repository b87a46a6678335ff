/** Git Data API, blobs: create, get (base64, wrapped at 60 columns like GitHub). */
import { notFound } from '../errors.js';
import { objectType, readBlob, writeBlob } from '../git.js';
import { gitUrls } from '../json.js';
import { route } from '../router.js';
import { nodeId } from '../state.js';
import { gitRepoOf, unprocessable } from './common.js';

export const routes = [
  route('POST', '/repos/{owner}/{repo}/git/blobs', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const encoding = ctx.body.encoding ?? 'utf-8';
    if (encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'base64') {
      throw unprocessable(ctx, `encoding must be either "utf-8" or "base64"`);
    }
    const sha = await writeBlob(repo.gitDir, Buffer.from(ctx.body.content, encoding === 'base64' ? 'base64' : 'utf8'));
    const url = gitUrls(ctx.state, repo).blob(sha);
    return { status: 201, body: { sha, url }, headers: { location: url } };
  }),
  route('GET', '/repos/{owner}/{repo}/git/blobs/{file_sha}', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const sha = ctx.params.file_sha!;
    if ((await objectType(repo.gitDir, sha)) !== 'blob') throw notFound(ctx.docs);
    const content = await readBlob(repo.gitDir, sha);
    const base64 = content.toString('base64');
    return {
      status: 200,
      body: {
        sha,
        node_id: nodeId('Blob', `${repo.id}:${sha}`),
        size: content.length,
        url: gitUrls(ctx.state, repo).blob(sha),
        content: base64.length === 0 ? '' : `${base64.match(/.{1,60}/g)!.join('\n')}\n`,
        encoding: 'base64',
      },
    };
  }),
];
