/**
 * The one JSON envelope every command prints with --json (one document on stdout, nothing else):
 *
 *   { "command": "plan", "ok": true, ...the command's fields }
 *   { "command": "plan", "ok": false, "exitCode": 4,
 *     "error": { "code": "remote_unavailable", "message": "...", "file"?: "...", "line"?: 12, "field"?: "...", "env"?: "..." },
 *     "errors": [ ...every problem, the first one is "error" ] }
 *
 * `ok` is false exactly when the run failed (exit 1, 3 or 4); exit 2 (plan: changes pending) is
 * `ok: true`. Commands print theirs through `io.emitJson(body)`.
 */

/** One error as --json reports it. */
export interface JsonError {
  /** Machine-readable class: invalid_input, usage, remote_unavailable, remote_not_found, remote_auth, remote_error, plan_stale, branch_moved, file_system, internal. */
  readonly code: string;
  /** The same one line stderr shows (without `error: `). */
  readonly message: string;
  /** The exit code this error alone means. */
  readonly exitCode: number;
  /** The input file the problem is in (`envs/production.yaml`), when there is one. */
  readonly file?: string;
  /** The line (1-based) in `file` the problem is on, when known. */
  readonly line?: number;
  /** The column (1-based) on that line, when known (YAML and TypeScript syntax errors). */
  readonly column?: number;
  /** The field in it (`apps.web.tag`), when there is one. */
  readonly field?: string;
  /** The environment the error is about, for commands that go over several. */
  readonly env?: string;
}

export interface JsonEnvelope {
  readonly command: string;
  readonly ok: boolean;
  readonly [field: string]: unknown;
}

/** `{ command, ok: true, ...body }`; the body may set `ok` (false) itself. */
export function jsonEnvelope(command: string, body: Readonly<Record<string, unknown>>): JsonEnvelope {
  const { command: _ignored, ...rest } = body;
  return { command, ok: true, ...rest };
}
