/**
 * A client for the part of the OCI distribution API tracking needs (spec:
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md): list a repository's
 * tags, page by page (`Link: <…>; rel="next"`), and read a tag's manifest digest.
 *
 * - Digest: `HEAD /v2/<name>/manifests/<tag>` accepting the OCI index and Docker manifest list
 *   first, so a multi-platform image's digest is its index's (what `docker pull` and
 *   `skopeo inspect --raw | sha256sum` give), not one platform's; `Docker-Content-Digest` read,
 *   else the manifest fetched and hashed. A GET's body is always hashed and checked against the
 *   header (a registry or proxy that changed the bytes is refused).
 * - Auth: anonymous first; on 401 the `WWW-Authenticate` challenge says how (Docker's token flow,
 *   https://distribution.github.io/distribution/spec/auth/token/: `Bearer realm,service,scope`
 *   → GET the realm, with Basic credentials when there are any → `token`/`access_token`; or
 *   `Basic`), then the request once more. Credentials come from credentials.ts; the token and
 *   the password live in this object and a header only, never in a message.
 * - Failures are one line naming the image: 401/403 after authenticating → RemoteAuthError (exit
 *   1), unknown repository → RemoteNotFoundError (exit 1), refused/DNS/timeout/TLS or 429/5xx
 *   after bounded retries with backoff (honouring `Retry-After`, capped) → RemoteUnavailableError
 *   (exit 4). A tag missing at HEAD/GET is not an error: undefined (deleted since it was listed).
 *
 * Written on Node's own fetch (undici). npm libraries checked, none taken:
 * `@snyk/docker-registry-v2-client` (needle as HTTP client, no Link pagination, no docker config
 * helpers), `docker-registry-client` and `@renovatebot/docker-registry-client` (restify-era, v1
 * API baggage), `oci-registry-client` (0.2, unmaintained): each adds more than these ~250 lines and
 * none covers credHelpers + pagination + index digests together.
 */
import { sha256 } from '../core/sha256.js';
import { RemoteAuthError, RemoteNotFoundError, RemoteUnavailableError, type UnavailableReason } from '../core/env-remote.js';
import { networkUnreachable } from '../core/network-failure.js';
import { registryCredentials, type RegistryCredentials } from './credentials.js';
import { credentialHost, parseImage, type ImageRef } from './image-ref.js';

/** Index types first: the digest of a multi-platform image is its index's. */
const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export interface RegistryClientOptions {
  readonly credentials?: RegistryCredentials;
  /** Per request. @default 20000 */
  readonly timeoutMs?: number;
  /** Attempts for a request answered 429/5xx or cut off, the first included. @default 4 */
  readonly attempts?: number;
  /** The wait before attempt n+1. @default 250 ms × 2^(n-1), capped at 4 s */
  readonly backoffMs?: (attempt: number) => number;
  readonly debug?: (line: string) => void;
}

export interface Manifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly body: Buffer;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TAG_PAGES = 1000;

export class RegistryClient {
  private authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: (attempt: number) => number;

  constructor(
    readonly ref: ImageRef,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? ((n) => Math.min(4000, 250 * 2 ** (n - 1)));
  }

  /** Every tag of the repository, following `Link` pages (`pageSize`: the `n` asked for, the registry may give fewer). */
  async tags(pageSize?: number): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = `${this.ref.endpoint}/v2/${this.ref.repository}/tags/list${pageSize ? `?n=${pageSize}` : ''}`;
    for (let page = 0; url !== undefined; page++) {
      if (page >= MAX_TAG_PAGES)
        throw this.unavailable(`more than ${MAX_TAG_PAGES} pages of tags; the registry's Link headers loop`, 'server');
      const res = await this.request('GET', url, { Accept: 'application/json' });
      if (res.status === 404)
        throw new RemoteNotFoundError(`${this.ref.description}: no such repository in the registry (check the app's image)`);
      await this.expectOk(res, 'listing tags');
      const body = (await res.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      url = nextPage(res.headers.get('link'), url);
    }
    return tags;
  }

