/**
 * Whether an error thrown by a request (Node's fetch / undici, possibly wrapped by Octokit, with
 * the system error somewhere down its `cause` chain) means the server could not be reached, and
 * why. One classification for every HTTP client slipway has: GitHub (Octokit), the image
 * registry, the CRD download. The result becomes a `RemoteUnavailableError` (exit 4, run again);
 * "not found" and credentials stay exit 1.
 */
import type { UnavailableReason } from './env-remote.js';

export interface Unreachable {
  readonly reason: Exclude<UnavailableReason, 'contention'>;
  /** What went wrong, for a sentence: `the host name does not resolve (git.example.invalid)`. */
  readonly what: string;
}

const NODE_CODES: ReadonlyArray<readonly [Unreachable['reason'], RegExp]> = [
  ['dns', /^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|EAI_NODATA)$/],
  ['refused', /^ECONNREFUSED$/],
  ['timeout', /^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/],
  ['tls', /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/],
  ['network', /^(ECONNRESET|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_CLOSED)$/],
];

/**
 * Whether an error thrown by a request (Node's fetch / undici, possibly wrapped by Octokit, with
 * the system error somewhere down its `cause` chain) means the server could not be reached.
 */
export function networkUnreachable(error: unknown): Unreachable | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    // AbortSignal.timeout(): the request's own time limit ran out.
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError') return { reason: 'timeout', what: 'no answer in time' };
    const { code, message, hostname } = e as { code?: unknown; message?: unknown; hostname?: unknown };
    if (typeof code === 'string') {
      for (const [reason, pattern] of NODE_CODES) {
        if (!pattern.test(code)) continue;
        const host = typeof hostname === 'string' ? hostname : undefined;
        switch (reason) {
          case 'dns':
            return { reason, what: `the host name does not resolve${host ? ` (${host})` : ''}` };
          case 'refused':
            return { reason, what: 'nothing answers there (connection refused)' };
          case 'timeout':
            return { reason, what: `no answer in time (${code})` };
          case 'tls':
            return { reason, what: `the TLS connection failed (${code})` };
          case 'network':
            return { reason, what: `the network failed (${code})` };
        }
      }
    }
    // undici refuses some ports outright (1, 9, 25, ...): nothing can be reached there.
    if (message === 'bad port') return { reason: 'network', what: 'the port is one fetch refuses to use (bad port)' };
  }
  return undefined;
}
