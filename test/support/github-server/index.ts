/**
 * A GitHub-compatible server for tests, so that no test reaches GitHub: the REST endpoints slipway
 * calls, on real bare git repos (every blob, tree, commit and ref the API writes is a git object
 * or ref), plus real git over smart HTTP (`git http-backend`) on the same repos. Octokit talks to
 * it with `baseUrl: server.url`, as to GitHub Enterprise Server, and cannot tell the difference:
 *
 * - authentication as on GitHub (token or Bearer for REST, Basic with the token for git; 401
 *   "Bad credentials" otherwise), GitHub's headers (`x-ratelimit-*`, `x-github-request-id`...);
 * - every JSON answer is checked against GitHub's OpenAPI description (openapi-subset.json): a
 *   mismatch answers 500 and is recorded in `schemaViolations`, so passing tests prove Octokit
 *   got what GitHub would send;
 * - faults on demand (`failNext`): 5xx, primary and secondary rate limits shaped the way
 *   @octokit/plugin-throttling detects them, and requests that never get an answer.
 *
 * Pull requests live in the server's state (pulls.ts); `mergePullRequest` merges one as GitHub's
 * merge button does, for tests of what happens after a human merged.
 *
 * Endpoints live in routes/ (one file per resource); see routes/index.ts to add one.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { GIT_HTTP_PATH, handleGitHttp } from '../git-http-backend.js';
import { ApiError, DOCS, notFound } from './errors.js';
import { findPull, mergePull, type MergeMethod } from './pulls.js';
import { operationKey, Router, type RouteContext } from './router.js';
import { allRoutes } from './routes/index.js';
import { OpenApiSubset } from './schema.js';
import { ServerState, type Account } from './state.js';

export interface GitHubServerOptions {
  /** The token that authenticates as the first of `users` (default login `slipway-bot`). */
  token: string;
  /**
   * Accounts of type User, keyed by a token that authenticates as them (the first one is also
   * the account of `token`). @default { [token]: { login: 'slipway-bot', type: 'User' } }
   */
  users?: Record<string, { login: string; type: 'User' }>;
  /** Organizations repos can be created in (`POST /orgs/{org}/repos`). */
  orgs?: string[];
  /** Branch protection on a private repo answers 403 "Upgrade to GitHub Pro..." (GitHub Free). */
  protectionNeedsPro?: boolean;
  /** Entries above which `GET .../git/trees/{sha}` answers `truncated: true`. @default 100000 */
  treeLimit?: number;
}

type FaultSpec =
  | { status: 500 | 502 | 503 }
  /** `primary`: 403 (or `status` 429) with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`; `secondary`: 403 with `retry-after`. */
  | { rateLimit: 'primary' | 'secondary'; resetInSeconds?: number; status?: 403 | 429 }
  /** Never answer (until `stop`). */
  | { hang: true };

interface FaultMatch {
  method?: string;
  /** Tested against the path (no query). Without it, faults only hit REST requests, not git. */
  path?: RegExp;
}

interface RequestRecord {
  method: string;
  /** Path as requested, without the query string. */
  path: string;
  /** 0 while unanswered (a hung request). */
  status: number;
  /** The parsed JSON request body (REST only). */
  body?: unknown;
}

interface SchemaViolation {
  method: string;
  path: string;
  /** `GET /repos/{owner}/{repo}`, or undefined when no route matched. */
  operation: string | undefined;
  status: number;
  errors: string[];
  body: unknown;
}

