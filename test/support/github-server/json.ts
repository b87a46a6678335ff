/**
 * GitHub's representations of accounts, repos and git objects, filled the way github.com fills
 * them (ids, node ids, every `*_url` built from the server's URL, timestamps) so they validate
 * against the OpenAPI description and Octokit users can rely on any field.
 */
import type { CommitObject, FileChange, RefInfo, Signature } from './git.js';
import type { PullRequest } from './pulls.js';
import { nodeId, type Account, type DeployKey, type Protection, type Repo, type ServerState } from './state.js';

function simpleUser(state: ServerState, account: Account): Record<string, unknown> {
  const api = `${state.url}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `${state.url}/avatars/u/${account.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${state.url}/${account.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** `GET /user`: the "Private User" representation. */
export function privateUser(state: ServerState, account: Account, repoCount: { public: number; private: number }): Record<string, unknown> {
  return {
    ...simpleUser(state, account),
    user_view_type: 'private',
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    notification_email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: repoCount.public,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: account.createdAt,
    updated_at: account.createdAt,
    private_gists: 0,
    total_private_repos: repoCount.private,
    owned_private_repos: repoCount.private,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}

function repoUrls(state: ServerState, repo: Repo): Record<string, string> {
  const fullName = `${repo.owner.login}/${repo.name}`;
  const api = `${state.url}/repos/${fullName}`;
  const host = new URL(state.url).host;
  return {
    html_url: `${state.url}/${fullName}`,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    git_url: `git://${host}/${fullName}.git`,
    ssh_url: `git@${host}:${fullName}.git`,
    clone_url: `${state.url}/${fullName}.git`,
    svn_url: `${state.url}/${fullName}`,
  };
}

/** GitHub counts open pull requests as open issues. */
function openIssues(repo: Repo): number {
  return repo.pulls.filter((p) => p.state === 'open').length;
}

/** The "Full Repository" representation (`GET /repos/{owner}/{repo}`, repo creation). */
export function fullRepository(state: ServerState, repo: Repo, sizeKb: number): Record<string, unknown> {
  const owner = simpleUser(state, repo.owner);
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: `${repo.owner.login}/${repo.name}`,
    private: repo.private,
    owner,
    description: repo.description,
    fork: false,
    ...repoUrls(state, repo),
    homepage: repo.homepage,
    size: sizeKb,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: !repo.private,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues(repo),
    license: null,
    allow_forking: !repo.private,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [...repo.topics],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: openIssues(repo),
    watchers: 0,
    default_branch: repo.defaultBranch,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    temp_clone_token: repo.private ? '' : null,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_title: 'COMMIT_OR_PR_TITLE',
    squash_merge_commit_message: 'COMMIT_MESSAGES',
    merge_commit_title: 'MERGE_MESSAGE',
    merge_commit_message: 'PR_TITLE',
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
    ...(repo.owner.type === 'Organization' ? { organization: owner } : {}),
    network_count: 0,
    subscribers_count: 1,
    security_and_analysis: repo.private
      ? null
      : { secret_scanning: { status: 'enabled' }, secret_scanning_push_protection: { status: 'enabled' } },
  };
}

export function deployKey(state: ServerState, repo: Repo, key: DeployKey): Record<string, unknown> {
  return {
    id: key.id,
    key: key.key,
    url: `${state.url}/repos/${repo.owner.login}/${repo.name}/keys/${key.id}`,
    title: key.title,
    verified: true,
    created_at: key.createdAt,
    read_only: key.readOnly,
    added_by: key.addedBy,
    last_used: null,
    enabled: true,
  };
}

function gitApi(state: ServerState, repo: Repo): string {
  return `${state.url}/repos/${repo.owner.login}/${repo.name}/git`;
}

export function gitRef(state: ServerState, repo: Repo, ref: RefInfo): Record<string, unknown> {
  const api = gitApi(state, repo);
  const kind = ref.type === 'tag' ? 'tags' : ref.type === 'tree' ? 'trees' : ref.type === 'blob' ? 'blobs' : 'commits';
  return {
    ref: ref.ref,
    node_id: nodeId('Ref', `${repo.id}:${ref.ref}`),
    url: `${api}/${ref.ref}`,
    object: { sha: ref.sha, type: ref.type, url: `${api}/${kind}/${ref.sha}` },
  };
}

/** The "Git Commit" representation of the Git Data API. */
export function gitCommit(state: ServerState, repo: Repo, commit: CommitObject): Record<string, unknown> {
  const api = gitApi(state, repo);
  const html = `${state.url}/${repo.owner.login}/${repo.name}/commit`;
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', `${repo.id}:${commit.sha}`),
    url: `${api}/commits/${commit.sha}`,
    html_url: `${html}/${commit.sha}`,
    author: { ...commit.author },
    committer: { ...commit.committer },
    tree: { sha: commit.tree, url: `${api}/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${html}/${sha}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

export function gitUrls(state: ServerState, repo: Repo) {
  const api = gitApi(state, repo);
  return {
    blob: (sha: string) => `${api}/blobs/${sha}`,
    tree: (sha: string) => `${api}/trees/${sha}`,
    commit: (sha: string) => `${api}/commits/${sha}`,
  };
}

/** The "Protected Branch" representation of stored protection settings. */
export function protectedBranch(state: ServerState, repo: Repo, branch: string, p: Protection): Record<string, unknown> {
  const url = `${state.url}/repos/${repo.owner.login}/${repo.name}/branches/${encodeURIComponent(branch)}/protection`;
  return {
    url,
    ...(p.requiredStatusChecks
      ? {
          required_status_checks: {
            url: `${url}/required_status_checks`,
            strict: p.requiredStatusChecks.strict,
            contexts: p.requiredStatusChecks.contexts,
            contexts_url: `${url}/required_status_checks/contexts`,
            checks: p.requiredStatusChecks.checks,
          },
        }
      : {}),
    ...(p.requiredPullRequestReviews
      ? {
          required_pull_request_reviews: { url: `${url}/required_pull_request_reviews`, ...p.requiredPullRequestReviews },
        }
      : {}),
    ...(p.restrictions
      ? {
          restrictions: {
            url: `${url}/restrictions`,
            users_url: `${url}/restrictions/users`,
            teams_url: `${url}/restrictions/teams`,
            apps_url: `${url}/restrictions/apps`,
            users: p.restrictions.users
              .map((login) => {
                const account = state.account(login);
                return account ? simpleUser(state, account) : undefined;
              })
              .filter(Boolean),
            teams: [],
            apps: [],
          },
        }
      : {}),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
    required_linear_history: { enabled: p.requiredLinearHistory },
    allow_force_pushes: { enabled: p.allowForcePushes },
    allow_deletions: { enabled: p.allowDeletions },
    block_creations: { enabled: p.blockCreations },
    required_conversation_resolution: { enabled: p.requiredConversationResolution },
    lock_branch: { enabled: p.lockBranch },
    allow_fork_syncing: { enabled: p.allowForkSyncing },
  };
}

/** The "Repository" representation (a pull request's `head.repo` and `base.repo`). */
function repository(state: ServerState, repo: Repo, sizeKb: number): Record<string, unknown> {
  const {
    network_count: _n,
    subscribers_count: _s,
    organization: _o,
    security_and_analysis: _a,
    ...rest
  } = fullRepository(state, repo, sizeKb);
  return rest;
}

/** The account GitHub links a commit signature to (by email), as a Simple User, or null. */
function commitUser(state: ServerState, signature: Signature): Record<string, unknown> | null {
  const account = state.accountByEmail(signature.email);
  return account ? simpleUser(state, account) : null;
}

/**
 * The "Commit" representation of `GET /repos/{owner}/{repo}/commits[/{ref}]`; with `files` (the
 * single-commit answer), `stats` and `files` too (changes against the first parent).
 */
export function commit(state: ServerState, repo: Repo, c: CommitObject, files?: readonly FileChange[]): Record<string, unknown> {
  const api = `${state.url}/repos/${repo.owner.login}/${repo.name}`;
  const web = `${state.url}/${repo.owner.login}/${repo.name}`;
  const contents = (file: string, ref: string) => `${api}/contents/${file.split('/').map(encodeURIComponent).join('/')}?ref=${ref}`;
  return {
    sha: c.sha,
    node_id: nodeId('Commit', `${repo.id}:${c.sha}`),
    commit: {
      author: { ...c.author },
      committer: { ...c.committer },
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    author: commitUser(state, c.author),
    committer: commitUser(state, c.committer),
    parents: c.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${web}/commit/${sha}` })),
    ...(files
      ? {
          stats: {
            total: files.reduce((n, f) => n + f.additions + f.deletions, 0),
            additions: files.reduce((n, f) => n + f.additions, 0),
            deletions: files.reduce((n, f) => n + f.deletions, 0),
          },
          files: files.map((f) => ({
            sha: f.sha,
            filename: f.path,
            status: f.status,
            additions: f.additions,
            deletions: f.deletions,
            changes: f.additions + f.deletions,
            blob_url: `${web}/blob/${c.sha}/${f.path}`,
            raw_url: `${web}/raw/${c.sha}/${f.path}`,
            contents_url: contents(f.path, c.sha),
            ...(f.previousPath !== undefined ? { previous_filename: f.previousPath } : {}),
          })),
        }
      : {}),
  };
}

