/**
 * An env repo on GitHub (or GitHub Enterprise Server), through Octokit with the throttling and
 * retry plugins. Commits go through the Git Data API: one tree built on `base_tree` with inline
 * contents (`sha: null` deletes), one commit whose parent is the head slipway read, then the
 * branch ref moved without force. It lands whole or not at all; a refused ref update means the
 * branch moved, and the caller re-reads and retries. Commits made with a GitHub App token show as
 * Verified, since GitHub itself creates them. The client (rate limits, retries) is
 * github-client.ts, imported on the first call so commands over other remotes never load Octokit;
 * each request's deadline is github-request.ts; pull requests, deploy keys and branch protection
 * reach commands as capabilities (github-capabilities.ts).
 *
 * Length (over the ~400 lines files keep to): every REST call slipway makes on one repository,
 * each with the translation of GitHub's answers into slipway's errors, read side by side; the
 * client and the capabilities already live apart.
 */
import {
  BranchMovedError,
  RemoteAuthError,
  RemoteError,
  RemoteNotFoundError,
  RemoteUnavailableError,
  type CommitInfo,
  type CommitRequest,
  type CommitResult,
  type EnsureResult,
  type EnvRemote,
  type RemoteTree,
} from '../core/env-remote.js';
import { githubCapabilities } from './github-capabilities.js';
import type { GitHubClient } from './github-client.js';
import { DEFAULT_GITHUB_API, formatSeconds, RequestTimeoutError, type GitHubClientOptions } from './github-request.js';
import { networkUnreachable } from '../core/network-failure.js';
import type { RemoteCapabilities } from '../core/remote-capabilities.js';

/** Topics that mark a repo as a slipway env repo (and let people find them). */
const ENV_REPO_TOPICS = ['slipway', 'gitops', 'argocd'];

export interface GitHubRemoteOptions extends GitHubClientOptions {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  readonly token: string;
  /** REST base URL; GitHub Enterprise Server: https://<host>/api/v3. @default 'https://api.github.com' */
  readonly apiUrl?: string;
  /** @default 'private' */
  readonly visibility?: 'private' | 'public';
  /** Description of a repo slipway creates. */
  readonly description: string;
  /** Rate-limit and retry waits are announced here. */
  readonly log?: (line: string) => void;
  /**
   * How long one request may take, its answer read in full (SLIPWAY_HTTP_TIMEOUT). A request
   * that runs out is not retried: the command ends with "<repo> did not answer in N s".
   * @default 30000
   */
  readonly timeoutMs?: number;
  /** Retries of a rate-limited or failing request before giving up. @default 3 */
  readonly retries?: number;
  /** First wait before retrying a 5xx, in ms (then ×4, ×9). @default 1000 */
  readonly retryBaseMs?: number;
}

export class GitHubRemote implements EnvRemote {
  readonly description: string;
  /** Pull requests, deploy keys, branch protection, existence (github-capabilities.ts). */
  readonly capabilities: RemoteCapabilities;
  /** Octokit, loaded on the first call to GitHub (a command over git remotes never loads it). */
  private client?: Promise<GitHubClient>;
  /** Tree of each head read, for `base_tree`. */
  private readonly trees = new Map<string, string>();
  /** History from a given commit (`commits` with `at`), by commit, path and limit. */
  private readonly walks = new Map<string, Promise<CommitInfo[]>>();

  constructor(private readonly options: GitHubRemoteOptions) {
    const host = new URL(options.apiUrl ?? DEFAULT_GITHUB_API).host.replace(/^api\./, '');
    this.description = `${host}/${options.owner}/${options.repo}`;
    this.capabilities = githubCapabilities(this);
  }

  private get repoParams() {
    return { owner: this.options.owner, repo: this.options.repo };
  }

  /** Whether the repo exists (and the token can see it). */
  async exists(): Promise<boolean> {
    try {
      await this.call('reading the repo', (client) => client.rest.repos.get(this.repoParams));
      return true;
    } catch (e) {
      if (e instanceof NotFound) return false;
      throw e;
    }
  }

