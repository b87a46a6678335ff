/** The YAML slipway writes reads back the same under YAML 1.1 readers (go-yaml) and 1.2 ones. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scalarYaml, toYaml } from '../../generators/yaml-emitter.js';
import { symbolicSource } from '../../generators/value-source.js';

describe('scalarYaml', () => {
  it.each([
    ['yes', '"yes"'],
    ['on', '"on"'],
    ['No', '"No"'],
    ['null', '"null"'],
    ['1.10', '"1.10"'],
    ['2.9.17', '"2.9.17"'],
    ['0x1F', '"0x1F"'],
    ['1e3', '"1e3"'],
    ['', '""'],
    ['a: b', '"a: b"'],
    ['#x', '"#x"'],
    ['- x', '"- x"'],
    ['nginx', 'nginx'],
    ['app.kubernetes.io/name', 'app.kubernetes.io/name'],
    ['/demo/hello', '/demo/hello'],
  ])('%j → %s', (value, expected) => {
    expect(scalarYaml(value)).toBe(expected);
    expect(parse(`k: ${expected}`, { version: '1.1' }).k).toBe(value);
    expect(parse(`k: ${expected}`).k).toBe(value);
  });

  it('writes numbers and booleans as themselves', () => {
    expect(scalarYaml(3)).toBe('3');
    expect(scalarYaml(false)).toBe('false');
  });
});

describe('toYaml', () => {
  it('round-trips nested maps, lists, empty values and awkward strings', () => {
    const value = {
      metadata: { name: 'x', labels: { 'a/b': 'on' }, annotations: {} },
      spec: { list: [], items: [{ name: 'a', value: 'line\nbreak' }, 'plain', 7, [1, 2]], quote: 'say "hi"', unicode: 'ünï' },
    };
    expect(parse(toYaml(value), { version: '1.1' })).toEqual(value);
    expect(parse(toYaml(value))).toEqual(value);
  });

  it('leaves out undefined fields', () => {
    expect(toYaml({ a: 1, b: undefined })).toBe('a: 1\n');
  });

  it('refuses template markers outside a chart template', () => {
    expect(() => toYaml({ replicas: symbolicSource().scalar('replicaCount') })).toThrow('template markers found outside a chart template');
  });
});

describe('chart templates', () => {
  const src = symbolicSource();

  it('turns value markers into Helm expressions', () => {
    const text = toYaml(
      {
        image: src.str`${'image.repository'}:${'image.tag'}`,
        replicas: src.scalar('replicaCount'),
        resources: src.block('resources'),
        name: src.fullname(),
      },
      { chart: 'web' },
    );
    expect(text).toBe(
      [
        'image: {{ printf "%v:%v" .Values.image.repository .Values.image.tag | toJson }}',
        'replicas: {{ .Values.replicaCount | toJson }}',
        'resources:',
        '  {{- toYaml .Values.resources | nindent 2 }}',
        'name: {{ include "web.fullname" . }}',
        '',
      ].join('\n'),
    );
  });

  it('wraps conditional fields and list items in if/end', () => {
    const text = toYaml({ spec: { replicas: src.when({ paths: ['autoscaling.enabled'], negate: true }, () => 2) } }, { chart: 'web' });
    expect(text).toContain('  {{- if not .Values.autoscaling.enabled }}\n  replicas: 2\n  {{- end }}');
  });

  it('escapes literal {{ and % so Helm prints them unchanged', () => {
    const text = toYaml({ data: { t: 'Hello {{name}} 100%' }, image: src.str`a%b:${'image.tag'}` }, { chart: 'web' });
    expect(text).toContain('t: {{ "Hello {{name}} 100%" | toJson }}');
    expect(text).toContain('image: {{ printf "a%%b:%v" .Values.image.tag | toJson }}');
  });
});

describe('multi-line strings', () => {
  it.each(['a\nb\n', 'a\nb', 'a\nb\n\n', 'query(\n  x{y="z"}\n)\n', 'a\n\nb\n'])(
    '%j is a literal block that reads back exactly',
    (value) => {
      const text = toYaml({ k: value });
      expect(text.startsWith('k: |')).toBe(true);
      expect(parse(text, { version: '1.1' }).k).toBe(value);
      expect(parse(text).k).toBe(value);
    },
  );

  it('falls back to a quoted string when a block could not keep it exactly', () => {
    for (const value of [' lead\nx', 'tab\there\nx', 'trailing \nx', 'cr\r\nx']) {
      const text = toYaml({ k: value });
      expect(text.startsWith('k: "')).toBe(true);
      expect(parse(text).k).toBe(value);
    }
  });

  it('escapes {{ inside a block in chart templates', () => {
    expect(toYaml({ q: 'a{{args.x}}\nb\n' }, { chart: 'web' })).toBe('q: |\n  a{{ "{{" }}args.x}}\n  b\n');
  });
});
