/**
 * GitHub's representations of accounts, repos and git objects, filled the way github.com fills
 * them (ids, node ids, every `*_url` built from the server's URL, timestamps) so they validate
 * against the OpenAPI description and Octokit users can rely on any field.
 */
import type { CommitObject, RefInfo } from './git.js';
import { nodeId, type Account, type DeployKey, type Protection, type Repo, type ServerState } from './state.js';

export function simpleUser(state: ServerState, account: Account): Record<string, unknown> {
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

export function repoUrls(state: ServerState, repo: Repo): Record<string, string> {
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
    open_issues_count: 0,
    license: null,
    allow_forking: !repo.private,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [...repo.topics],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: 0,
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
    security_and_analysis: repo.private ? null : { secret_scanning: { status: 'enabled' }, secret_scanning_push_protection: { status: 'enabled' } },
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
    ...(p.requiredStatusChecks ? {
      required_status_checks: {
        url: `${url}/required_status_checks`,
        strict: p.requiredStatusChecks.strict,
        contexts: p.requiredStatusChecks.contexts,
        contexts_url: `${url}/required_status_checks/contexts`,
        checks: p.requiredStatusChecks.checks,
      },
    } : {}),
    ...(p.requiredPullRequestReviews ? {
      required_pull_request_reviews: { url: `${url}/required_pull_request_reviews`, ...p.requiredPullRequestReviews },
    } : {}),
    ...(p.restrictions ? {
      restrictions: {
        url: `${url}/restrictions`,
        users_url: `${url}/restrictions/users`,
        teams_url: `${url}/restrictions/teams`,
        apps_url: `${url}/restrictions/apps`,
        users: p.restrictions.users.map((login) => {
          const account = state.account(login);
          return account ? simpleUser(state, account) : undefined;
        }).filter(Boolean),
        teams: [],
        apps: [],
      },
    } : {}),
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