export interface StartedGitHubServer {
  /** e.g. http://127.0.0.1:PORT: the REST base URL; git: `${url}/${owner}/${repo}.git`. */
  url: string;
  /** Bare repos: `${reposDir}/${owner}/${repo}.git` (removed by `stop`). */
  reposDir: string;
  /** Every request, in arrival order, for "no API write" assertions. */
  requests: RequestRecord[];
  /** Answers that did not match GitHub's OpenAPI description (each was replaced by a 500). */
  schemaViolations: SchemaViolation[];
  /** Unexpected exceptions in route handlers (each answered 500). */
  serverErrors: string[];
  /** The next `times` requests matching `match` fail with `spec`. */
  failNext(spec: FaultSpec, times?: number, match?: FaultMatch): void;
  /**
   * Test-only: rewrites the JSON body of the next REST answer matching `match` before it is
   * validated (return a new body, or mutate it and return nothing): proves validation works.
   */
  tamperNext(mutate: (body: any) => unknown, match?: FaultMatch): void;
  /**
   * Test-only: merges an open pull request as someone pressing GitHub's merge button (by
   * default a merge commit on the base, parents [base tip, head tip], message "Merge pull request
   * #N from owner/branch\n\n<title>"; the pull becomes closed and merged). Not a request: it
   * is neither logged nor subject to faults, and branch protection does not stop it (an admin).
   * Rejects with the ApiError GitHub would answer (405 not mergeable: closed, draft, conflicts).
   */
  mergePullRequest(owner: string, repo: string, number: number, options?: MergeButtonOptions): Promise<{ sha: string }>;
  stop(): Promise<void>;
}

export interface MergeButtonOptions {
  /** @default 'merge' */
  method?: MergeMethod;
  /** Who presses the button (a configured user's login). @default the first user */
  by?: string;
  commitTitle?: string;
  commitMessage?: string;
}

/** `server.mergePullRequest(...)` as a function. */
export function mergePullRequest(
  server: StartedGitHubServer,
  owner: string,
  repo: string,
  number: number,
  options?: MergeButtonOptions,
): Promise<{ sha: string }> {
  return server.mergePullRequest(owner, repo, number, options);
}

/** Env for git commands that talk to the server: isolated config plus the token as a Basic header. */
export function gitAuthEnv(token: string): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}

interface Fault {
  readonly spec: FaultSpec;
  remaining: number;
  readonly match: FaultMatch | undefined;
}

interface Tamper {
  readonly mutate: (body: any) => unknown;
  readonly match: FaultMatch | undefined;
}

const RATE_LIMIT = 5000;
const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const SECONDARY_DOCS =
  'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';

function requestId(): string {
  const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(3)}:${hex(4)}:${hex(4)}:${hex(4)}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The token in an Authorization header: `token X`, `Bearer X`, or Basic with X as password (or user). */
function tokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  switch (scheme?.toLowerCase()) {
    case 'token':
    case 'bearer':
      return value;
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon === -1) return decoded;
      const user = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      return password && password !== 'x-oauth-basic' ? password : user;
    }
    default:
      return undefined;
  }
}

function matches(match: FaultMatch | undefined, method: string, pathname: string, isGit: boolean): boolean {
  if (match?.method && match.method.toUpperCase() !== method) return false;
  if (match?.path) return match.path.test(pathname);
  return !isGit;
}

