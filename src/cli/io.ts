/**
 * How the CLI talks: results on stdout (or one JSON document with --json), progress and
 * problems on stderr, colours only on a TTY and never with NO_COLOR, and every line passed
 * through redaction so a token can never be printed.
 */
import { ConfigError } from '../load/config-error.js';
import { RemoteError, RemoteUnavailableError } from '../publish/env-remote.js';
import { redact } from '../publish/git-credentials.js';

export interface Io {
  readonly color: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** A result line (stdout). Suppressed with --json. */
  out(text: string): void;
  /** Progress on stderr; hidden with --quiet. */
  progress(line: string): void;
  /** Detail on stderr, only with --verbose. */
  debug(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  /** The --json document (stdout). */
  emitJson(value: unknown): void;
}

export interface IoOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  readonly color?: boolean;
  /** Values never to print (tokens). */
  readonly secrets?: readonly string[];
}

export const EXIT = { ok: 0, userError: 1, changesPending: 2, internal: 3, remote: 4 } as const;

export function createIo(options: IoOptions = {}): Io {
  const secrets = options.secrets ?? [];
  const color = options.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const write = (stream: NodeJS.WriteStream, text: string) => stream.write(redact(text, secrets));
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    color,
    json: options.json ?? false,
    quiet: options.quiet ?? false,
    verbose: options.verbose ?? false,
    out: (text) => { if (!options.json) write(process.stdout, text.endsWith('\n') ? text : text + '\n'); },
    progress: (line) => { if (!options.quiet) write(process.stderr, `${paint('2', '→')} ${line}\n`); },
    debug: (line) => { if (options.verbose) write(process.stderr, `${paint('2', line)}\n`); },
    warn: (line) => write(process.stderr, `${paint('33', 'warning:')} ${line}\n`),
    error: (line) => write(process.stderr, `${paint('31', 'error:')} ${line}\n`),
    emitJson: (value) => write(process.stdout, JSON.stringify(value, null, 2) + '\n'),
  };
}

/** Reports an error the way its kind deserves and returns the exit code. */
export function reportError(error: unknown, io: Io): number {
  if (error instanceof ConfigError) {
    for (const p of error.problems) io.error(p);
    return EXIT.userError;
  }
  if (error instanceof RemoteUnavailableError) {
    io.error(error.message);
    return EXIT.remote;
  }
  if (error instanceof RemoteError) {
    io.error(error.message);
    return /unreachable|did not answer|kept moving|timed out/i.test(error.message) ? EXIT.remote : EXIT.userError;
  }
  io.error(`internal error: ${(error as Error)?.stack ?? String(error)}`);
  return EXIT.internal;
}
