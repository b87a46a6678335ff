/**
 * One object builder, two outputs. The builders in `app-objects.ts` never read chart values
 * directly: they ask a `ValueSource`. The concrete source answers with an environment's values,
 * giving the manifests slipway renders itself; the symbolic source answers with markers, which
 * `helm-template.ts` turns into Helm expressions. Because both outputs come from the same builder
 * call, `helm template` with an environment's values yields the same objects as the direct render
 * (and the test suite checks it against real Helm).
 *
 * Markers are plain JSON data (cdk8s serializes objects and refuses class instances); they sit in
 * object trees under the key `MARKER`, or inside strings between `\u0001` and `\u0002`.
 */

export const MARKER = '\u0000slipway';

/**
 * A Helm condition: `.Values.<path>` truthy (or falsy when negated), `any` of several paths; or a
 * template expression with the same test written in TypeScript for the direct render.
 */
export type Condition =
  | { readonly paths: readonly string[]; readonly negate?: boolean }
  | { readonly expr: string; readonly test: (get: (path: string) => unknown) => boolean };

/** What a marker stands for in a Helm template. */
export type MarkerData =
  /** `.Values.<path>` as a whole value; `block` emits maps and lists with toYaml. */
  | { readonly op: 'value'; readonly path: string; readonly block: boolean }
  /** The value only when the condition holds (a field, a list item or a whole document). */
  | { readonly op: 'when'; readonly condition: Condition; readonly value: unknown }
  /** `include "<chart>.<name>" .`: labels / selectorLabels (a map), plus own labels. */
  | {
    readonly op: 'include';
    readonly name: 'labels' | 'selectorLabels';
    readonly extra?: Record<string, string>;
    /** Labels present only when a condition holds. */
    readonly conditional?: { readonly condition: Condition; readonly labels: Record<string, string> };
  }
  /** Raw template lines producing a YAML list (range loops); indented by the emitter. */
  | { readonly op: 'lines'; readonly lines: readonly string[] };

export type Marker = { readonly [MARKER]: MarkerData };

export function isMarker(value: unknown): value is Marker {
  return typeof value === 'object' && value !== null && MARKER in value;
}

/** String marker for a value path interpolated inside a string. */
const STRING_MARK = /\u0001([^\u0002]*)\u0002/g;

/** Splits a string into literal parts and value paths. */
export function splitStringMarkers(s: string): Array<{ literal: string } | { path: string }> {
  const parts: Array<{ literal: string } | { path: string }> = [];
  let last = 0;
  for (const m of s.matchAll(STRING_MARK)) {
    if (m.index! > last) parts.push({ literal: s.slice(last, m.index) });
    parts.push({ path: m[1]! });
    last = m.index! + m[0].length;
  }
  if (last < s.length) parts.push({ literal: s.slice(last) });
  return parts;
}

/** A list item that is a Helm range over `.Values.<path>`; see `ValueSource.rangeEnv`. */
export interface ValueSource {
  /** `.Values.<path>`, a scalar. */
  scalar<T extends string | number | boolean>(path: string): T;
  /** `.Values.<path>`, a map or list, emitted as a block. */
  block<T>(path: string): T;
  /**
   * A string interpolating values: `str\`${'image.repository'}:${'image.tag'}\``. Besides value
   * paths, `@fullname` is the object name and `@namespace` the release namespace.
   */
  str(strings: TemplateStringsArray, ...paths: string[]): string;
  /** `value` only when the condition holds; `undefined` (field left out) otherwise. */
  when<T>(condition: Condition, value: () => T): T | undefined;
  /** The app's object name (Helm `fullname`; the release name is the app name), plus a suffix. */
  fullname(suffix?: string): string;
  /** The standard labels plus `extra`, plus `conditional.labels` when its condition holds. */
  labels(extra?: Record<string, string>, conditional?: { condition: Condition; labels: Record<string, string> }): Record<string, string>;
  /** Labels that select the app's pods; never change across upgrades. */
  selectorLabels(): Record<string, string>;
  /** The container's env list: `.Values.env` then `.Values.secretEnv`, each sorted by name. */
  envList(): unknown[] | undefined;
}

