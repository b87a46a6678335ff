/**
 * How the CLI talks: results on stdout (or one JSON document with --json), progress and
 * problems on stderr, colours only on a TTY and never with NO_COLOR, and every line passed
 * through redaction so a token can never be printed.
 *
 * Errors: one line each on stderr (slipway's sentence with the fix; what git or the server said
 * only with --verbose), and with --json also one document on stdout,
 * `{"command", "ok": false, "exitCode", "error": {"code", "message", "file"?, "line"?, "field"?}, "errors": [...]}`.
 * The exit code comes from the error's class (see `exitCodeFor`), never from its message.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../core/config-error.js';
import { BranchMovedError, RemoteAuthError, RemoteError, RemoteNotFoundError, RemoteUnavailableError } from '../core/env-remote.js';
import { EnvFailuresError, type EnvFailure } from '../publish/for-each-env.js';
import { redact } from '../publish/git-credentials.js';
import { PlanStaleError } from '../plan/saved-plan.js';
import { jsonEnvelope, type JsonError } from './json.js';

export interface Io {
  readonly color: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** The command running (`plan`, `synth`...): the JSON envelope's `command`. */
  readonly command: string;
  /** A result line (stdout). Suppressed with --json. */
  out(text: string): void;
  /** Progress on stderr; hidden with --quiet. */
  progress(line: string): void;
  /** Detail on stderr, only with --verbose. */
  debug(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  /**
   * The --json document (stdout): `{ "command": io.command, "ok": true, ...body }` (body may set
   * `ok`). At most one document per run.
   */
  emitJson(body: object): void;
  /** Writes `document` as the run's one JSON document, as is (the envelope helpers use it). */
  writeJson(document: unknown): void;
  /** Whether the run's JSON document was written already. */
  readonly jsonWritten: boolean;
}

export interface IoOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  readonly color?: boolean;
  /** @default 'slipway' */
  readonly command?: string;
  /** Values never to print (tokens). */
  readonly secrets?: readonly string[];
}

export const EXIT = { ok: 0, userError: 1, changesPending: 2, internal: 3, remote: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function createIo(options: IoOptions = {}): Io {
  const secrets = options.secrets ?? [];
  const color = options.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const write = (stream: NodeJS.WriteStream, text: string) => stream.write(redact(text, secrets));
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  let jsonWritten = false;
  const io: Io = {
    color,
    json: options.json ?? false,
    quiet: options.quiet ?? false,
    verbose: options.verbose ?? false,
    command: options.command ?? 'slipway',
    out: (text) => {
      if (!options.json) write(process.stdout, text.endsWith('\n') ? text : text + '\n');
    },
    progress: (line) => {
      if (!options.quiet) write(process.stderr, `${paint('2', '→')} ${line}\n`);
    },
    debug: (line) => {
      if (options.verbose) write(process.stderr, `${paint('2', line)}\n`);
    },
    warn: (line) => write(process.stderr, `${paint('33', 'warning:')} ${line}\n`),
    error: (line) => write(process.stderr, `${paint('31', 'error:')} ${line}\n`),
    emitJson: (body) => io.writeJson(jsonEnvelope(io.command, body as Record<string, unknown>)),
    writeJson: (document) => {
      if (jsonWritten) throw new Error('a second JSON document in one run');
      jsonWritten = true;
      write(process.stdout, JSON.stringify(document, null, 2) + '\n');
    },
    get jsonWritten() {
      return jsonWritten;
    },
  };
  return io;
}

/** Node's errors about files the user named or the machine's state: the user's to fix. */
const SYSTEM_USER_ERRORS = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EMFILE', 'EDQUOT']);

/** The exit code an error means, by its class: see README "Exit codes". */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof EnvFailuresError) return worstExitCode(error.failures.map((f) => exitCodeFor(f.error)));
  if (error instanceof ConfigError || error instanceof PlanStaleError) return EXIT.userError;
  if (error instanceof RemoteUnavailableError) return EXIT.remote;
  if (error instanceof RemoteError) return EXIT.userError;
  // Escaped every retry loop: someone else is writing the env repo right now; run again.
  if (error instanceof BranchMovedError) return EXIT.remote;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.userError;
  if (systemErrorCode(error) !== undefined) return EXIT.userError;
  return EXIT.internal;
}

/**
 * The exit code of a run that ended several ways (envs over which a command went): a bug (3)
 * over something to fix (1) over a remote to retry (4) over changes pending (2) over done (0).
 */
export function worstExitCode(codes: readonly number[]): ExitCode {
  for (const code of [EXIT.internal, EXIT.userError, EXIT.remote, EXIT.changesPending] as const) if (codes.includes(code)) return code;
  return EXIT.ok;
}

