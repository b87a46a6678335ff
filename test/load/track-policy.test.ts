/** An app's `track:` policy in an env file: schema-checked, then checked as a policy, one line each naming file, line and field. */
import { describe, expect, it } from 'vitest';
import { loadEnvFiles } from '../../src/load/load-envs.js';
import { makeProject } from '../support/project-fixture.js';

function load(track: string, extra = ''): string | undefined {
  const p = makeProject((x) => x.replace('envs/staging.yaml', 'track: { semver: "~2.9", auto: true }', `track: ${track}`));
  if (extra) p.replace('envs/staging.yaml', 'pinnedTags: false', `pinnedTags: false\n${extra}`);
  try {
    loadEnvFiles(`${p.root}/envs`);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    p.cleanup();
  }
}

describe('track policies in env files', () => {
  it("the sample's policy loads, with its defaults", () => {
    const p = makeProject();
    try {
      const staging = loadEnvFiles(`${p.root}/envs`).find((f) => f.definition.name === 'staging')!;
      expect(staging.definition.apps['devops-toolkit']!.track).toEqual({ semver: '~2.9', order: 'semver', digest: false, auto: true });
    } finally {
      p.cleanup();
    }
  });

  const cases = [
    {
      track: '{ semver: "2.9 ||| x" }',
      error: /envs\/staging\.yaml:\d+(:\d+)?: apps\.devops-toolkit\.track\.semver: '2\.9 \|\|\| x' is not a semver range/,
    },
    { track: '{ allowTags: "(" }', error: /apps\.devops-toolkit\.track\.allowTags: '\(' is not a regular expression/ },
    { track: '{ auto: true }', error: /apps\.devops-toolkit\.track: give semver \(a range\) or allowTags/ },
    { track: '{ semver: "~2.9", order: "newest" }', error: /apps\.devops-toolkit\.track\.order/ },
    { track: '{ semver: "~2.9", pin: true }', error: /apps\.devops-toolkit\.track/ },
  ];
  for (const c of cases) {
    it(`refuses ${c.track}`, () => {
      const message = load(c.track);
      expect(message).toMatch(c.error);
      expect(message!.split('\n')).toHaveLength(1);
    });
  }

  it('an env that requires digests requires digest: true', () => {
    expect(load('{ semver: "~2.9" }', 'requireDigests: true')).toMatch(
      /apps\.devops-toolkit\.track\.digest: staging requires digests \(requireDigests: true\): set digest: true/,
    );
    expect(load('{ semver: "~2.9", digest: true }', 'requireDigests: true')).toBeUndefined();
  });
});
