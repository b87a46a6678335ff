/**
 * Guards on what slipway reads: only regular files of bounded size (an env file symlinked to
 * /dev/zero must not fill the memory, a FIFO must not hang synth), and no control characters in
 * any string (slipway's chart emitter uses U+0001/U+0002 as internal markers; the others break
 * YAML, terminals and the one-line messages).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** Largest env file or charts-src file slipway reads: far above any real one (the samples are ~2 KiB). */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/**
 * Why `path` is not a regular file slipway may read (following symlinks), or undefined when it
 * is one of at most `MAX_INPUT_BYTES`.
 */
export function inputFileProblem(path: string, kind: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && isSymlink(path)) return 'is a symlink to nothing (a broken link)';
    return `cannot be read (${code ?? String(cause)})`;
  }
  return statsProblem(stats, kind);
}

function statsProblem(stats: Stats, kind: string): string | undefined {
  if (!stats.isFile()) {
    return `is ${describeType(stats)}, not a regular file; ${kind} must be regular files (a symlink to one is fine)`;
  }
  if (stats.size > MAX_INPUT_BYTES) {
    return `is ${stats.size} bytes; ${kind} may be at most ${mebibytes(MAX_INPUT_BYTES)} (${MAX_INPUT_BYTES} bytes)`;
  }
  return undefined;
}

/**
 * Reads a regular file of at most `MAX_INPUT_BYTES` as UTF-8; returns the problem instead when
 * it is not one. Opened without blocking (a FIFO swapped in after the check cannot hang), checked
 * again on the open descriptor, and never read past the cap.
 */
export function readInputFile(path: string, kind: string): { text: string } | { problem: string } {
  const before = inputFileProblem(path, kind);
  if (before) return { problem: before };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    return { problem: `cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})` };
  }
  try {
    const stats = fstatSync(fd);
    const problem = statsProblem(stats, kind);
    if (problem) return { problem };
    // Sized by the file (every command reads every env file: no 10 MiB buffer each time), grown
    // if it grows while being read, never past the cap plus the one byte that proves it over.
    let buffer = Buffer.allocUnsafe(Math.min(stats.size, MAX_INPUT_BYTES) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= MAX_INPUT_BYTES; ) {
      if (length === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, MAX_INPUT_BYTES + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      n = readSync(fd, buffer, length, buffer.length - length, null);
      length += n;
    }
    if (length > MAX_INPUT_BYTES)
      return {
        problem: `is over ${MAX_INPUT_BYTES} bytes; ${kind} may be at most ${mebibytes(MAX_INPUT_BYTES)} (${MAX_INPUT_BYTES} bytes)`,
      };
    return { text: buffer.toString('utf8', 0, length) };
  } finally {
    closeSync(fd);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function describeType(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

function mebibytes(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`;
}

/**
 * Control characters slipway refuses in strings: U+0000-U+001F but tab and newline (YAML block
 * scalars use newlines legitimately), U+007F, and the C1 controls U+0080-U+009F.
 */
const REFUSED_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** The same, and newline too: for raw file text, where newline is the line break itself. */
const REFUSED_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** `U+0001`. */
export function codePoint(c: string): string {
  return `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first raw control character of a file's text, by line and column (1-based), and how many
 * lines hold one. Tab, CR and LF are fine.
 */
export function findControlInText(text: string): { line: number; column: number; char: string; lines: number } | undefined {
  if (!REFUSED_IN_TEXT.test(text)) return undefined;
  const lines = text.split(/\r\n|\r|\n/);
  let first: { line: number; column: number; char: string } | undefined;
  let count = 0;
  lines.forEach((content, i) => {
    const m = REFUSED_IN_TEXT.exec(content);
    if (!m) return;
    count++;
    first ??= { line: i + 1, column: m.index + 1, char: m[0] };
  });
  return first && { ...first, lines: count };
}

/** A string that holds a refused control character, where it sits, and the message to give. */
export interface ControlString {
  readonly field: string;
  readonly message: string;
}

/**
 * Every string (keys included) of `value` holding a refused control character, with its field
 * (`env.A`, `resources.limits.cpu`, `writablePaths[0]`). Functions are skipped; `rename` maps
 * a field to the name the user wrote (or undefined to skip it).
 */
export function findControlStrings(value: unknown, field = '', rename: (field: string) => string | undefined = (f) => f): ControlString[] {
  const found: ControlString[] = [];
  const seen = new Set<object>();
  const join = (at: string, key: string | number) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key);
  const visit = (v: unknown, at: string) => {
    if (typeof v === 'string') {
      const m = REFUSED_CONTROL.exec(v);
      if (m) found.push({ field: at, message: controlMessage(v, m.index) });
      return;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        visit(item, join(at, i));
      });
      return;
    }
    for (const [key, item] of Object.entries(v)) {
      const named = rename(join(at, key));
      if (named === undefined) continue;
      const m = REFUSED_CONTROL.exec(key);
      if (m) {
        found.push({ field: at, message: `key ${controlMessage(key, m.index)}` });
        continue;
      }
      visit(item, named);
    }
  };
  visit(value, field);
  return found;
}

/** `'ab\u0001c' holds control character U+0001; ...`, the value cut around the character when long. */
function controlMessage(value: string, index: number): string {
  const from = Math.max(0, index - 30);
  const to = Math.min(value.length, index + 30);
  const shown = `${from > 0 ? '…' : ''}${value.slice(from, to)}${to < value.length ? '…' : ''}`;
  return `'${shown}' holds control character ${codePoint(value[index]!)}; strings may hold no control characters but tab and newline`;
}
