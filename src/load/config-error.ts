/**
 * An error in the user's input: its message is one line naming the file and field, and it is
 * printed as is (no stack trace). Several can be reported at once.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}

/** Collects problems, then throws them together so one run reports every broken field. */
export class Problems {
  private readonly list: string[] = [];

  add(file: string, field: string, message: string): void {
    this.list.push(field ? `${file}: ${field}: ${message}` : `${file}: ${message}`);
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}
