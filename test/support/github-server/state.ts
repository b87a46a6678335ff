/**
 * What the server knows besides git: accounts, repos' settings (visibility, topics, deploy keys,
 * branch protection). Git content lives only in the bare repos under `reposDir`; a bare repo put
 * there directly (`<reposDir>/<owner>/<name>.git`) is adopted as a private repo on first use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError, notFound } from './errors.js';
import { git, initBare, isoSeconds, writeBlob, writeCommit, writeTreeWithEdits, casRef, type Signature } from './git.js';
import type { PullRequest } from './pulls.js';

export interface Account {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Organization';
  readonly createdAt: string;
}

export interface DeployKey {
  readonly id: number;
  readonly title: string;
  readonly key: string;
  readonly readOnly: boolean;
  readonly createdAt: string;
  readonly addedBy: string;
}

/** Branch protection as stored: the PUT body, normalized. */
export interface Protection {
  readonly requiredStatusChecks: { strict: boolean; contexts: string[]; checks: Array<{ context: string; app_id: number | null }> } | null;
  readonly enforceAdmins: boolean;
  readonly requiredPullRequestReviews: {
    dismiss_stale_reviews: boolean;
    require_code_owner_reviews: boolean;
    required_approving_review_count: number;
    require_last_push_approval: boolean;
  } | null;
  readonly restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  readonly requiredLinearHistory: boolean;
  readonly allowForcePushes: boolean;
  readonly allowDeletions: boolean;
  readonly blockCreations: boolean;
  readonly requiredConversationResolution: boolean;
  readonly lockBranch: boolean;
  readonly allowForkSyncing: boolean;
}

export interface Repo {
  readonly id: number;
  readonly owner: Account;
  readonly name: string;
  readonly gitDir: string;
  private: boolean;
  description: string | null;
  homepage: string | null;
  topics: string[];
  defaultBranch: string;
  readonly createdAt: string;
  updatedAt: string;
  pushedAt: string;
  readonly deployKeys: DeployKey[];
  /** Branch name → protection. */
  readonly protections: Map<string, Protection>;
  /** Pull requests, by number (see pulls.ts). */
  readonly pulls: PullRequest[];
  /** The number the next pull request gets (GitHub numbers issues and pulls from 1). */
  nextNumber: number;
}

export interface ServerStateOptions {
  readonly reposDir: string;
  readonly users: ReadonlyArray<{ token: string; login: string; type: 'User' }>;
  readonly orgs: readonly string[];
  readonly protectionNeedsPro: boolean;
  /** Entries above which `GET .../git/trees` answers `truncated: true`. */
  readonly treeLimit: number;
}

export const now = (): string => isoSeconds(new Date());