/** Reads a dotted path from a values tree. */
export function lookup(values: unknown, path: string): unknown {
  let node = values;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Go template truthiness: false, 0, nil and empty strings, maps and lists are false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Label value Kubernetes accepts, derived from an image tag (digests carry '@' and ':'). */
export function tagLabel(tag: string): string {
  const cut = tag.replace(/[^-A-Za-z0-9_.]/g, '_').slice(0, 63);
  return cut.replace(/^[-_.]+|[-_.]+$/g, '');
}

/** Facts fixed by how slipway deploys a chart: release name = app name, rendered by Helm. */
export interface ChartIdentity {
  readonly name: string;
  readonly version: string;
  /** The namespace it is deployed to (`.Release.Namespace`). */
  readonly namespace: string;
}

/** The standard labels, as `_helpers.tpl` computes them for release name = chart name. */
export function standardLabels(chart: ChartIdentity, tag: string): Record<string, string> {
  return {
    'helm.sh/chart': `${chart.name}-${chart.version}`.replace(/\+/g, '_').slice(0, 63).replace(/-$/, ''),
    ...selectorLabelsOf(chart.name),
    'app.kubernetes.io/version': tagLabel(tag),
    'app.kubernetes.io/managed-by': 'Helm',
  };
}

export function selectorLabelsOf(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
}

/** Answers with one environment's values: the direct render. */
export function concreteSource(chart: ChartIdentity, values: Record<string, unknown>): ValueSource {
  const get = (path: string): unknown =>
    path === '@fullname' ? chart.name : path === '@namespace' ? chart.namespace : lookup(values, path);
  const holds = (c: Condition): boolean => ('test' in c
    ? c.test(get)
    : c.paths.some((p) => truthy(get(p))) !== (c.negate ?? false));
  return {
    scalar: <T>(path: string) => get(path) as T,
    block: <T>(path: string) => structuredClone(get(path)) as T,
    str: (strings, ...paths) => strings.reduce((acc, s, i) => acc + s + (i < paths.length ? String(get(paths[i]!)) : ''), ''),
    when: (c, value) => (holds(c) ? value() : undefined),
    fullname: (suffix = '') => chart.name + suffix,
    labels: (extra = {}, conditional) => ({
      ...extra,
      ...(conditional && holds(conditional.condition) ? conditional.labels : {}),
      ...standardLabels(chart, String(get('image.tag'))),
    }),
    selectorLabels: () => selectorLabelsOf(chart.name),
    envList: () => {
      const env = Object.entries((get('env') ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1));
      const secretEnv = Object.entries((get('secretEnv') ?? {}) as Record<string, { secret: string; key: string }>)
        .sort(([a], [b]) => (a < b ? -1 : 1));
      const list = [
        ...env.map(([name, value]) => ({ name, value })),
        ...secretEnv.map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } })),
      ];
      return list.length > 0 ? list : undefined;
    },
  };
}

/** Answers with markers: the Helm chart's templates. */
export function symbolicSource(): ValueSource {
  const marker = (data: MarkerData) => ({ [MARKER]: data }) as unknown;
  return {
    scalar: <T>(path: string) => marker({ op: 'value', path, block: false }) as T,
    block: <T>(path: string) => marker({ op: 'value', path, block: true }) as T,
    str: (strings, ...paths) => strings.reduce((acc, s, i) => acc + s + (i < paths.length ? `\u0001${paths[i]}\u0002` : ''), ''),
    when: (condition, value) => marker({ op: 'when', condition, value: value() }) as never,
    fullname: (suffix = '') => `\u0001@fullname\u0002${suffix}`,
    labels: (extra, conditional) => marker({
      op: 'include',
      name: 'labels',
      ...(extra && Object.keys(extra).length ? { extra } : {}),
      ...(conditional ? { conditional } : {}),
    }) as Record<string, string>,
    selectorLabels: () => marker({ op: 'include', name: 'selectorLabels' }) as Record<string, string>,
    envList: () => marker({
      op: 'when',
      condition: { paths: ['env', 'secretEnv'] },
      value: marker({
        op: 'lines',
        // `range` over a map visits keys in sorted order, as the concrete source sorts them.
        lines: [
          '{{- range $name, $value := .Values.env }}',
          '- name: {{ $name | toJson }}',
          '  value: {{ $value | toString | toJson }}',
          '{{- end }}',
          '{{- range $name, $ref := .Values.secretEnv }}',
          '- name: {{ $name | toJson }}',
          '  valueFrom:',
          '    secretKeyRef:',
          '      name: {{ $ref.secret | toJson }}',
          '      key: {{ $ref.key | toJson }}',
          '{{- end }}',
        ],
      }),
    }) as unknown[],
  };
}
