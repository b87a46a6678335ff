/**
 * A real git server for tests: smart HTTP on 127.0.0.1 (a random port), served by
 * `git http-backend` over bare repos in a temporary folder, behind HTTP authentication like a
 * forge: `Authorization: Basic` with the token as password (any user name, or exactly `username`
 * when given) or `Authorization: Bearer <token>`; anything else gets 401 with
 * `WWW-Authenticate: Basic realm="git"`.
 *
 * Every request is recorded (method, path with query, status, Authorization header) so tests can
 * assert that the token was sent; `rejectPushes(n)` answers the next n pushes' receive-pack POST
 * with 503, for fault tests.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { GIT_HTTP_PATH, handleGitHttp } from './git-http-backend.js';

interface GitServerRequest {
  method: string;
  path: string;
  status: number;
  authorization?: string;
}

export interface StartedGitServer {
  /** `http://127.0.0.1:PORT`; repos at `${url}/<name>.git`. */
  url: string;
  /** Folder of bare repos `<root>/<name>.git`. */
  root: string;
  /** `git init --bare` (default branch main); returns its path. */
  createBareRepo(name: string): string;
  requests: GitServerRequest[];
  /** Answers the next `times` pushes' receive-pack with 503. */
  rejectPushes(times: number): void;
  stop(): Promise<void>;
}

/** The authenticated user name, or undefined when the request must be refused. */
function authenticate(header: string | undefined, token: string, username: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1] === token ? (username ?? 'token') : undefined;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic || basic[1] === undefined) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (password !== token) return undefined;
  if (username !== undefined && user !== username) return undefined;
  return user || 'token';
}

export async function startGitServer(options: { token: string; username?: string }): Promise<StartedGitServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-git-server-'));
  const requests: GitServerRequest[] = [];
  let pushesToReject = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorization = req.headers.authorization;
    const record: GitServerRequest = {
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      status: 0,
      ...(authorization !== undefined ? { authorization } : {}),
    };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const refuse = (status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void => {
      req.resume(); // drain the body so the client sees the answer
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(`${text}\n`);
    };

    const match = GIT_HTTP_PATH.exec(url.pathname);
    if (!match) return refuse(404, 'Not Found');
    const user = authenticate(authorization, options.token, options.username);
    if (user === undefined) return refuse(401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="git"' });
    if (match[2] === 'git-receive-pack' && req.method === 'POST' && pushesToReject > 0) {
      pushesToReject--;
      return refuse(503, 'Service Unavailable (rejectPushes)');
    }
    handleGitHttp(req, res, { projectRoot: root, pathInfo: url.pathname, remoteUser: user }).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    root,
    requests,
    createBareRepo(name: string): string {
      const repo = path.join(root, `${name}.git`);
      fs.mkdirSync(path.dirname(repo), { recursive: true });
      execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', repo], { stdio: 'pipe' });
      return repo;
    },
    rejectPushes(times: number): void {
      pushesToReject = times;
    },
    async stop(): Promise<void> {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