  async ensure(): Promise<EnsureResult> {
    let repo;
    try {
      repo = (await this.call('reading the repo', (client) => client.rest.repos.get(this.repoParams))).data;
    } catch (e) {
      if (!(e instanceof NotFound)) throw e;
    }
    let created = false;
    if (!repo) {
      const user = (await this.call("reading the token's user", (client) => client.rest.users.getAuthenticated())).data;
      const body = {
        name: this.options.repo,
        description: this.options.description,
        private: (this.options.visibility ?? 'private') === 'private',
        // The Git Data API answers 409 on an empty repo: start it with one commit.
        auto_init: true,
      };
      repo =
        user.login.toLowerCase() === this.options.owner.toLowerCase()
          ? (await this.call('creating the repo', (client) => client.rest.repos.createForAuthenticatedUser(body))).data
          : (
              await this.call(`creating the repo in org ${this.options.owner}`, (client) =>
                client.rest.repos.createInOrg({ ...body, org: this.options.owner }),
              )
            ).data;
      created = true;
    }
    const topics = repo.topics ?? [];
    if (!ENV_REPO_TOPICS.every((t) => topics.includes(t))) {
      await this.call('setting topics', (client) =>
        client.rest.repos.replaceAllTopics({ ...this.repoParams, names: [...new Set([...topics, ...ENV_REPO_TOPICS])] }),
      );
    }
    return { created };
  }

  async read(branch = this.options.branch): Promise<RemoteTree> {
    let head: string | undefined;
    try {
      head = (
        await this.call(`reading branch ${branch}`, (client) => client.rest.git.getRef({ ...this.repoParams, ref: `heads/${branch}` }))
      ).data.object.sha;
    } catch (e) {
      // No repo, no branch, or an empty repo (409): nothing committed yet.
      if (e instanceof NotFound || e instanceof EmptyRepo) return { head: undefined, blobs: new Map(), read: async () => '' };
      throw e;
    }
    const commit = (
      await this.call('reading the head commit', (client) => client.rest.git.getCommit({ ...this.repoParams, commit_sha: head! }))
    ).data;
    this.trees.set(head, commit.tree.sha);
    const tree = (
      await this.call('reading the tree', (client) =>
        client.rest.git.getTree({ ...this.repoParams, tree_sha: commit.tree.sha, recursive: 'true' }),
      )
    ).data;
    if (tree.truncated) throw new RemoteError(`${this.description}: the tree is too large for one read (GitHub truncated it)`);
    const blobs = new Map<string, string>();
    for (const entry of tree.tree) if (entry.type === 'blob' && entry.path && entry.sha) blobs.set(entry.path, entry.sha);
    return {
      head,
      blobs,
      read: async (path) => {
        const sha = blobs.get(path);
        if (!sha) return '';
        const blob = (await this.call(`reading ${path}`, (client) => client.rest.git.getBlob({ ...this.repoParams, file_sha: sha }))).data;
        return Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
      },
    };
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    if (request.merge !== undefined)
      throw new RemoteError(`${this.description}: on GitHub, branches merge through pull requests (mergePullRequest)`);
    const branch = request.branch ?? this.options.branch;
    const entries = [
      ...[...request.write].map(([path, content]) => ({ path, mode: '100644' as const, type: 'blob' as const, content })),
      ...request.delete.map((path) => ({ path, mode: '100644' as const, type: 'blob' as const, sha: null })),
    ];
    if (request.parent === undefined) return this.commitNewBranch(entries, request.message, branch);
    const baseTree =
      this.trees.get(request.parent) ??
      (
        await this.call('reading the parent commit', (client) =>
          client.rest.git.getCommit({ ...this.repoParams, commit_sha: request.parent! }),
        )
      ).data.tree.sha;
    const tree = (
      await this.call('writing the tree', (client) =>
        client.rest.git.createTree({ ...this.repoParams, base_tree: baseTree, tree: entries }),
      )
    ).data;
    const commit = (
      await this.call('writing the commit', (client) =>
        client.rest.git.createCommit({
          ...this.repoParams,
          message: request.message,
          tree: tree.sha,
          parents: [request.parent!],
          ...(request.author ? { author: { name: request.author.name, email: request.author.email } } : {}),
        }),
      )
    ).data;
    await this.moveOrCreateBranch(branch, commit.sha, request.replaces);
    this.trees.set(commit.sha, tree.sha);
    return { sha: commit.sha };
  }

