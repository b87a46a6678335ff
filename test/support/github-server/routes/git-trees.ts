/**
 * Git Data API, trees: get (optionally recursive) and create on a `base_tree` with entries that
 * carry inline `content`, an existing `sha`, or `sha: null` to delete the path.
 */
import { ApiError, notFound } from '../errors.js';
import { listTree, objectType, runGit, writeBlobs, writeTreeWithEdits, type TreeEdit } from '../git.js';
import { gitUrls } from '../json.js';
import { route } from '../router.js';
import { gitRepoOf, unprocessable } from './common.js';

const TYPE_OF_MODE: Record<string, string> = { '100644': 'blob', '100755': 'blob', '120000': 'blob', '040000': 'tree', '160000': 'commit' };

interface TreeEntryInput {
  path?: string;
  mode?: string;
  type?: string;
  sha?: string | null;
  content?: string;
}

function validPath(path: string): boolean {
  return path.length > 0 && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part !== '.git');
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const wanted = ctx.params.tree_sha!;
    // A tree SHA, or anything that names one (commit SHA, branch, tag), as on GitHub.
    const resolved = wanted.startsWith('-')
      ? undefined
      : await runGit(repo.gitDir, ['rev-parse', '--verify', '--quiet', `${wanted}^{tree}`]);
    if (resolved?.code !== 0) throw notFound(ctx.docs);
    const sha = resolved.stdout.toString('utf8').trim();
    // "Setting this parameter to any value returns the objects or subtrees referenced by the tree."
    const recursive = ctx.query.has('recursive');
    let entries = await listTree(repo.gitDir, sha, recursive);
    const truncated = entries.length > ctx.state.treeLimit;
    if (truncated) entries = entries.slice(0, ctx.state.treeLimit);
    const urls = gitUrls(ctx.state, repo);
    return {
      status: 200,
      body: {
        sha,
        url: urls.tree(sha),
        tree: entries.map((e) => ({
          path: e.path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
          ...(e.size !== undefined ? { size: e.size } : {}),
          ...(e.type === 'blob' ? { url: urls.blob(e.sha) } : e.type === 'tree' ? { url: urls.tree(e.sha) } : {}),
        })),
        truncated,
      },
    };
  }),

  route('POST', '/repos/{owner}/{repo}/git/trees', async (ctx) => {
    const repo = await gitRepoOf(ctx);
    const base: string | undefined = ctx.body.base_tree;
    if (base !== undefined && (await objectType(repo.gitDir, base)) !== 'tree') throw unprocessable(ctx, 'GitRPC::BadObjectState');
    const input = ctx.body.tree as TreeEntryInput[];
    const invalid = (message: string) => new ApiError(422, message, ctx.docs);
    for (const entry of input) {
      if (typeof entry.path !== 'string' || !validPath(entry.path)) throw invalid(`tree.path contains a malformed path component`);
      const deleting = entry.sha === null;
      if (entry.sha !== undefined && entry.content !== undefined)
        throw invalid('Must supply either tree.sha or tree.content. Request will be rejected if both are present.');
      if (entry.sha === undefined && entry.content === undefined) throw invalid('Must supply either tree.sha or tree.content.');
      if (deleting) continue;
      if (entry.mode === undefined) throw invalid('Must supply a valid tree.mode');
      if (entry.type !== undefined && TYPE_OF_MODE[entry.mode] !== entry.type)
        throw invalid(`tree.type ${entry.type} does not match tree.mode ${entry.mode}`);
      if (entry.content !== undefined && TYPE_OF_MODE[entry.mode] !== 'blob')
        throw invalid('tree.content can only be used with a blob mode');
      if (typeof entry.sha === 'string') {
        const expected = TYPE_OF_MODE[entry.mode];
        // Submodule commits live in another repo; everything else must exist here.
        if (expected !== 'commit' && (await objectType(repo.gitDir, entry.sha)) !== expected) throw invalid('GitRPC::BadObjectState');
      }
    }
    const contents = input.filter((e) => e.sha === undefined).map((e) => Buffer.from(e.content!, 'utf8'));
    const blobShas = await writeBlobs(repo.gitDir, contents);
    let next = 0;
    const edits: TreeEdit[] = input.map((e) => ({
      path: e.path!,
      mode: e.mode ?? '100644',
      sha: e.sha === null ? null : e.sha === undefined ? blobShas[next++]! : e.sha,
    }));
    const sha = await writeTreeWithEdits(repo.gitDir, base, edits);
    const entries = await listTree(repo.gitDir, sha, false);
    const urls = gitUrls(ctx.state, repo);
    return {
      status: 201,
      headers: { location: urls.tree(sha) },
      body: {
        sha,
        url: urls.tree(sha),
        tree: entries.map((e) => ({
          path: e.path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
          ...(e.size !== undefined ? { size: e.size } : {}),
          ...(e.type === 'blob' ? { url: urls.blob(e.sha) } : e.type === 'tree' ? { url: urls.tree(e.sha) } : {}),
        })),
        truncated: false,
      },
    };
  }),
];
