/**
 * Recognises a remote that could not be reached, where the failure is first seen: in git's (curl's,
 * ssh's) stderr, or in the error Node's fetch throws. The result becomes a
 * `RemoteUnavailableError` (exit 4, run again); "not found" and credentials stay exit 1. The CLI
 * then picks the exit code by error class only, never by message text.
 */
import type { UnavailableReason } from '../core/env-remote.js';

export interface Unreachable {
  readonly reason: Exclude<UnavailableReason, 'contention'>;
  /** What went wrong, for a sentence: `the host name does not resolve (git.example.invalid)`. */
  readonly what: string;
}

/** git / curl / ssh lines, in the order they are tried (the first match wins). */
const GIT_PATTERNS: ReadonlyArray<readonly [Unreachable['reason'], RegExp]> = [
  [
    'dns',
    /Could not resolve (?:host|hostname):? ([^\s:']+)|Could not resolve proxy: ([^\s:']+)|Temporary failure in name resolution|Name or service not known|nodename nor servname provided/i,
  ],
  ['refused', /Couldn't connect to server|Connection refused|Failed to connect to/i],
  [
    'tls',
    /SSL certificate problem[^\n]*|server certificate verification failed[^\n]*|certificate verify failed[^\n]*|SSL_connect[^\n]*|SSL_ERROR[^\n]*|OpenSSL SSL_[^\n]*|gnutls_handshake\(\) failed[^\n]*|schannel:[^\n]*|TLS connect error[^\n]*|no alternative certificate subject name[^\n]*|SSL: certificate subject name[^\n]*/i,
  ],
  [
    'network',
    /Network is unreachable|No route to host|Connection reset by peer|Empty reply from server|Recv failure[^\n]*|Send failure[^\n]*/i,
  ],
  [
    'server',
    /returned error: (5\d\d)\b|\bHTTP (5\d\d)\b|\b(5\d\d) (?:Service Unavailable|Bad Gateway|Internal Server Error|Gateway Time-?out)/i,
  ],
];

/** Whether git's stderr says the remote could not be reached, and why. */
export function gitUnreachable(text: string): Unreachable | undefined {
  for (const [reason, pattern] of GIT_PATTERNS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const captured = m.slice(1).find((g) => g !== undefined);
    switch (reason) {
      case 'dns':
        return { reason, what: `the host name does not resolve${captured ? ` (${captured})` : ''}` };
      case 'refused':
        return { reason, what: 'nothing answers there (connection refused)' };
      case 'tls':
        return { reason, what: `the TLS connection failed (${m[0].trim()})` };
      case 'network':
        return { reason, what: `the network failed (${m[0].trim()})` };
      case 'server':
        return { reason, what: `the server answered ${captured ?? '5xx'}` };
    }
  }
  return undefined;
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