/** GitHub's (legacy, still served) global node ids: base64 of `<len>:<Type><id>`. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

export class ServerState {
  /** Set once the server listens. */
  url = '';
  readonly reposDir: string;
  readonly protectionNeedsPro: boolean;
  readonly treeLimit: number;
  private nextIdValue = 1000;
  private readonly accounts = new Map<string, Account>();
  private readonly tokens = new Map<string, Account>();
  private readonly repos = new Map<string, Repo>();

  constructor(options: ServerStateOptions) {
    this.reposDir = options.reposDir;
    this.protectionNeedsPro = options.protectionNeedsPro;
    this.treeLimit = options.treeLimit;
    for (const user of options.users) {
      const account = this.account(user.login) ?? this.addAccount(user.login, 'User');
      this.tokens.set(user.token, account);
    }
    for (const org of options.orgs) if (!this.account(org)) this.addAccount(org, 'Organization');
  }

  nextId(): number {
    return ++this.nextIdValue;
  }

  private addAccount(login: string, type: Account['type']): Account {
    const account: Account = { login, id: this.nextId(), type, createdAt: now() };
    this.accounts.set(login.toLowerCase(), account);
    return account;
  }

  /** An account by login (case-insensitive, as GitHub). */
  account(login: string): Account | undefined {
    return this.accounts.get(login.toLowerCase());
  }

  /**
   * The account GitHub links a commit's author or committer to, from the email: the noreply
   * addresses of accounts (`ID+login@users.noreply.github.com`, `login@users.noreply.github.com`),
   * and `noreply@github.com` (commits GitHub makes itself, e.g. merges): `web-flow`.
   */
  accountByEmail(email: string): Account | undefined {
    const lower = email.toLowerCase();
    if (lower === 'noreply@github.com') return this.webFlow();
    const match = /^(?:(\d+)\+)?([^@+]+)@users\.noreply\.github\.com$/.exec(lower);
    const account = match ? this.account(match[2]!) : undefined;
    return account && (match![1] === undefined || Number(match![1]) === account.id) ? account : undefined;
  }

  /** GitHub's `web-flow` user, committer of what GitHub commits on a user's behalf. */
  webFlow(): Account {
    return this.account('web-flow') ?? this.addAccount('web-flow', 'User');
  }

  /** Who a token authenticates, if anyone. */
  authenticate(token: string): Account | undefined {
    return this.tokens.get(token);
  }

  /** A repo by owner and name (case-insensitive); adopts a bare repo found on disk. */
  findRepo(owner: string, name: string): Repo | undefined {
    const key = `${owner}/${name}`.toLowerCase();
    const known = this.repos.get(key);
    if (known) return known;
    const gitDir = path.join(this.reposDir, owner, `${name}.git`);
    if (!/^[\w.-]+$/.test(owner) || !/^[\w.-]+$/.test(name) || !fs.existsSync(path.join(gitDir, 'HEAD'))) return undefined;
    const account = this.account(owner) ?? this.addAccount(owner, 'User');
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    const repo = this.register(account, name, gitDir, { private: true, description: null });
    repo.defaultBranch = head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : 'main';
    return repo;
  }

  requireRepo(owner: string, name: string, docs?: string): Repo {
    const repo = this.findRepo(owner, name);
    if (!repo) throw notFound(docs);
    return repo;
  }

  private register(
    owner: Account,
    name: string,
    gitDir: string,
    settings: { private: boolean; description: string | null; homepage?: string | null },
  ): Repo {
    const created = now();
    const repo: Repo = {
      id: this.nextId() * 1000 + 7,
      owner,
      name,
      gitDir,
      private: settings.private,
      description: settings.description,
      homepage: settings.homepage ?? null,
      topics: [],
      defaultBranch: 'main',
      createdAt: created,
      updatedAt: created,
      pushedAt: created,
      deployKeys: [],
      protections: new Map(),
      pulls: [],
      nextNumber: 1,
    };
    this.repos.set(`${owner.login}/${name}`.toLowerCase(), repo);
    return repo;
  }

  /**
   * Creates a repo like `POST /user/repos`: a bare repo whose HEAD names `main`; with `autoInit`
   * one commit adding README.md (otherwise the repo stays empty).
   */
  async createRepo(
    owner: Account,
    requested: { name: string; private: boolean; description: string | null; homepage: string | null; autoInit: boolean },
    author: Account,
    docs: string,
  ): Promise<Repo> {
    // GitHub turns what a repo name cannot hold into hyphens ("Team Environment" → "Team-Environment").
    const settings = { ...requested, name: requested.name.trim().replace(/[^\w.-]+/g, '-') };
    if (!settings.name || settings.name === '.' || settings.name === '..') {
      throw new ApiError(422, 'Repository creation failed.', docs, [
        { resource: 'Repository', code: 'custom', field: 'name', message: 'name is invalid' },
      ]);
    }
    if (this.findRepo(owner.login, settings.name)) {
      throw new ApiError(422, 'Repository creation failed.', docs, [
        { resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' },
      ]);
    }
    const gitDir = path.join(this.reposDir, owner.login, `${settings.name}.git`);
    await initBare(gitDir, 'main');
    const repo = this.register(owner, settings.name, gitDir, settings);
    if (settings.autoInit) {
      const readme = `# ${settings.name}\n${settings.description ? `${settings.description}\n` : ''}`;
      const blob = await writeBlob(gitDir, Buffer.from(readme, 'utf8'));
      const tree = await writeTreeWithEdits(gitDir, undefined, [{ path: 'README.md', mode: '100644', sha: blob }]);
      const signature = this.signature(author);
      const commit = await writeCommit(gitDir, tree, [], 'Initial commit', signature, signature);
      await casRef(gitDir, 'refs/heads/main', commit, undefined);
    }
    return repo;
  }

  /** Public and private repos an account owns, for `GET /user`. */
  repoCounts(account: Account): { public: number; private: number } {
    const owned = [...this.repos.values()].filter((r) => r.owner === account);
    return { public: owned.filter((r) => !r.private).length, private: owned.filter((r) => r.private).length };
  }

  /** Whether any repo already has this deploy key (GitHub: "key is already in use"). */
  deployKeyInUse(key: string): boolean {
    return [...this.repos.values()].some((r) => r.deployKeys.some((k) => k.key === key));
  }

  /** The author and committer of commits the API makes for an account (its noreply address). */
  signature(account: Account, date: string = now()): Signature {
    return { name: account.login, email: `${account.id}+${account.login}@users.noreply.github.com`, date };
  }

  /** Marks the repo as pushed to (ref moved through the API). */
  touch(repo: Repo): void {
    repo.pushedAt = now();
    repo.updatedAt = repo.pushedAt;
  }

  /** Disk usage of the repo in KB, as `size`. */
  async sizeKb(repo: Repo): Promise<number> {
    const out = await git(repo.gitDir, ['count-objects', '-v']);
    let kb = 0;
    for (const line of out.split('\n')) {
      const [key, value] = line.split(': ');
      if (key === 'size' || key === 'size-pack') kb += Number(value);
    }
    return kb;
  }
}