/** A stable machine-readable name for the error's class: the JSON `error.code`. */
export function errorCode(error: unknown): string {
  if (error instanceof ConfigError) return 'invalid_input';
  if (error instanceof PlanStaleError) return 'plan_stale';
  if (error instanceof RemoteUnavailableError) return 'remote_unavailable';
  if (error instanceof RemoteNotFoundError) return 'remote_not_found';
  if (error instanceof RemoteAuthError) return 'remote_auth';
  if (error instanceof RemoteError) return 'remote_error';
  if (error instanceof BranchMovedError) return 'branch_moved';
  if (error instanceof CommanderError) return 'usage';
  if (systemErrorCode(error) !== undefined) return 'file_system';
  return 'internal';
}

function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && SYSTEM_USER_ERRORS.has(code) ? code : undefined;
}

/** `envs/x.yaml:12: apps.web.tag: required` → file, line, field; anything else: the message alone. */
export function problemParts(line: string): { file?: string; line?: number; column?: number; field?: string } {
  const m = /^((?:envs|charts-src|out)\/[^\s:]+|package\.json|[^\s:]+\.(?:ya?ml|json|ts|js|mjs))(?::(\d+)(?::(\d+))?)?: (.*)$/s.exec(line);
  if (!m) return {};
  const rest = /^([A-Za-z0-9_$-]+(?:(?:\.[A-Za-z0-9_$-]+)|(?:\[\d+\]))*): ./s.exec(m[4]!);
  return {
    file: m[1],
    ...(m[2] === undefined ? {} : { line: Number(m[2]) }),
    ...(m[3] === undefined ? {} : { column: Number(m[3]) }),
    ...(rest ? { field: rest[1] } : {}),
  };
}

/** The error as lines (one per problem or env) and as JSON errors, with its exit code. */
function describe(error: unknown, env?: string): Array<{ line: string; json: JsonError; detail?: string; stack?: string }> {
  if (error instanceof EnvFailuresError) {
    return error.failures.flatMap((f: EnvFailure) => describe(f.error, f.env));
  }
  // Lines that name their env themselves (PlanStaleError, `envs/<env>.yaml: ...`) get no second prefix.
  const named = (line: string) => env === undefined || line.startsWith(`${env}: `) || line.startsWith(`envs/${env}.`);
  const prefixed = (line: string) => (named(line) ? line : `${env}: ${line}`);
  const code = errorCode(error);
  const exitCode = exitCodeFor(error);
  const at = env === undefined ? {} : { env };
  if (error instanceof ConfigError) {
    return error.problems.map((p) => ({ line: prefixed(p), json: { code, message: p, exitCode, ...at, ...problemParts(p) } }));
  }
  if (error instanceof CommanderError) {
    const message = error.message.replace(/^error:\s*/, '').trim();
    return [{ line: message, json: { code, message, exitCode } }];
  }
  const message = oneLine((error as Error)?.message ?? String(error));
  if (exitCode === EXIT.internal) {
    const stack = (error as Error)?.stack ?? String(error);
    return [
      {
        line: prefixed(`internal error: ${message} (a bug in slipway: please report it; --verbose shows where)`),
        json: { code, message, exitCode, ...at },
        stack,
      },
    ];
  }
  // What git or the server said, and any further lines of the message: with --verbose.
  const rest = ((error as Error)?.message ?? '')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '');
  const detail = [error instanceof RemoteError ? error.detail : undefined, ...rest].filter(Boolean).join('\n') || undefined;
  return [{ line: prefixed(message), json: { code, message, exitCode, ...at }, detail }];
}

/** The first line of a message; what follows is detail, shown with --verbose. */
function oneLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/**
 * Reports an error the way its kind deserves and returns the exit code: one `error:` line per
 * problem on stderr (git's or the server's own words, and stacks, only with --verbose), and with
 * --json the error document on stdout.
 */
export function reportError(error: unknown, io: Io, body: Record<string, unknown> = {}): number {
  const code = reportLines(error, io);
  if (io.json && !io.jsonWritten) {
    const errors = jsonErrors(error);
    io.writeJson(jsonEnvelope(io.command, { ...body, ok: false, exitCode: code, error: errors[0], errors }));
  }
  return code;
}

/**
 * For a command that went over several envs and kept the results of those it reached: prints one
 * line per env that failed (as `reportError` does) and returns the exit code they mean. With
 * --json the caller puts `jsonErrors(failures)` into its document instead.
 */
export function reportEnvFailures(failures: readonly EnvFailure[], io: Io): number {
  if (failures.length === 0) return EXIT.ok;
  return reportLines(new EnvFailuresError([], failures), io);
}

/**
 * Prints an error's lines as `reportError` does, without a JSON document (the caller's own
 * document lists it, `jsonErrors`); returns the exit code it means.
 */
export function reportLines(error: unknown, io: Io): number {
  for (const e of describe(error)) {
    io.error(e.line);
    if (e.detail) for (const l of e.detail.split('\n')) io.debug(`  ${l}`);
    if (e.stack) for (const l of e.stack.split('\n')) io.debug(`  ${l}`);
  }
  return exitCodeFor(error);
}

/** The JSON errors of an error (one per problem or env), as the error document lists them. */
export function jsonErrors(error: unknown): JsonError[] {
  return describe(error).map((e) => e.json);
}
