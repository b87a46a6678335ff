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

/** Collects problems, then throws them together so one run reports every broken field. */
export class Problems {
  private readonly list: string[] = [];

  add(file: string, field: string, message: string): void {
    this.list.push(escapeControl(field ? `${file}: ${field}: ${message}` : `${file}: ${message}`));
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `a\nb` → `a\\nb`, U+0001 → `\\u0001`: what a message quotes stays on one line, and visible. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
