/**
 * Deterministic YAML for everything slipway writes, and the Helm template form of the same
 * objects (markers from value-source.ts become template expressions).
 *
 * Why not a YAML library's stringify: Helm and Argo CD read YAML with go-yaml, which still
 * treats `yes`, `on` or `1_000` as booleans and numbers (YAML 1.1); we quote every string that is
 * not plainly a string to both readers, and we need to interleave template expressions.
 */
import { isMarker, MARKER, splitStringMarkers, type Condition, type MarkerData } from './value-source.js';

/** Strings that stay unquoted: letters/digits/`-_./` starting with a letter or `/`, not a YAML 1.1 keyword. */
const PLAIN = /^[A-Za-z/][A-Za-z0-9_./-]*$/;
const KEYWORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

export interface EmitOptions {
  /** Chart name for `include "<chart>.x"`; required when the value holds markers. */
  readonly chart?: string;
}

/** One YAML document (no leading `---`), ending with a newline. */
export function toYaml(value: unknown, options: EmitOptions = {}): string {
  return new Emitter(options.chart).document(value).join('\n') + '\n';
}

/** Several documents separated by `---`. */
export function toYamlDocuments(values: readonly unknown[], options: EmitOptions = {}): string {
  return values.map((v) => '---\n' + toYaml(v, options)).join('');
}

export function scalarYaml(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return PLAIN.test(value) && !KEYWORDS.test(value) ? value : JSON.stringify(value);
  throw new Error(`not a scalar: ${JSON.stringify(value)}`);
}

