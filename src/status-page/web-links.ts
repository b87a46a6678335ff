/**
 * Web pages of an env repo, for the status page's links: a commit, a branch. Only where slipway
 * knows the host's URL scheme (GitHub, GitHub Enterprise, GitLab); a local path or another git
 * server gets no link rather than a guessed one. Never carries credentials: user info in a URL is
 * dropped.
 *
 * URL schemes: GitHub `/<owner>/<repo>/commit/<sha>` and `/tree/<branch>`
 * (https://docs.github.com/en/repositories/working-with-files/using-files/getting-permanent-links-to-files),
 * GitLab `/-/commit/<sha>` and `/-/tree/<branch>` (https://docs.gitlab.com/user/project/repository/).
 */
import type { RepoFacts } from './page-input.js';

export interface RepoWeb {
  /** The repo's home page. */
  readonly home: string;
  readonly commit: (sha: string) => string;
  readonly branch: (branch: string) => string;
}

/** The repo's web pages, or undefined when its host's pages are not known. */
export function repoWeb(repo: RepoFacts): RepoWeb | undefined {
  if (repo.kind === 'github') {
    const [owner, name] = repo.location.split('/');
    if (!owner || !name) return undefined;
    const host = githubWebRoot(repo.githubApiUrl);
    return host === undefined ? undefined : pages(`${host}/${enc(owner)}/${enc(name)}`, '');
  }
  if (repo.kind === 'url') {
    const parsed = httpsOf(repo.location);
    if (!parsed) return undefined;
    const path = parsed.pathname.replace(/\.git\/?$/, '').replace(/\/+$/, '');
    if (parsed.host === 'github.com') return pages(`https://github.com${path}`, '');
    if (parsed.host === 'gitlab.com') return pages(`https://gitlab.com${path}`, '/-');
  }
  return undefined;
}

function pages(home: string, infix: string): RepoWeb {
  return {
    home,
    commit: (sha) => `${home}${infix}/commit/${enc(sha)}`,
    branch: (branch) => `${home}${infix}/tree/${branch.split('/').map(enc).join('/')}`,
  };
}

const enc = encodeURIComponent;

/** github.com for the public API; `https://<host>` for GitHub Enterprise's `https://<host>/api/v3`. */
function githubWebRoot(apiUrl: string | undefined): string | undefined {
  if (apiUrl === undefined || /^https:\/\/api\.github\.com\/?$/.test(apiUrl)) return 'https://github.com';
  const parsed = httpsOf(apiUrl);
  if (!parsed || !/^\/api\/v3\/?$/.test(parsed.pathname)) return undefined;
  return `https://${parsed.host}`;
}

/** An https URL (or git's `git@host:path` form, read as https), without user info; else undefined. */
function httpsOf(location: string): URL | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(location);
  const text = scp ? `https://${scp[1]}/${scp[2]}` : location.replace(/^ssh:\/\/[^@/]+@/, 'https://');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  url.username = '';
  url.password = '';
  return url;
}
