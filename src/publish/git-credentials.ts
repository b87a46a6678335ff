/**
 * How slipway hands an HTTP token to git, deliberately:
 *
 * - never in argv (`git -c http.extraHeader=...` is visible to every user through `ps` and
 *   `/proc/<pid>/cmdline`),
 * - never in the remote URL (`https://user:token@host/...` ends up in `.git/config`, in
 *   `FETCH_HEAD`, in git's own error messages),
 * - never in `.git/config` (a file on disk, often inside the user's platform checkout).
 *
 * Instead git reads one configuration entry from its environment (git ≥ 2.31):
 * `GIT_CONFIG_COUNT=1`, `GIT_CONFIG_KEY_0=http.extraHeader`,
 * `GIT_CONFIG_VALUE_0=Authorization: Basic base64(<user>:<token>)`. The environment of a process
 * is only readable by its own user (and root), is inherited by the helpers git starts
 * (`git-remote-https`), and disappears with the process. `GIT_TERMINAL_PROMPT=0` makes git fail
 * instead of asking for a username/password on a terminal when the token is missing or wrong.
 *
 * simple-git 4 guards the environment of the git processes it spawns (its `allowEnvironment`
 * plugin and `block-unsafe-operations` plugin, backed by `@simple-git/argv-parser`):
 *
 * - every `GIT_*` variable (plus EDITOR, PAGER, VISUAL, PREFIX, SSH_ASKPASS) is removed from an
 *   inherited environment and makes the task throw when passed through `.env()`, unless its name
 *   is listed in the `allowEnvironment` option;
 * - `GIT_CONFIG_COUNT` / `GIT_CONFIG_PARAMETERS` are additionally a "vulnerability" (category
 *   `allowUnsafeConfigEnvCount`) because config set that way could point git at arbitrary
 *   programs. The keys set through them are still checked against simple-git's block-list
 *   (`core.sshCommand`, `credential.helper`, `url.*.insteadOf`, ...): `http.extraHeader` is not
 *   on it.
 *
 * The same mechanism carries the transfer timeout (`http.lowSpeedLimit` / `http.lowSpeedTime`,
 * `gitTimeoutConfig`): entries follow the token's, `GIT_CONFIG_COUNT` counts them all.
 *
 * So `simpleGitEnvOptions` allows exactly the variable names `gitProcessEnv` produces and enables
 * exactly one unsafe flag, `unsafe.allowUnsafeConfigEnvCount`, and only when config is set that way.
 * Nothing else (no ssh command, askpass, credential helper, config paths, ...) is allowed.
 */
import { Buffer } from 'node:buffer';

/** The user name GitHub (and most forges) accept with a token as the Basic password. */
export const DEFAULT_TOKEN_USER = 'x-access-token';

/** `Authorization` header value for `token`, as git will send it. */
export function basicAuthorization(token: string, user: string = DEFAULT_TOKEN_USER): string {
  return `Basic ${Buffer.from(`${user}:${token}`, 'utf8').toString('base64')}`;
}

/**
 * The environment variables that make git send `token` on every HTTP request, and never prompt.
 * Without a token: only `GIT_TERMINAL_PROMPT=0`.
 */
export function gitAuthEnv(token: string | undefined, user?: string): Record<string, string> {
  return gitConfigEnv(token !== undefined && token !== '' ? [authConfig(token, user)] : []);
}

/** A git configuration entry given through the environment: [key, value]. */
export type GitConfigEntry = readonly [key: string, value: string];

function authConfig(token: string, user: string | undefined): GitConfigEntry {
  return ['http.extraHeader', `Authorization: ${basicAuthorization(token, user || DEFAULT_TOKEN_USER)}`];
}

/**
 * `GIT_TERMINAL_PROMPT=0` plus `entries` as `GIT_CONFIG_COUNT` / `GIT_CONFIG_KEY_<n>` /
 * `GIT_CONFIG_VALUE_<n>` (none of them when there are no entries).
 */
function gitConfigEnv(entries: readonly GitConfigEntry[]): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  if (entries.length === 0) return env;
  env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/**
 * The configuration that bounds how long git waits on a remote that stops sending (or never
 * starts): curl gives up on a transfer slower than 1 byte/s for `seconds` (this covers a server
 * that accepts the connection and never answers). Only http(s) remotes; see git-remote.ts for
 * the process deadline that covers the rest.
 */
export function gitTimeoutConfig(seconds: number): GitConfigEntry[] {
  return [
    ['http.lowSpeedLimit', '1'],
    ['http.lowSpeedTime', String(Math.max(1, Math.round(seconds)))],
  ];
}

/**
 * Variables simple-git refuses to pass explicitly unless allowed (its guard covers every `GIT_*`
 * name plus these). They are dropped from the inherited environment before ours are added, as
 * simple-git would drop them anyway: the git processes see only what `gitProcessEnv` sets.
 */
const GUARDED_NON_GIT = new Set(['editor', 'pager', 'prefix', 'ssh_askpass', 'visual']);

function isGuardedEnvKey(key: string): boolean {
  const k = key.toLowerCase().trim();
  return k.startsWith('git_') || GUARDED_NON_GIT.has(k);
}

/**
 * The complete environment for a git child process (simple-git's `.env()` replaces the
 * environment, it does not extend it): the current one without guarded variables, plus the token
 * (as `gitAuthEnv`) and `config` through the environment, plus `LC_ALL=C` so git's messages are
 * the English ones slipway recognises.
 */
export function gitProcessEnv(token: string | undefined, user?: string, config: readonly GitConfigEntry[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !isGuardedEnvKey(key)) env[key] = value;
  }
  env.LC_ALL = 'C';
  const auth = token !== undefined && token !== '' ? [authConfig(token, user)] : [];
  return { ...env, ...gitConfigEnv([...auth, ...config]) };
}

/**
 * The simple-git options that let `env` through and nothing more: the exact `GIT_*` names it
 * contains, and `allowUnsafeConfigEnvCount` only when it sets config through the environment.
 */
export function simpleGitEnvOptions(env: Record<string, string>): {
  allowEnvironment: string[];
  unsafe: { allowUnsafeConfigEnvCount?: boolean };
} {
  const allowEnvironment = Object.keys(env).filter(isGuardedEnvKey);
  const usesConfigEnv = Object.keys(env).some((k) => k.toUpperCase() === 'GIT_CONFIG_COUNT');
  return { allowEnvironment, unsafe: usesConfigEnv ? { allowUnsafeConfigEnvCount: true } : {} };
}

const BASE64_RUN = /[A-Za-z0-9+/]{8,}={0,2}/g;

/**
 * Replaces every secret in `text` with `***`: the secret itself, its URL-encoded form, and any
 * base64 run that decodes to text containing it (the `Basic base64(user:token)` form, whatever the
 * user name).
 */
export function redact(text: string, secrets: readonly string[]): string {
  const live = secrets.filter((s) => s.length > 0);
  if (live.length === 0 || text.length === 0) return text;
  let out = text;
  for (const secret of live) {
    // The Basic forms first: they are derived from the secret and are precomputable.
    for (const user of [DEFAULT_TOKEN_USER, '']) {
      out = out.split(basicAuthorization(secret, user).slice('Basic '.length)).join('***');
    }
    out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('***');
  }
  return out.replace(BASE64_RUN, (run) => {
    let decoded: string;
    try {
      decoded = Buffer.from(run, 'base64').toString('utf8');
    } catch {
      return run;
    }
    return live.some((s) => decoded.includes(s)) ? '***' : run;
  });
}