/** Multi-line text that a literal block keeps exactly (no leading blank, no CR, no tabs, no markers). */
function isBlockLiteral(value: string): boolean {
  return value.includes('\n') && !/^[\s]/.test(value) && !/[\r\t\u0000-\u0008\u000b-\u001f\u007f]/.test(value) && !/ $/m.test(value);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isMarker(v);

class Emitter {
  constructor(private readonly chart: string | undefined) {}

  document(value: unknown): string[] {
    if (isMarker(value)) {
      const data = value[MARKER];
      if (data.op !== 'when') throw new Error(`a ${data.op} marker cannot be a whole document`);
      return [`{{- if ${this.condition(data.condition)} }}`, ...this.document(data.value), '{{- end }}'];
    }
    if (isPlainObject(value)) return this.mapping(value, 0);
    throw new Error('a YAML document must be a mapping');
  }

  private mapping(obj: Record<string, unknown>, indent: number): string[] {
    const lines: string[] = [];
    for (const [key, value] of Object.entries(obj)) {
      if (value === undefined) continue;
      lines.push(...this.entry(this.key(key), value, indent));
    }
    return lines.length > 0 ? lines : [`${' '.repeat(indent)}{}`];
  }

  private entry(key: string, value: unknown, indent: number): string[] {
    const pad = ' '.repeat(indent);
    if (isMarker(value)) return this.markerEntry(key, value[MARKER], indent);
    if (Array.isArray(value)) {
      return value.length === 0 ? [`${pad}${key}: []`] : [`${pad}${key}:`, ...this.sequence(value, indent + 2)];
    }
    if (isPlainObject(value)) {
      return Object.keys(value).length === 0 ? [`${pad}${key}: {}`] : [`${pad}${key}:`, ...this.mapping(value, indent + 2)];
    }
    if (typeof value === 'string' && isBlockLiteral(value)) return this.blockLiteral(key, value, indent);
    return [`${pad}${key}: ${this.scalar(value)}`];
  }

  /** A multi-line string as a literal block (`|`), readable in Git diffs; `{{` escaped in templates. */
  private blockLiteral(key: string, value: string, indent: number): string[] {
    const pad = ' '.repeat(indent);
    const trailing = value.length - value.replace(/\n+$/, '').length;
    const chomp = trailing === 0 ? '|-' : trailing === 1 ? '|' : '|+';
    const body = value
      .replace(/\n+$/, '')
      .split('\n')
      .map((line) => (this.chart !== undefined ? line.replaceAll('{{', '{{ "{{" }}') : line))
      .map((line) => (line === '' ? '' : `${pad}  ${line}`));
    return [`${pad}${key}: ${chomp}`, ...body, ...Array.from({ length: Math.max(0, trailing - 1) }, () => '')];
  }

  private markerEntry(key: string, data: MarkerData, indent: number): string[] {
    const pad = ' '.repeat(indent);
    this.needChart();
    switch (data.op) {
      case 'value':
        return data.block
          ? [`${pad}${key}:`, `${pad}  {{- toYaml .Values.${data.path} | nindent ${indent + 2} }}`]
          : [`${pad}${key}: {{ .Values.${data.path} | toJson }}`];
      case 'when':
        return [`${pad}{{- if ${this.condition(data.condition)} }}`, ...this.entry(key, data.value, indent), `${pad}{{- end }}`];
      case 'include':
        return [
          `${pad}${key}:`,
          `${pad}  {{- ${this.include(data.name)} | nindent ${indent + 2} }}`,
          ...Object.entries(data.extra ?? {})
            .filter(([k]) => !STANDARD_LABEL_KEYS.has(k))
            .map(([k, v]) => `${pad}  ${this.key(k)}: ${this.scalar(v)}`),
          ...(data.conditional
            ? [
                `${pad}  {{- if ${this.condition(data.conditional.condition)} }}`,
                ...Object.entries(data.conditional.labels).map(([k, v]) => `${pad}  ${this.key(k)}: ${this.scalar(v)}`),
                `${pad}  {{- end }}`,
              ]
            : []),
        ];
      case 'lines':
        return [`${pad}${key}:`, ...data.lines.map((line) => `${pad}  ${line}`)];
    }
  }

  private sequence(items: readonly unknown[], indent: number): string[] {
    const pad = ' '.repeat(indent);
    const lines: string[] = [];
    for (const item of items) {
      if (isMarker(item) && item[MARKER].op === 'when') {
        const data = item[MARKER] as Extract<MarkerData, { op: 'when' }>;
        lines.push(`${pad}{{- if ${this.condition(data.condition)} }}`, ...this.sequence([data.value], indent), `${pad}{{- end }}`);
      } else if (isPlainObject(item) && Object.keys(item).length > 0) {
        const inner = this.mapping(item, indent + 2);
        const first = inner[0]!;
        // `- key: value` on one line, unless the first entry starts with a template control line.
        if (first.trimStart().startsWith('{{-')) lines.push(`${pad}-`, ...inner);
        else lines.push(`${pad}- ${first.slice(indent + 2)}`, ...inner.slice(1));
      } else if (Array.isArray(item) && item.length > 0) {
        lines.push(`${pad}-`, ...this.sequence(item, indent + 2));
      } else if (isMarker(item)) {
        lines.push(...this.markerEntry('', item[MARKER], indent).map((l) => l.replace(/^(\s*):/, '$1-')));
      } else {
        lines.push(`${pad}- ${Array.isArray(item) ? '[]' : isPlainObject(item) ? '{}' : this.scalar(item)}`);
      }
    }
    return lines;
  }

  private key(key: string): string {
    return this.scalar(key);
  }

  /**
   * A scalar; in a chart template, strings may interpolate values or contain a literal `{{`, which
   * Helm must not read. Plain YAML has no templates: there every string is literal, so user data
   * holding marker characters is written as is (validation refuses it) instead of crashing synth.
   */
  private scalar(value: unknown): string {
    if (typeof value !== 'string' || this.chart === undefined) return scalarYaml(value);
    const parts = splitStringMarkers(value);
    if (parts.some((p) => 'path' in p)) {
      this.needChart();
      const only = parts.length === 1 ? (parts[0] as { path?: string }).path : undefined;
      // The object name alone: the conventional form, a DNS label that needs no quoting.
      if (only === '@fullname') return `{{ ${this.include('fullname')} }}`;
      const format = parts.map((p) => ('literal' in p ? p.literal.replaceAll('%', '%%') : '%v')).join('');
      const args = parts
        .filter((p): p is { path: string } => 'path' in p)
        .map((p) => ` ${this.valueRef(p.path)}`)
        .join('');
      return `{{ printf ${JSON.stringify(format)}${args} | toJson }}`;
    }
    if (value.includes('{{') || value.includes('}}')) {
      // In a template, a literal `{{` would be parsed by Helm: print it from a Go string instead.
      return `{{ ${JSON.stringify(value)} | toJson }}`;
    }
    return scalarYaml(value);
  }

  private include(name: string): string {
    return `include "${this.needChart()}.${name}" .`;
  }

  /** A value path inside a template expression. */
  private valueRef(path: string): string {
    if (path === '@fullname') return `(${this.include('fullname')})`;
    if (path === '@namespace') return '.Release.Namespace';
    return `.Values.${path}`;
  }

  private condition(c: Condition): string {
    this.needChart();
    if ('expr' in c) return c.expr;
    const refs = c.paths.map((p) => `.Values.${p}`);
    const expr = refs.length === 1 ? refs[0]! : `(or ${refs.join(' ')})`;
    return c.negate ? `not ${expr}` : expr.replace(/^\((.*)\)$/, '$1');
  }

  private needChart(): string {
    if (this.chart === undefined) throw new Error('template markers found outside a chart template');
    return this.chart;
  }
}

/** Keys `<chart>.labels` already sets; an object's own value for them would be a duplicate key. */
const STANDARD_LABEL_KEYS = new Set([
  'helm.sh/chart',
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
]);