export async function startGitHubServer(options: GitHubServerOptions): Promise<StartedGitHubServer> {
  const subset = new OpenApiSubset();
  subset.assertCovers(allRoutes);
  const router = new Router(allRoutes);
  const reposDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-github-'));
  const userEntries = Object.entries(options.users ?? {});
  const first = userEntries[0]?.[1] ?? { login: 'slipway-bot', type: 'User' as const };
  const state = new ServerState({
    reposDir,
    users: [
      { token: options.token, login: first.login, type: 'User' },
      ...userEntries.map(([token, u]) => ({ token, login: u.login, type: u.type })),
    ],
    orgs: options.orgs ?? [],
    protectionNeedsPro: options.protectionNeedsPro ?? false,
    treeLimit: options.treeLimit ?? 100_000,
  });
  const requests: RequestRecord[] = [];
  const schemaViolations: SchemaViolation[] = [];
  const serverErrors: string[] = [];
  const faults: Fault[] = [];
  const tampers: Tamper[] = [];
  const hung = new Set<ServerResponse>();
  const used = new Map<string, number>();
  const resetAt = Math.floor(Date.now() / 1000) + 3600;

  const rateHeaders = (who: Account | undefined): Record<string, string> => {
    const limit = who ? RATE_LIMIT : 60;
    const count = (used.get(who?.login ?? '') ?? 0) + 1;
    used.set(who?.login ?? '', count);
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(limit - count, 0)),
      'x-ratelimit-reset': String(resetAt),
      'x-ratelimit-used': String(count),
      'x-ratelimit-resource': 'core',
    };
  };

  /** Sends a REST answer: validated against the description (500 on a mismatch), with GitHub's headers. */
  const sendJson = (
    res: ServerResponse,
    record: RequestRecord,
    operation: string | undefined,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ) => {
    const check = subset.checkResponse(operation, status, body);
    if (!check.ok) {
      schemaViolations.push({ method: record.method, path: record.path, operation, status, errors: check.errors, body });
      body = {
        message: `The test GitHub server's answer (${status}) does not match GitHub's OpenAPI description of ${operation ?? record.path}`,
        errors: check.errors,
        documentation_url: DOCS,
        status: '500',
      };
      status = 500;
    }
    record.status = status;
    const common: Record<string, string> = {
      server: 'github.com',
      'x-github-request-id': requestId(),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-oauth-scopes': 'repo, admin:public_key, read:org',
      'x-accepted-oauth-scopes': '',
      ...headers,
    };
    if (body === undefined) {
      res.writeHead(status, common).end();
    } else {
      res.writeHead(status, { ...common, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    }
  };

  const takeFault = (method: string, pathname: string, isGit: boolean): FaultSpec | undefined => {
    const index = faults.findIndex((f) => matches(f.match, method, pathname, isGit));
    if (index === -1) return undefined;
    const fault = faults[index]!;
    if (--fault.remaining <= 0) faults.splice(index, 1);
    return fault.spec;
  };

  /** Answers with a fault (or, for a hang, never). */
  const applyFault = (
    spec: FaultSpec,
    res: ServerResponse,
    record: RequestRecord,
    who: Account | undefined,
    operation: string | undefined,
    isGit: boolean,
  ): void => {
    if ('hang' in spec) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    const id = requestId();
    if ('status' in spec && !('rateLimit' in spec)) {
      const message = spec.status === 503 ? 'Service Unavailable' : spec.status === 502 ? 'Server Error' : 'Internal Server Error';
      if (isGit) {
        record.status = spec.status;
        res.writeHead(spec.status, { 'content-type': 'text/plain' }).end(message);
        return;
      }
      sendJson(res, record, operation, spec.status, { message, documentation_url: DOCS, status: String(spec.status) }, rateHeaders(who));
      return;
    }
    const seconds = spec.resetInSeconds ?? 60;
    if (spec.rateLimit === 'primary') {
      const status = spec.status ?? 403;
      const headers = {
        ...rateHeaders(who),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': String(RATE_LIMIT),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + seconds),
      };
      const message = `API rate limit exceeded for user ID ${who?.id ?? 0}. If you reach out to GitHub Support for help, please include the request ID ${id} and timestamp ${new Date()
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')}.`;
      sendJson(res, record, operation, status, { message, documentation_url: RATE_LIMIT_DOCS, status: String(status) }, headers);
    } else {
      const status = spec.status ?? 403;
      const message = `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${id}.`;
      sendJson(
        res,
        record,
        operation,
        status,
        { message, documentation_url: SECONDARY_DOCS, status: String(status) },
        { ...rateHeaders(who), 'retry-after': String(seconds) },
      );
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    const record: RequestRecord = { method, path: pathname, status: 0 };
    requests.push(record);
    const who = state.authenticate(tokenOf(req.headers.authorization) ?? '');
    const gitPath = GIT_HTTP_PATH.exec(pathname);

    if (gitPath) {
      if (!who) {
        record.status = 401;
        res
          .writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify({ message: 'Bad credentials', documentation_url: DOCS, status: '401' }));
        return;
      }
      const fault = takeFault(method, pathname, true);
      if (fault) return applyFault(fault, res, record, who, undefined, true);
      const [owner, name, ...rest] = gitPath[1]!.replace(/^\//, '').split('/');
      const repo = rest.length === 0 && owner && name ? state.findRepo(owner, name.replace(/\.git$/, '')) : undefined;
      if (!repo) {
        record.status = 404;
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found.\n');
        return;
      }
      const pathInfo = `/${path.relative(state.reposDir, repo.gitDir)}/${gitPath[2]}`;
      await handleGitHttp(req, res, { projectRoot: state.reposDir, pathInfo, remoteUser: who.login });
      record.status = res.statusCode;
      return;
    }

    const raw = await readBody(req);
    const found = router.match(method, pathname);
    const operation = found ? operationKey(found.def) : undefined;
    if (!who) {
      const missing = !req.headers.authorization;
      sendJson(
        res,
        record,
        operation,
        401,
        {
          message: missing ? 'Requires authentication' : 'Bad credentials',
          documentation_url: missing ? 'https://docs.github.com/rest/users/users#get-the-authenticated-user' : DOCS,
          status: '401',
        },
        rateHeaders(undefined),
      );
      return;
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        sendJson(
          res,
          record,
          operation,
          400,
          { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' },
          rateHeaders(who),
        );
        return;
      }
      record.body = body;
    }
    const fault = takeFault(method, pathname, false);
    if (fault) return applyFault(fault, res, record, who, operation, false);
    if (!found) {
      sendJson(res, record, undefined, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' }, rateHeaders(who));
      return;
    }
    const docs = subset.operation(operation!)?.docs ?? DOCS;
    let status: number;
    let answer: unknown;
    let headers: Record<string, string> = {};
    try {
      const invalid = subset.checkRequest(operation!, body);
      if (invalid) throw new ApiError(422, `Invalid request.\n\n${invalid.join('\n')}`, docs);
      const ctx: RouteContext = { state, user: who, params: found.params, query: url.searchParams, path: pathname, body, docs };
      const reply = await found.def.handler(ctx);
      ({ status } = reply);
      answer = reply.body;
      headers = { ...reply.headers };
    } catch (e) {
      if (e instanceof ApiError) {
        status = e.status;
        answer = e.body();
        headers = { ...e.headers };
      } else {
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        serverErrors.push(`${method} ${pathname}: ${message}`);
        status = 500;
        answer = {
          message: `Internal error of the test GitHub server: ${e instanceof Error ? e.message : String(e)}`,
          documentation_url: DOCS,
          status: '500',
        };
      }
    }
    const tamper = tampers.findIndex((t) => matches(t.match, method, pathname, false));
    if (tamper !== -1 && answer !== undefined) {
      const [t] = tampers.splice(tamper, 1);
      const copy = structuredClone(answer);
      answer = t!.mutate(copy) ?? copy;
    }
    sendJson(res, record, operation, status, answer, { ...rateHeaders(who), ...headers });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      serverErrors.push(`${req.method} ${req.url}: ${e instanceof Error ? e.stack : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Internal error of the test GitHub server', documentation_url: DOCS }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.url = url;

  return {
    url,
    reposDir,
    requests,
    schemaViolations,
    serverErrors,
    failNext(spec, times = 1, match) {
      faults.push({ spec, remaining: times, match });
    },
    tamperNext(mutate, match) {
      tampers.push({ mutate, match });
    },
    async mergePullRequest(owner, name, number, options = {}) {
      const repo = state.findRepo(owner, name);
      const pr = repo ? await findPull(repo, number) : undefined;
      if (!repo || !pr) throw notFound();
      const by = state.account(options.by ?? first.login);
      if (!by) throw new Error(`mergePullRequest: unknown user ${options.by}`);
      const { sha } = await mergePull(
        state,
        repo,
        pr,
        by,
        {
          method: options.method,
          commitTitle: options.commitTitle,
          commitMessage: options.commitMessage,
        },
        'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
      );
      return { sha };
    },
    async stop() {
      for (const res of hung) res.destroy();
      hung.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      fs.rmSync(reposDir, { recursive: true, force: true });
    },
  };
}