/** What a pull request's full representation adds to the list's ("Pull Request Simple"). */
export interface PullDetails {
  /** null while GitHub has not computed it (right after creation, and for closed pulls). */
  readonly mergeable: boolean | null;
  readonly mergeableState: 'clean' | 'dirty' | 'blocked' | 'draft' | 'unknown';
  readonly commits: number;
  readonly additions: number;
  readonly deletions: number;
  readonly changedFiles: number;
}

/**
 * A pull request: "Pull Request Simple" (lists) without `details`, "Pull Request" with them.
 * Forks do not exist here: head and base are branches of the same repo.
 */
export function pullRequest(
  state: ServerState,
  repo: Repo,
  pr: PullRequest,
  sizeKb: number,
  details?: PullDetails,
): Record<string, unknown> {
  const api = `${state.url}/repos/${repo.owner.login}/${repo.name}`;
  const web = `${state.url}/${repo.owner.login}/${repo.name}`;
  const url = `${api}/pulls/${pr.number}`;
  const owner = simpleUser(state, repo.owner);
  const repoJson = repository(state, repo, sizeKb);
  const branch = (ref: string, sha: string) => ({ label: `${repo.owner.login}:${ref}`, ref, sha, user: owner, repo: repoJson });
  const association = pr.user === repo.owner ? 'OWNER' : repo.owner.type === 'Organization' ? 'MEMBER' : 'COLLABORATOR';
  return {
    url,
    id: pr.id,
    node_id: nodeId('PullRequest', pr.id),
    html_url: `${web}/pull/${pr.number}`,
    diff_url: `${web}/pull/${pr.number}.diff`,
    patch_url: `${web}/pull/${pr.number}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: simpleUser(state, pr.user),
    body: pr.body,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: pr.draft,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    head: branch(pr.head, pr.headSha),
    base: branch(pr.base, pr.baseSha),
    _links: {
      self: { href: url },
      html: { href: `${web}/pull/${pr.number}` },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: association,
    auto_merge: null,
    active_lock_reason: null,
    ...(details
      ? {
          merged: pr.mergedAt !== null,
          mergeable: details.mergeable,
          rebaseable: details.mergeable,
          mergeable_state: details.mergeableState,
          merged_by: pr.mergedBy ? simpleUser(state, pr.mergedBy) : null,
          comments: 0,
          review_comments: 0,
          maintainer_can_modify: false,
          commits: details.commits,
          additions: details.additions,
          deletions: details.deletions,
          changed_files: details.changedFiles,
        }
      : {}),
  };
}
