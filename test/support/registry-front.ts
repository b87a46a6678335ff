/**
 * A loopback HTTP front for the real test registry, for what the distribution v2.8 server from the
 * OS packages does not do itself: tag-list pagination (it ignores `n`; the spec's `n`/`last` and
 * `Link: <…>; rel="next"` are applied here to the real server's list), a Docker-style token
 * service (`WWW-Authenticate: Bearer realm=…`, a token for Basic credentials), and answers of
 * 503/429 for the first `failFirst` requests. Everything else is the real registry's answer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FrontOptions {
  /** Page size applied to tags/list when the client gives none. */
  readonly pageSize?: number;
  /** Require a bearer token got from /token with these Basic credentials. */
  readonly bearer?: { readonly username: string; readonly password: string };
  /** Answer this status to the first `count` requests. */
  readonly fail?: { readonly status: number; readonly count: number };
}

export interface Front {
  readonly host: string;
  /** Request paths seen, in order. */
  readonly seen: string[];
  stop(): Promise<void>;
}

export async function startFront(upstream: string, options: FrontOptions = {}): Promise<Front> {
  const seen: string[] = [];
  const token = 'test-token-8f3a';
  let failures = 0;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, `http://${req.headers.host}`);
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    if (options.fail && failures < options.fail.count) {
      failures++;
      res.writeHead(options.fail.status, { 'Retry-After': '0' }).end();
      return;
    }
    if (options.bearer) {
      if (url.pathname === '/token') {
        const expected = `Basic ${Buffer.from(`${options.bearer.username}:${options.bearer.password}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return void res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return void res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ token, scope: url.searchParams.get('scope') }));
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        const realm = `http://${req.headers.host}/token`;
        return void res
          .writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realm}",service="test-registry",scope="repository:x:pull"` })
          .end();
      }
    }
    const tagsList = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    const upstreamRes = await fetch(`http://${upstream}${url.pathname}`, {
      method: req.method,
      headers: { ...(req.headers.accept ? { Accept: req.headers.accept } : {}) },
    });
    if (tagsList && upstreamRes.ok) {
      const body = (await upstreamRes.json()) as { name: string; tags: string[] };
      const n = Number(url.searchParams.get('n') ?? options.pageSize ?? 0) || body.tags.length;
      const sorted = [...body.tags].sort();
      const last = url.searchParams.get('last');
      const rest = last === null ? sorted : sorted.filter((t) => t > last);
      const page = rest.slice(0, n);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (rest.length > n)
        headers.Link = `</v2/${tagsList[1]}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify({ name: body.name, tags: page }));
      return;
    }
    const headers: Record<string, string> = {};
    upstreamRes.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') headers[k] = v;
    });
    const bytes = Buffer.from(await upstreamRes.arrayBuffer());
    res.writeHead(upstreamRes.status, headers).end(req.method === 'HEAD' ? undefined : bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
