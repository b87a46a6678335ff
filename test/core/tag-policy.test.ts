import { describe, expect, it } from 'vitest';
import type { TrackPolicy } from '../../generators/environment.js';
import { allowedTags, comparedTo, describePolicy, policyProblems } from '../../src/core/tag-policy.js';

const TAGS = ['2.9.17', '2.9.18', '2.10.0', '2.9.19-rc.1', 'latest', 'v3', '2.9.9'];
const policy = (p: Partial<TrackPolicy>): TrackPolicy => ({ order: 'semver', digest: false, auto: false, ...p });

describe('tag policies', () => {
  const cases: Array<{ name: string; p: Partial<TrackPolicy>; tags?: string[]; newest: string[] }> = [
    { name: 'semver ~2.9: newest 2.9.x, no pre-release', p: { semver: '~2.9' }, newest: ['2.9.18', '2.9.17', '2.9.9'] },
    { name: 'semver asking for pre-releases gets them', p: { semver: '~2.9.19-rc.0' }, newest: ['2.9.19-rc.1'] },
    { name: 'semver >=2: 2.10.0 over 2.9.18 (not alphabetical)', p: { semver: '>=2' }, newest: ['2.10.0', '2.9.18', '2.9.17', '2.9.9'] },
    { name: 'semver with ignoreTags', p: { semver: '~2.9', ignoreTags: '^2\\.9\\.18$' }, newest: ['2.9.17', '2.9.9'] },
    {
      name: 'allowTags + extract, numeric',
      p: { allowTags: '^v(\\d+)$', extract: '$1', order: 'numeric' },
      tags: ['v3', 'v10', 'v9', 'x'],
      newest: ['v10', 'v9', 'v3'],
    },
    {
      name: 'allowTags, alphabetical',
      p: { allowTags: '^main-', order: 'alphabetical' },
      tags: ['main-20240102', 'main-20231231', 'dev-1'],
      newest: ['main-20240102', 'main-20231231'],
    },
    {
      name: 'allowTags + named group, semver',
      p: { allowTags: '^release-(?<v>.+)$', extract: '$<v>', order: 'semver' },
      tags: ['release-1.10.0', 'release-1.9.0', 'release-x'],
      newest: ['release-1.10.0', 'release-1.9.0'],
    },
    { name: 'no match', p: { semver: '~5' }, newest: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = policy(c.p);
      expect(policyProblems(p)).toEqual([]);
      expect(allowedTags(p, c.tags ?? TAGS)).toEqual(c.newest);
    });
  }

  it('never backwards: where a candidate stands against the deployed tag', () => {
    const p = policy({ semver: '~2.9' });
    expect(comparedTo(p, '2.9.18', '2.9.17')).toBe('newer');
    expect(comparedTo(p, '2.9.18', `2.9.18@sha256:${'a'.repeat(64)}`)).toBe('same');
    expect(comparedTo(p, '2.9.18', '2.10.0')).toBe('older');
    expect(comparedTo(p, '2.9.18', 'latest')).toBe('unordered');
    expect(comparedTo(p, '2.9.18', undefined)).toBe('unordered');
  });

  it('each bad policy is one problem naming its field', () => {
    expect(policyProblems(policy({}))).toEqual([{ field: '', message: 'give semver (a range) or allowTags (a regular expression)' }]);
    expect(policyProblems(policy({ semver: 'not a range!' }))[0]!.field).toBe('semver');
    expect(policyProblems(policy({ allowTags: '(' }))[0]!.field).toBe('allowTags');
    expect(policyProblems(policy({ semver: '~1', allowTags: 'x' }))[0]!.message).toContain('not both');
    expect(policyProblems(policy({ semver: '~1', extract: '$1' }))[0]!.field).toBe('extract');
  });

  it('describes itself in one line (the Slipway-Tracked trailer)', () => {
    expect(describePolicy(policy({ semver: '~2.9' }))).toBe('semver ~2.9');
    expect(describePolicy(policy({ allowTags: '^v(\\d+)$', extract: '$1', order: 'numeric' }))).toBe(
      'allowTags ^v(\\d+)$ extract $1 order numeric',
    );
  });
});
