/**
 * The promotion's pure helpers as tables, no git: tag edits in env files and the trailers
 * promotion commits carry. (End-to-end runs in promote.test.ts use them against real repos.)
 */
import { describe, expect, it } from 'vitest';
import { setTags } from '../../src/promotion/env-file-edit.js';
import { bundleOf, parseTrailers, previousTagOf, trailerLines, trailersFor, type PromotionTrailers } from '../../src/promotion/trailers.js';

describe("setTags: an env file's tags edited, nothing else", () => {
  const cases: ReadonlyArray<{ name: string; text: string; tags: Record<string, string>; expected: string }> = [
    {
      name: 'a quoted tag, comments and order kept',
      text: '# header\napps:\n  web: # the web app\n    tag: "1.0" # pinned\n    replicas: 2\n  api:\n    tag: "2.0"\n',
      tags: { web: '1.1' },
      expected: '# header\napps:\n  web: # the web app\n    tag: "1.1" # pinned\n    replicas: 2\n  api:\n    tag: "2.0"\n',
    },
    {
      name: 'an unquoted number-like tag becomes a string (1.10 stays 1.10)',
      text: 'apps:\n  web:\n    tag: 1.9\n',
      tags: { web: '1.10' },
      expected: 'apps:\n  web:\n    tag: "1.10"\n',
    },
    {
      name: 'several apps at once',
      text: 'apps:\n  a:\n    tag: "1"\n  b:\n    tag: "2"\n',
      tags: { a: '3', b: '4' },
      expected: 'apps:\n  a:\n    tag: "3"\n  b:\n    tag: "4"\n',
    },
    {
      name: 'an app without a tag line gets one, as its first key',
      text: 'apps:\n  a:\n    replicas: 1\n',
      tags: { a: '1.0.0' },
      expected: 'apps:\n  a:\n    tag: "1.0.0"\n    replicas: 1\n',
    },
    {
      name: 'CRLF files stay CRLF on every line',
      text: 'name: x\r\napps:\r\n  a:\r\n    tag: "1"\r\n',
      tags: { a: '2' },
      expected: 'name: x\r\napps:\r\n  a:\r\n    tag: "2"\r\n',
    },
    {
      name: 'single-quoted and plain tags, odd spacing and a CRLF file without a tag line',
      text: "apps:\r\n  a:\r\n    tag:   '1'   # keep\r\n  b:\r\n    replicas: 1\r\n",
      tags: { a: '2', b: '3' },
      expected: 'apps:\r\n  a:\r\n    tag:   "2"   # keep\r\n  b:\r\n    tag: "3"\r\n    replicas: 1\r\n',
    },
    {
      name: 'a flow-style app entry, its comment kept',
      text: 'apps:\n  a: { tag: "1", replicas: 2 } # pinned\n',
      tags: { a: '2' },
      expected: 'apps:\n  a: { tag: "2", replicas: 2 } # pinned\n',
    },
    {
      name: 'a flow-style entry without a tag, in a CRLF file: the tag goes in first, the endings stay',
      text: 'name: x\r\napps:\r\n  a: {replicas: 2}\r\n',
      tags: { a: '3' },
      expected: 'name: x\r\napps:\r\n  a: {tag: "3", replicas: 2}\r\n',
    },
    {
      name: 'a digest-pinned tag is written whole',
      text: 'apps:\n  a:\n    tag: "1"\n',
      tags: { a: `1.2@sha256:${'a'.repeat(64)}` },
      expected: `apps:\n  a:\n    tag: "1.2@sha256:${'a'.repeat(64)}"\n`,
    },
  ];
  it.each(cases)('$name', ({ text, tags, expected }) => {
    expect(setTags(text, new Map(Object.entries(tags)), 'envs/x.yaml')).toBe(expected);
  });

  it('an app the file does not have is an error naming file and field', () => {
    expect(() => setTags('apps:\n  a:\n    tag: "1"\n', new Map([['b', '2']]), 'envs/x.yaml')).toThrow('envs/x.yaml: apps.b: not found');
  });

  it('a tag written as an alias is refused, not rewritten', () => {
    const text = 'common: &v "1"\napps:\n  a:\n    tag: *v\n';
    expect(() => setTags(text, new Map([['a', '2']]), 'envs/x.yaml')).toThrow('envs/x.yaml: apps.a.tag: write the tag as a plain value');
  });
});