  /** The tag's manifest digest (`sha256:…`), or undefined when the tag is not there (any more). */
  async digest(tag: string): Promise<string | undefined> {
    const res = await this.request('HEAD', this.manifestUrl(tag), { Accept: MANIFEST_MEDIA_TYPES.join(', ') });
    if (res.status === 404) return undefined;
    await this.expectOk(res, `reading ${tag}'s digest`);
    const digest = res.headers.get('docker-content-digest');
    if (digest && /^sha256:[a-f0-9]{64}$/.test(digest)) return digest;
    return (await this.manifest(tag))?.digest;
  }

  /** The tag's manifest as the registry stores it (bytes hashed: the digest is checked, not trusted). */
  async manifest(tag: string): Promise<Manifest | undefined> {
    const res = await this.request('GET', this.manifestUrl(tag), { Accept: MANIFEST_MEDIA_TYPES.join(', ') });
    if (res.status === 404) return undefined;
    await this.expectOk(res, `reading ${tag}'s manifest`);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > MAX_MANIFEST_BYTES) throw this.unavailable(`${tag}'s manifest is over ${MAX_MANIFEST_BYTES} bytes`, 'server');
    const digest = `sha256:${sha256(body)}`;
    const said = res.headers.get('docker-content-digest');
    if (said && said !== digest)
      throw new RemoteUnavailableError(
        `${this.ref.description}: ${tag}'s manifest hashes to ${digest}, but the registry says ${said}; refusing it`,
        {
          reason: 'server',
        },
      );
    return { digest, mediaType: res.headers.get('content-type')?.split(';')[0] ?? '', body };
  }

  private manifestUrl(tag: string): string {
    return `${this.ref.endpoint}/v2/${this.ref.repository}/manifests/${encodeURIComponent(tag)}`;
  }

  /** Sends, authenticating once when challenged. */
  private async request(method: string, url: string, headers: Record<string, string>): Promise<Response> {
    let res = await this.send(method, url, headers, this.authorization);
    if (res.status !== 401) return res;
    const challenge = res.headers.get('www-authenticate');
    await res.body?.cancel();
    const authorization = await this.authorize(challenge);
    if (authorization === this.authorization) throw this.refused();
    this.authorization = authorization;
    res = await this.send(method, url, headers, authorization);
    if (res.status === 401) {
      await res.body?.cancel();
      throw this.refused();
    }
    return res;
  }

  /** The Authorization header a challenge asks for. */
  private async authorize(challenge: string | null): Promise<string> {
    const parsed = parseChallenge(challenge ?? '');
    const creds = this.options.credentials;
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    if (parsed?.scheme === 'basic') {
      if (!basic) throw this.needsCredentials();
      return basic;
    }
    if (parsed?.scheme !== 'bearer' || !parsed.params.realm)
      throw new RemoteAuthError(
        `${this.ref.description}: the registry asks for authentication slipway does not speak (${challenge?.split(' ')[0] || 'no challenge'})`,
      );
    const realm = new URL(parsed.params.realm);
    if (parsed.params.service) realm.searchParams.set('service', parsed.params.service);
    realm.searchParams.set('scope', parsed.params.scope ?? `repository:${this.ref.repository}:pull`);
    const res = await this.send('GET', realm.toString(), { Accept: 'application/json' }, basic);
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw creds ? this.refused() : this.needsCredentials();
    }
    await this.expectOk(res, 'getting a token');
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw this.unavailable("the token service's answer has no token", 'server');
    return `Bearer ${token}`;
  }

  /** One request, retried on 429/5xx and cut connections with backoff; refused, DNS and timeouts fail at once. */
  private async send(method: string, url: string, headers: Record<string, string>, authorization: string | undefined): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: { ...headers, ...(authorization ? { Authorization: authorization } : {}), 'User-Agent': 'slipway' },
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'follow',
        });
      } catch (e) {
        const unreachable = networkUnreachable(e);
        // A connection cut mid-way is worth another try; refused, DNS, TLS and timeouts are not.
        if ((unreachable === undefined || unreachable.reason === 'network') && attempt < this.attempts) {
          await this.wait(attempt, undefined, `${method} ${redactUrl(url)}: connection cut`);
          continue;
        }
        throw this.unavailable(
          unreachable?.reason === 'timeout'
            ? `no answer within ${this.timeoutMs} ms`
            : unreachable?.reason === 'refused'
              ? 'connection refused'
              : unreachable?.reason === 'dns'
                ? 'the host name does not resolve'
                : `cannot connect (${unreachable?.what ?? 'network'})`,
          unreachable?.reason ?? 'network',
          e,
        );
      }
      if ((res.status === 429 || res.status >= 500) && attempt < this.attempts) {
        await res.body?.cancel();
        await this.wait(attempt, res.headers.get('retry-after'), `${method} ${redactUrl(url)}: ${res.status}`);
        continue;
      }
      return res;
    }
  }

  private async wait(attempt: number, retryAfter: string | null | undefined, why: string): Promise<void> {
    const asked = retryAfter && /^\d+$/.test(retryAfter) ? Math.min(5000, Number(retryAfter) * 1000) : undefined;
    const ms = asked ?? this.backoffMs(attempt);
    this.options.debug?.(`${this.ref.description}: ${why}; retrying in ${ms} ms (attempt ${attempt + 1}/${this.attempts})`);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  private async expectOk(res: Response, doing: string): Promise<void> {
    if (res.ok) return;
    await res.body?.cancel();
    if (res.status === 403)
      throw new RemoteAuthError(`${this.ref.description}: ${doing}: the registry refused access (403); check the credentials' permissions`);
    if (res.status === 429 || res.status >= 500)
      throw this.unavailable(`${doing}: the registry answered ${res.status} after ${this.attempts} attempts`, 'server');
    throw new RemoteAuthError(`${this.ref.description}: ${doing}: the registry answered ${res.status}`);
  }

  private unavailable(what: string, reason: UnavailableReason, cause?: unknown): RemoteUnavailableError {
    return new RemoteUnavailableError(`${this.ref.description}: ${what} (${this.ref.endpoint}); nothing was written, run again`, {
      reason,
      cause,
    });
  }

  private refused(): RemoteAuthError {
    return new RemoteAuthError(
      `${this.ref.description}: the registry refused the credentials from ${this.options.credentials?.source ?? '(none)'} (401); check them`,
    );
  }

  private needsCredentials(): RemoteAuthError {
    return new RemoteAuthError(
      `${this.ref.description}: the registry needs credentials: set SLIPWAY_REGISTRY_<HOST>_USERNAME/PASSWORD or run docker login (see slipway track --help)`,
    );
  }
}

/** `Bearer realm="…",service="…",scope="…"` → scheme and parameters (RFC 7235 auth-param list). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/([A-Za-z_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    params[p[1]!.toLowerCase()] = (p[2] ?? p[3]!).replace(/\\(.)/g, '$1');
  return { scheme: m[1]!.toLowerCase(), params };
}

/** The next page from a `Link: <url>; rel="next"` header (relative to the current URL), if any. */
export function nextPage(link: string | null, current: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (m) return new URL(m[1]!, current).toString();
  }
  return undefined;
}

/** A URL without user info or query (a token service's query may carry nothing secret, but short is better). */
function redactUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** A client for `image`'s registry (mirror applied), with the credentials found for it. */
export async function registryFor(
  image: string,
  where: string,
  environment: Readonly<Record<string, string | undefined>>,
  options: Omit<RegistryClientOptions, 'credentials'> = {},
): Promise<RegistryClient> {
  const ref = parseImage(image, where, environment);
  const credentials = await registryCredentials(credentialHost(ref), environment);
  return new RegistryClient(ref, { ...options, ...(credentials ? { credentials } : {}) });
}
