/**
 * An env file's text → plain data, with every way YAML can hurt turned into a one-line problem
 * at its line: control characters (raw or escaped), syntax errors, a second document, an empty
 * file, an alias without its anchor, an alias bomb ("billion laughs"). yaml throws for the last
 * two while converting; nothing here lets it.
 */
import { LineCounter, parseDocument, visit, isScalar, type Alias, type Document } from 'yaml';
import type { Position, Problems } from '../core/config-error.js';
import { fieldPosition } from './field-position.js';
import { codePoint, findControlInText, findControlStrings } from './input-guards.js';

/** Most aliases an env file may expand (yaml's own default): a "billion laughs" file stops here. */
const MAX_ALIAS_COUNT = 100;

export interface ParsedEnvYaml {
  readonly doc: Document;
  readonly data: unknown;
  /** Where a field (`apps.web.tag`) is in the file. */
  readonly locate: (field: string) => Position | undefined;
}

/** Parses an env file's text; undefined when it reported a problem. */
export function parseEnvYaml(text: string, file: string, problems: Problems): ParsedEnvYaml | undefined {
  const control = findControlInText(text);
  if (control) {
    const more = control.lines > 1 ? ` (and on ${control.lines - 1} more line${control.lines > 2 ? 's' : ''})` : '';
    problems.add(
      file,
      '',
      `control character ${codePoint(control.char)}${more}; env files may hold no control characters but tab and newline`,
      { line: control.line, column: control.column },
    );
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true, lineCounter });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.pos?.[0] !== undefined ? lineCounter.linePos(e.pos[0]) : undefined;
      problems.add(file, '', `malformed YAML: ${yamlErrorText(e.message)}`, pos && { line: pos.line, column: pos.col });
    }
    return undefined;
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    problems.add(file, '', 'is empty (or only comments); an env file is a YAML mapping: name, namespace, domain, repo, apps');
    return undefined;
  }
  const converted = toPlainData(doc, lineCounter, file, problems);
  if (!converted) return undefined;
  // Escaped ones ("\u0001" in a double-quoted string) the text scan cannot see.
  const controls = findControlStrings(converted.data);
  if (controls.length > 0) {
    for (const c of controls) problems.add(file, c.field, c.message);
    return undefined;
  }
  return { doc, data: converted.data, locate: (field) => fieldPosition(doc, lineCounter, field) };
}

/** yaml's wording, where it speaks to programmers rather than to whoever writes the file. */
function yamlErrorText(message: string): string {
  const first = message.split('\n')[0]!;
  if (first.startsWith('Source contains multiple documents')) return 'a second YAML document (after ---); an env file holds one';
  return first;
}

/**
 * The document as plain data, aliases expanded at most `MAX_ALIAS_COUNT` times. yaml throws for
 * an alias without its anchor and for one that expands too far; the problem names that alias's
 * line, which yaml's error does not carry: each alias notes itself while it resolves.
 */
function toPlainData(doc: Document, lineCounter: LineCounter, file: string, problems: Problems): { data: unknown } | undefined {
  const active: Alias[] = [];
  visit(doc, {
    Alias(_, node) {
      const toJSON = node.toJSON.bind(node);
      node.toJSON = ((arg?: unknown, ctx?: unknown) => {
        active.push(node);
        const value = toJSON(arg, ctx as never);
        active.pop();
        return value;
      }) as typeof node.toJSON;
    },
  });
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (cause) {
    const alias = active.at(-1);
    const pos = alias?.range ? lineCounter.linePos(alias.range[0]) : undefined;
    const where = pos && { line: pos.line, column: pos.col };
    const message = String((cause as Error)?.message ?? cause);
    if (alias && message.startsWith('Unresolved alias')) {
      problems.add(file, '', `malformed YAML: alias *${alias.source} has no anchor &${alias.source} before it`, where);
    } else if (message.startsWith('Excessive alias count')) {
      problems.add(
        file,
        '',
        `malformed YAML: ${alias ? `alias *${alias.source}` : 'an alias'} expands to too many nodes (over ${MAX_ALIAS_COUNT} aliased: a "billion laughs" file?); write the values out`,
        where,
      );
    } else {
      problems.add(file, '', `malformed YAML: ${message.split('\n')[0]}`, where);
    }
    return undefined;
  }
}