  /**
   * Moves `branch` to `sha` without force, or creates it there when it does not exist yet.
   * `replaces`: restarting the branch, which may then be replaced only while it is at that commit.
   */
  private async moveOrCreateBranch(branch: string, sha: string, replaces?: string): Promise<void> {
    let exists = true;
    let current: string | undefined;
    try {
      current = (
        await this.call(`reading branch ${branch}`, (client) => client.rest.git.getRef({ ...this.repoParams, ref: `heads/${branch}` }))
      ).data.object.sha;
    } catch (e) {
      if (!(e instanceof NotFound)) throw e;
      exists = false;
    }
    try {
      if (exists) {
        const force = replaces !== undefined && current === replaces;
        await this.call('moving the branch', (client) =>
          client.rest.git.updateRef({ ...this.repoParams, ref: `heads/${branch}`, sha, force }),
        );
      } else {
        await this.call('creating the branch', (client) =>
          client.rest.git.createRef({ ...this.repoParams, ref: `refs/heads/${branch}`, sha }),
        );
      }
    } catch (e) {
      // 422: not a fast-forward (someone committed first), the branch was deleted, or created by someone else meanwhile.
      if (e instanceof Unprocessable) throw new BranchMovedError(this.description, { cause: e });
      throw e;
    }
  }

  async commits(options: { path?: string; branch?: string; limit?: number; at?: string }): Promise<CommitInfo[]> {
    // History from a given commit never changes: asked again (the status page walks main once
    // per app), it is the same answer, so the requests go out once.
    if (options.at === undefined) return this.listCommits(options);
    const key = JSON.stringify([options.at, options.path ?? null, options.limit ?? null]);
    let walk = this.walks.get(key);
    if (!walk) {
      walk = this.listCommits(options);
      walk.catch(() => this.walks.delete(key));
      this.walks.set(key, walk);
    }
    return walk;
  }

  private async listCommits(options: { path?: string; branch?: string; limit?: number; at?: string }): Promise<CommitInfo[]> {
    const limit = options.limit ?? 100;
    let seen = 0;
    try {
      const list = await this.call('reading history', (client) => {
        seen = 0;
        return client.paginate(
          client.rest.repos.listCommits,
          {
            ...this.repoParams,
            sha: options.at ?? options.branch ?? this.options.branch,
            ...(options.path ? { path: options.path } : {}),
            per_page: Math.min(100, limit),
          },
          (response, done) => {
            // Stop once `limit` commits came, over all pages (not only when one page holds them all).
            seen += response.data.length;
            if (seen >= limit) done();
            return response.data;
          },
        );
      });
      return list.slice(0, limit).map((c) => ({
        sha: c.sha,
        message: c.commit.message,
        author: c.commit.author?.name ?? c.author?.login ?? 'unknown',
        date: c.commit.author?.date ?? '',
        parents: c.parents.map((p) => p.sha),
      }));
    } catch (e) {
      if (e instanceof NotFound || e instanceof EmptyRepo) return [];
      throw e;
    }
  }

  /** The open pull request from `head` (a branch of this repo), if any. */
  async openPullRequest(head: string): Promise<{ number: number; url: string } | undefined> {
    const list = (
      await this.call('listing pull requests', (client) =>
        client.rest.pulls.list({ ...this.repoParams, state: 'open', head: `${this.options.owner}:${head}` }),
      )
    ).data;
    const pr = list.find((p) => p.head.ref === head);
    return pr ? { number: pr.number, url: pr.html_url } : undefined;
  }

  /**
   * Every pull request from `head` (open, closed, merged), newest first: whether a promotion
   * branch's last pull request was merged or closed, so the next promotion starts it again.
   */
  async pullRequests(
    head: string,
  ): Promise<Array<{ number: number; url: string; state: 'open' | 'closed'; merged: boolean; headSha: string; mergedAt?: string }>> {
    const list = (
      await this.call('listing pull requests', (client) =>
        client.rest.pulls.list({
          ...this.repoParams,
          state: 'all',
          head: `${this.options.owner}:${head}`,
          sort: 'created',
          direction: 'desc',
        }),
      )
    ).data;
    return list
      .filter((p) => p.head.ref === head)
      .map((p) => ({
        number: p.number,
        url: p.html_url,
        state: p.state === 'open' ? 'open' : 'closed',
        merged: Boolean(p.merged_at),
        headSha: p.head.sha,
        ...(p.merged_at ? { mergedAt: p.merged_at } : {}),
      }));
  }

