/**
 * Recognises a remote that could not be reached in git's (curl's, ssh's) stderr; the error Node's
 * fetch throws is src/core/network-failure.ts's. The result becomes a
 * `RemoteUnavailableError` (exit 4, run again); "not found" and credentials stay exit 1. The CLI
 * then picks the exit code by error class only, never by message text.
 */
import type { Unreachable } from '../core/network-failure.js';

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
