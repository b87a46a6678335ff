/**
 * An error in the user's input: its message is one line naming the file and field, and it is
 * printed as is (no stack trace). Several can be reported at once.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  /** Each problem is kept to one line: control characters and line breaks in it are escaped. */
  constructor(problems: string | readonly string[]) {
    const list = (typeof problems === 'string' ? [problems] : problems).map(escapeControl);
    super(list.join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}

/** Where in a file a problem is: 1-based line, and column when known. */
export interface Position {
  readonly line: number;
  readonly column?: number;
}

/** Finds a field (`apps.web.tag`, `clusters[0].name`) in a file; undefined when it is not there. */
export type Locate = (file: string, field: string) => Position | undefined;

/**
 * Collects problems, then throws them together so one run reports every broken field. With a
 * `locate`, a problem about a field names its line the way compilers do (`envs/x.yaml:12: ...`),
 * which editors and CI annotations turn into a link.
 */
export class Problems {
  private readonly list: string[] = [];

  constructor(private readonly locate?: Locate) {}

  add(file: string, field: string, message: string, at?: Position): void {
    const position = at ?? (field ? this.locate?.(file, field) : undefined);
    this.list.push(escapeControl(formatProblem(file, position, field, message)));
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

/** `file[:line[:column]]: [field: ]message`, the one form every input problem takes. */
export function formatProblem(file: string, at: Position | undefined, field: string, message: string): string {
  const where = at === undefined ? file : `${file}:${at.line}${at.column === undefined ? '' : `:${at.column}`}`;
  return field ? `${where}: ${field}: ${message}` : `${where}: ${message}`;
}

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `a\nb` → `a\\nb`, U+0001 → `\\u0001`: what a message quotes stays on one line, and visible. */
function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
