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
 *
 * User data (env values, `extend` objects) must never turn into a marker, or it would become a
 * Helm expression. Object markers carry a brand only this module holds: a function, which no YAML,
 * JSON or env value can contain (cdk8s passes functions in props through untouched, though not in
 * JSON patches: app-objects.ts sets the extend objects' labels after serializing). String markers cannot
 * carry one, so the emitter accepts only a value path between `\u0001` and `\u0002` (anything else
 * stays literal text), and validation refuses any object string holding either character.
 */

export const MARKER = '\u0000slipway';

/** The key of an object marker's brand. */
const BRAND_KEY = '\u0000slipway-brand';
/** The brand itself: compared by identity, never serialized (a marker never reaches plain YAML). */
const BRAND = Object.freeze(function slipwayMarker() {
  return undefined;
});

/** The characters slipway reserves for its markers; no generated object may hold them. */
export const RESERVED_CHARACTERS = /[\u0000\u0001\u0002]/;

/** A value path a string marker may hold: `@fullname`, `@namespace`, or `a.b.c` of identifiers. */
const MARKER_PATH = /^(@fullname|@namespace|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

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

/** A marker: the only way to make one, so that every marker carries the brand. */
export function marker(data: MarkerData): Marker {
  return { [MARKER]: data, [BRAND_KEY]: BRAND } as unknown as Marker;
}

/** True for markers made by `marker()`; data that merely has a `MARKER` key is plain data. */
export function isMarker(value: unknown): value is Marker {
  return typeof value === 'object' && value !== null && MARKER in value && (value as Record<string, unknown>)[BRAND_KEY] === BRAND;
}

/** String marker for a value path interpolated inside a string. */
const STRING_MARK = /\u0001([^\u0001\u0002]*)\u0002/g;

/**
 * Splits a string into literal parts and value paths. Only a value path counts as a marker:
 * `\u0001{{ .Values.x }}\u0002` from user data stays literal, so it can never become template code.
 */
export function splitStringMarkers(s: string): Array<{ literal: string } | { path: string }> {
  const parts: Array<{ literal: string } | { path: string }> = [];
  let literal = '';
  let last = 0;
  for (const m of s.matchAll(STRING_MARK)) {
    if (!MARKER_PATH.test(m[1]!)) continue;
    literal += s.slice(last, m.index);
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ path: m[1]! });
    last = m.index! + m[0].length;
  }
  literal += s.slice(last);
  if (literal) parts.push({ literal });
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
function lookup(values: unknown, path: string): unknown {
  let node = values;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Go template truthiness: false, 0, nil and empty strings, maps and lists are false. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Label value Kubernetes accepts, derived from an image tag (digests carry '@' and ':'). */
function tagLabel(tag: string): string {
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
function standardLabels(chart: ChartIdentity, tag: string): Record<string, string> {
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
  const holds = (c: Condition): boolean => ('test' in c ? c.test(get) : c.paths.some((p) => truthy(get(p))) !== (c.negate ?? false));
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
      const secretEnv = Object.entries((get('secretEnv') ?? {}) as Record<string, { secret: string; key: string }>).sort(([a], [b]) =>
        a < b ? -1 : 1,
      );
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
  const mark = (data: MarkerData): unknown => marker(data);
  return {
    scalar: <T>(path: string) => mark({ op: 'value', path, block: false }) as T,
    block: <T>(path: string) => mark({ op: 'value', path, block: true }) as T,
    str: (strings, ...paths) => strings.reduce((acc, s, i) => acc + s + (i < paths.length ? `\u0001${paths[i]}\u0002` : ''), ''),
    when: (condition, value) => mark({ op: 'when', condition, value: value() }) as never,
    fullname: (suffix = '') => `\u0001@fullname\u0002${suffix}`,
    labels: (extra, conditional) =>
      mark({
        op: 'include',
        name: 'labels',
        ...(extra && Object.keys(extra).length ? { extra } : {}),
        ...(conditional ? { conditional } : {}),
      }) as Record<string, string>,
    selectorLabels: () => mark({ op: 'include', name: 'selectorLabels' }) as Record<string, string>,
    envList: () =>
      mark({
        op: 'when',
        condition: { paths: ['env', 'secretEnv'] },
        value: mark({
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