describe('trailers: written and read back', () => {
  const base: PromotionTrailers = { app: 'web', env: 'staging', from: '1.0', to: '1.1', sourceCommit: 'abc123', actor: 'ana' };
  const cases: ReadonlyArray<{ name: string; trailers: PromotionTrailers; expected: Record<string, string> }> = [
    {
      name: 'a plain promotion',
      trailers: base,
      expected: {
        'Slipway-App': 'web',
        'Slipway-Env': 'staging',
        'Slipway-Previous-Tag': '1.0',
        'Slipway-To': '1.1',
        'Slipway-Actor': 'ana',
        'Slipway-Source-Commit': 'abc123',
      },
    },
    {
      name: 'the first promotion (nothing replaced)',
      trailers: { ...base, from: undefined },
      expected: {
        'Slipway-App': 'web',
        'Slipway-Env': 'staging',
        'Slipway-Previous-Tag': 'none',
        'Slipway-To': '1.1',
        'Slipway-Actor': 'ana',
        'Slipway-Source-Commit': 'abc123',
      },
    },
    {
      name: 'forced, direct, rollback, from an env: reasons on one line',
      trailers: { ...base, forced: 'hotfix\nfor  the outage', direct: 'on call', rollback: true, promotedFrom: 'qa' },
      expected: {
        'Slipway-App': 'web',
        'Slipway-Env': 'staging',
        'Slipway-Previous-Tag': '1.0',
        'Slipway-To': '1.1',
        'Slipway-Promoted-From-Env': 'qa',
        'Slipway-Forced': 'hotfix for the outage',
        'Slipway-Direct': 'on call',
        'Slipway-Rollback': 'true',
        'Slipway-Actor': 'ana',
        'Slipway-Source-Commit': 'abc123',
      },
    },
  ];
  it.each(cases)('$name', ({ trailers, expected }) => {
    const lines = trailerLines(trailers);
    expect(lines).toEqual(expected);
    // Read back from a commit message: subject, body, then the trailer paragraph.
    const message = `promote web 1.1 to staging\n\nSome body text: with a colon.\n\n${Object.entries(lines)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n')}\n`;
    expect(parseTrailers(message)).toEqual(expected);
    expect(previousTagOf(parseTrailers(message))).toBe(trailers.from);
  });

  it.each([
    ['the old name is still read', 'x\n\nSlipway-From: 0.9', '0.9'],
    ['a commit without trailers', 'just a message', undefined],
    ['only the last paragraph counts', 'x\n\nSlipway-Previous-Tag: 1\n\nnot: a trailer here', undefined],
  ] as const)('%s', (_name, message, previous) => {
    expect(previousTagOf(parseTrailers(message))).toBe(previous);
  });
});

describe('bundle trailers: several apps in one commit, read back as the set', () => {
  const shared = { env: 'production', sourceCommit: 'abc123', actor: 'ana' };
  it('one app: the ordinary trailers (a bundle of one reads as a promotion)', () => {
    const lines = trailersFor({ ...shared, moves: [{ app: 'web', from: '1.0', to: '1.1', tracked: 'semver ~1.1' }] });
    expect(lines).toEqual(trailerLines({ ...shared, app: 'web', from: '1.0', to: '1.1', tracked: 'semver ~1.1' }));
    expect(bundleOf(lines)).toBeUndefined();
  });

  it('several apps: Slipway-Bundle and Slipway-Bundle-Previous, no Slipway-App; bundleOf reads them back in order', () => {
    const moves = [
      { app: 'api', from: undefined, to: '2.0@sha256:' + 'a'.repeat(64) },
      { app: 'web', from: '1.0', to: '1.1', tracked: 'semver ~1.1' },
    ];
    const lines = trailersFor({ ...shared, moves, promotedFrom: 'staging', rollback: true });
    expect(lines).toEqual({
      'Slipway-Env': 'production',
      'Slipway-Bundle': `api=2.0@sha256:${'a'.repeat(64)},web=1.1`,
      'Slipway-Bundle-Previous': 'api=none,web=1.0',
      'Slipway-Promoted-From-Env': 'staging',
      'Slipway-Rollback': 'true',
      'Slipway-Tracked': 'web=semver ~1.1',
      'Slipway-Actor': 'ana',
      'Slipway-Source-Commit': 'abc123',
    });
    const message = `promote 2 apps (production)\n\n~ values/web.yaml\n\n${Object.entries(lines)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n')}\n`;
    expect(bundleOf(parseTrailers(message))).toEqual(moves.map(({ app, from, to }) => ({ app, from, to })));
    expect(parseTrailers(message)['Slipway-App']).toBeUndefined();
  });
});
