/**
 * Real git over smart HTTP for the test servers: one request handed to `git http-backend` (the
 * CGI program git itself ships), on bare repos under a folder. Used by the plain git server and
 * by the GitHub-compatible server alike.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface GitHttpOptions {
  /** Folder holding the bare repos (`<root>/<owner>/<name>.git` or any layout under it). */
  readonly projectRoot: string;
  /** Path of the request below the root, e.g. `/owner/name.git/info/refs`. */
  readonly pathInfo: string;
  /** Who pushes (git http-backend refuses pushes without REMOTE_USER unless told otherwise). */
  readonly remoteUser: string;
}

/** Paths git's smart HTTP protocol uses; anything else is not a git request. */
export const GIT_HTTP_PATH = /^(.*\.git)\/(info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*)$/;

/** Serves one smart HTTP request with `git http-backend`; resolves when the response is sent. */
export function handleGitHttp(req: IncomingMessage, res: ServerResponse, options: GitHttpOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    // Let the backend accept pushes from the authenticated user.
    REMOTE_USER: options.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    PATH_INFO: options.pathInfo,
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
    HOME: options.projectRoot,
  };
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    let headerDone = false;
    let buffer = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      headerDone = true;
      let status = 200;
      for (const line of buffer.subarray(0, end).toString('utf8').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon === -1) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(buffer.subarray(end + 4));
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!headerDone) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`git http-backend failed (${code}): ${stderr}`);
      } else {
        res.end();
      }
      resolve();
    });
  });
}