  /** Branches named `prefix…`: name → head (one matching-refs request). */
  async branchHeads(prefix: string): Promise<Map<string, string>> {
    try {
      const refs = (
        await this.call('listing branches', (client) => client.rest.git.listMatchingRefs({ ...this.repoParams, ref: `heads/${prefix}` }))
      ).data;
      return new Map(refs.map((r) => [r.ref.replace(/^refs\/heads\//, ''), r.object.sha]));
    } catch (e) {
      if (e instanceof NotFound || e instanceof EmptyRepo) return new Map();
      throw e;
    }
  }

  /** Opens a pull request, or updates the open one from the same branch (title and body). */
  async upsertPullRequest(head: string, title: string, body: string): Promise<{ number: number; url: string; created: boolean }> {
    const open = await this.openPullRequest(head);
    if (open) {
      await this.call('updating the pull request', (client) =>
        client.rest.pulls.update({ ...this.repoParams, pull_number: open.number, title, body }),
      );
      return { ...open, created: false };
    }
    const pr = (
      await this.call('opening the pull request', (client) =>
        client.rest.pulls.create({ ...this.repoParams, head, base: this.options.branch, title, body }),
      )
    ).data;
    return { number: pr.number, url: pr.html_url, created: true };
  }

  /**
   * Merges the open pull request `number` with a merge commit, as the merge button does, only
   * while its head is still `sha` (GitHub's 409 when it moved: a `BranchMovedError`, the caller
   * re-reads). `message` follows GitHub's "Merge pull request #N from …" title. 405 (not
   * mergeable: conflicts, required reviews or checks) is a `RemoteError` with GitHub's reason.
   */
  async mergePullRequest(number: number, sha: string, message: string): Promise<{ sha: string }> {
    try {
      const merged = (
        await this.call('merging the pull request', (client) =>
          client.rest.pulls.merge({
            ...this.repoParams,
            pull_number: number,
            sha,
            merge_method: 'merge',
            commit_message: message,
            // A 409 (the head moved) is an answer, not a failure to retry.
            request: { retries: 0 },
          }),
        )
      ).data;
      return { sha: merged.sha };
    } catch (e) {
      if (e instanceof EmptyRepo) throw new BranchMovedError(this.description, { cause: e });
      throw e;
    }
  }

  /** The branch does not exist yet: a root commit with the whole tree, then the ref. */
  private async commitNewBranch(
    entries: Array<{ path: string; mode: '100644'; type: 'blob'; content?: string; sha?: null }>,
    message: string,
    branch: string,
  ): Promise<CommitResult> {
    const write = entries.filter((e) => e.content !== undefined);
    let tree;
    try {
      tree = (await this.call('writing the tree', (client) => client.rest.git.createTree({ ...this.repoParams, tree: write }))).data;
    } catch (e) {
      if (e instanceof EmptyRepo) {
        throw new RemoteError(
          `${this.description}: the repo has no commit at all; the Git Data API cannot write to an empty repo (push any first commit to it, or delete it and run slipway bootstrap, which creates it with one)`,
        );
      }
      throw e;
    }
    const commit = (
      await this.call('writing the commit', (client) =>
        client.rest.git.createCommit({ ...this.repoParams, message, tree: tree.sha, parents: [] }),
      )
    ).data;
    try {
      await this.call('creating the branch', (client) =>
        client.rest.git.createRef({ ...this.repoParams, ref: `refs/heads/${branch}`, sha: commit.sha }),
      );
    } catch (e) {
      // 422 "Reference already exists": someone created it first.
      if (e instanceof Unprocessable) throw new BranchMovedError(this.description, { cause: e });
      throw e;
    }
    this.trees.set(commit.sha, tree.sha);
    return { sha: commit.sha };
  }

  /** A read-only deploy key for Argo CD; returns the id of the key with this title, creating it if missing. */
  async deployKeys(): Promise<Array<{ id: number; title: string; key: string; read_only: boolean }>> {
    return (await this.call('listing deploy keys', (client) => client.rest.repos.listDeployKeys(this.repoParams))).data.map((k) => ({
      id: k.id,
      title: k.title,
      key: k.key,
      read_only: k.read_only,
    }));
  }

  async addDeployKey(title: string, publicKey: string): Promise<void> {
    await this.call('adding the deploy key', (client) =>
      client.rest.repos.createDeployKey({ ...this.repoParams, title, key: publicKey, read_only: true }),
    );
  }

  async deleteDeployKey(id: number): Promise<void> {
    await this.call('removing a stale deploy key', (client) => client.rest.repos.deleteDeployKey({ ...this.repoParams, key_id: id }));
  }

  /**
   * Protects the branch against force pushes and deletion while still letting slipway's own
   * direct commits through (no required reviews or checks). Returns false when GitHub refuses
   * because the plan cannot protect private repos.
   */
  async protectBranch(): Promise<boolean> {
    try {
      await this.call('protecting the branch', (client) =>
        client.rest.repos.updateBranchProtection({
          ...this.repoParams,
          branch: this.options.branch,
          required_status_checks: null,
          enforce_admins: false,
          required_pull_request_reviews: null,
          restrictions: null,
          allow_force_pushes: false,
          allow_deletions: false,
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof RemoteError && /403/.test(e.message) && /upgrade|pro|public/i.test(String((e.cause as Error)?.message)))
        return false;
      throw e;
    }
  }

  async branchProtected(): Promise<boolean> {
    try {
      await this.call('reading branch protection', (client) =>
        client.rest.repos.getBranchProtection({ ...this.repoParams, branch: this.options.branch }),
      );
      return true;
    } catch (e) {
      if (e instanceof NotFound) return false;
      if (e instanceof RemoteError && /403/.test(e.message)) return false;
      throw e;
    }
  }

  /** Runs one API call, turning GitHub's answers into errors a user can act on (token never included). */
  private async call<T>(what: string, fn: (client: GitHubClient) => Promise<T>): Promise<T> {
    this.client ??= import('./github-client.js').then((m) => m.githubClient(this.options));
    const client = await this.client;
    try {
      return await fn(client);
    } catch (e) {
      if (e instanceof RequestTimeoutError) {
        throw new RemoteUnavailableError(
          `${this.description} did not answer in ${formatSeconds(e.timeoutMs)} (${what}); check the network and the API URL, then run again; SLIPWAY_HTTP_TIMEOUT sets the limit`,
          { cause: e, reason: 'timeout' },
        );
      }
      const status = (e as { status?: number }).status;
      const message = String((e as Error)?.message ?? e)
        .split('\n')[0]!
        .replaceAll(this.options.token, '***');
      const where = `${this.description}: ${what}`;
      if (status === 404) throw new NotFound(`${where}: not found`);
      if (status === 409) throw new EmptyRepo(`${where}: the repo is empty`);
      if (status === 422) throw new Unprocessable(`${where}: ${message}`);
      if (status === 401)
        throw new RemoteAuthError(`${where}: GitHub answered 401: the token (GITHUB_TOKEN or GH_TOKEN) is missing, invalid or expired`, {
          cause: e,
        });
      if (status === 403) {
        throw new RemoteAuthError(
          `${where}: GitHub answered 403: the token may not do this (it needs the repo scope, or Administration and Contents write for a fine-grained token or GitHub App): ${message}`,
          { cause: e },
        );
      }
      // Octokit reports a request that never got an answer (refused, DNS, TLS) as a 500: the cause says which.
      const unreachable = status === undefined || status >= 500 ? networkUnreachable(e) : undefined;
      if (unreachable) {
        const fix =
          unreachable.reason === 'tls'
            ? "check the API URL and the server's certificate (a private CA: NODE_EXTRA_CA_CERTS)"
            : 'check the API URL and the network';
        throw new RemoteUnavailableError(`${where}: GitHub did not answer: ${unreachable.what}; ${fix}, then run again`, {
          cause: e,
          reason: unreachable.reason,
        });
      }
      if (status === undefined || status >= 500) {
        throw new RemoteUnavailableError(
          `${where}: GitHub did not answer (${status ?? message}); nothing was changed by this step, run again`,
          { cause: e, reason: 'server' },
        );
      }
      throw new RemoteError(`${where}: GitHub answered ${status}: ${message}`, { cause: e });
    }
  }
}

class NotFound extends RemoteNotFoundError {}
class EmptyRepo extends RemoteError {}
class Unprocessable extends RemoteError {}

/** Parses `owner/name`. */
export function parseGitHubRepo(location: string): { owner: string; repo: string } {
  const [owner, repo] = location.split('/');
  return { owner: owner!, repo: repo! };
}
