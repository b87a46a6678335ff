/**
 * Repository contents, read only: a file (base64 `content`, wrapped at 60 characters as GitHub
 * does; `encoding: "none"` and no content above 1 MB), a folder (an array of its entries), a
 * symlink (its `target`) or a submodule, at `ref` (a branch, tag or SHA; the default branch by
 * default). JSON only: the `raw` media type is not served.
 */
import { ApiError, notFound } from '../errors.js';
import { isEmptyRepo, listTree, readBlob, resolveCommit, runGit, type TreeEntry } from '../git.js';
import { route, type RouteContext } from '../router.js';
import type { Repo } from '../state.js';
import { repoOf } from './common.js';

const MAX_INLINE = 1024 * 1024;

const TYPE: Record<TreeEntry['type'], string> = { blob: 'file', tree: 'dir', commit: 'submodule' };

function kind(entry: TreeEntry): string {
  return entry.mode === '120000' ? 'symlink' : TYPE[entry.type];
}

function entryJson(ctx: RouteContext, repo: Repo, ref: string, entry: TreeEntry & { name: string }): Record<string, unknown> {
  const encoded = entry.path.split('/').map(encodeURIComponent).join('/');
  const api = `${ctx.state.url}/repos/${repo.owner.login}/${repo.name}`;
  const web = `${ctx.state.url}/${repo.owner.login}/${repo.name}`;
  const type = kind(entry);
  const self = `${api}/contents/${encoded}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = type === 'dir' ? `${api}/git/trees/${entry.sha}` : type === 'submodule' ? null : `${api}/git/blobs/${entry.sha}`;
  const html = type === 'submodule' ? null : `${web}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${encoded}`;
  return {
    type,
    size: entry.size ?? 0,
    name: entry.name,
    path: entry.path,
    sha: entry.sha,
    url: self,
    git_url: gitUrl,
    html_url: html,
    download_url: type === 'file' || type === 'symlink' ? `${web}/raw/${ref}/${encoded}` : null,
    _links: { self, git: gitUrl, html },
  };
}

/** The URL `.gitmodules` gives the submodule at `subPath`, or ''. */
async function submoduleUrl(repo: Repo, commit: string, subPath: string): Promise<string> {
  const blob = `${commit}:.gitmodules`;
  const paths = await runGit(repo.gitDir, ['config', '--blob', blob, '--get-regexp', '^submodule\\..*\\.path$']);
  for (const line of paths.stdout.toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    if (space === -1 || line.slice(space + 1) !== subPath) continue;
    const name = line.slice('submodule.'.length, space - '.path'.length);
    const url = await runGit(repo.gitDir, ['config', '--blob', blob, '--get', `submodule.${name}.url`]);
    return url.stdout.toString('utf8').trim();
  }
  return '';
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}/contents/{path+}', async (ctx) => {
    const repo = repoOf(ctx);
    if (await isEmptyRepo(repo.gitDir)) throw new ApiError(404, 'This repository is empty.', ctx.docs);
    const ref = ctx.query.get('ref') || repo.defaultBranch;
    const commit = await resolveCommit(repo.gitDir, ref);
    if (!commit) throw new ApiError(404, `No commit found for the ref ${ref}`, ctx.docs);
    const wanted = ctx.params.path!.replace(/^\/+|\/+$/g, '');
    const name = (p: string) => p.slice(p.lastIndexOf('/') + 1);
    if (wanted === '') {
      const entries = await listTree(repo.gitDir, commit, false);
      return { status: 200, body: entries.map((e) => entryJson(ctx, repo, ref, { ...e, name: name(e.path) })) };
    }
    const found = await runGit(repo.gitDir, ['--literal-pathspecs', 'ls-tree', '-l', '-z', '--full-tree', commit, '--', wanted]);
    const record = found.stdout.toString('utf8').split('\0')[0];
    if (found.code !== 0 || !record) throw notFound(ctx.docs);
    const [mode, type, sha, size] = record.slice(0, record.indexOf('\t')).split(/\s+/);
    const entryPath = record.slice(record.indexOf('\t') + 1);
    if (entryPath !== wanted) throw notFound(ctx.docs);
    const entry = {
      mode: mode!,
      type: type as TreeEntry['type'],
      sha: sha!,
      size: size === '-' ? undefined : Number(size),
      path: wanted,
      name: name(wanted),
    };
    if (entry.type === 'tree') {
      const children = await listTree(repo.gitDir, entry.sha, false);
      return { status: 200, body: children.map((e) => entryJson(ctx, repo, ref, { ...e, path: `${wanted}/${e.path}`, name: e.path })) };
    }
    const json = entryJson(ctx, repo, ref, entry);
    if (json.type === 'submodule') return { status: 200, body: { ...json, submodule_git_url: await submoduleUrl(repo, commit, wanted) } };
    const content = await readBlob(repo.gitDir, entry.sha);
    if (json.type === 'symlink') return { status: 200, body: { ...json, target: content.toString('utf8') } };
    if (content.length > MAX_INLINE) return { status: 200, body: { ...json, encoding: 'none', content: '' } };
    const base64 = content.toString('base64').replace(/.{60}/g, '$&\n');
    return { status: 200, body: { ...json, encoding: 'base64', content: base64.endsWith('\n') || base64 === '' ? base64 : `${base64}\n` } };
  }),
];
