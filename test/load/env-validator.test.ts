/**
 * The env schema's validator comes compiled from dist/ (ajv standalone code, written by the build)
 * when it was compiled from the schema on disk, else ajv compiles it at run time. The two must
 * agree on every document, errors included (their wording feeds every env-file message).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envValidatorsForTest } from '../../src/load/env-validator.js';
import { REPO_ROOT } from '../support/project-fixture.js';

/** Test data bent into every wrong shape (tests may use `any`, biome.jsonc). */
type Data = Record<string, any>;
const sample = (env: string) => parse(readFileSync(join(REPO_ROOT, 'envs', `${env}.yaml`), 'utf8')) as Data;
const firstApp = (d: Data): Data => Object.values(d.apps as Record<string, Data>)[0]!;

/** [what, a change to a sample env file's data]. */
const mutations: Array<[string, (d: Data) => void]> = [
  ['unchanged', () => {}],
  ['no name', (d) => delete d.name],
  ['a number for a namespace', (d) => (d.namespace = 7)],
  ['an unknown top-level field', (d) => (d.replicas = 3)],
  ['an unknown app field', (d) => (firstApp(d).tga = '1.0')],
  ['a tag with a space', (d) => (firstApp(d).tag = '1 0')],
  ['no tag', (d) => delete firstApp(d).tag],
  ['apps as a list', (d) => (d.apps = ['a'])],
  ['promotion neither direct nor pr', (d) => (d.promotion = 'sometimes')],
  ['an app name with capitals', (d) => (d.apps.Web = { tag: '1.0' })],
  ['the repo as a mapping', (d) => (d.repo = { url: 'x' })],
  ['platform as a string', (d) => (d.platform = 'istio')],
  ['a fleet without clusters', (d) => (d.fleet = [])],
  ['many mistakes at once', (d) => Object.assign(d, { name: 1, namespace: 'Bad_NS', extra: true, apps: { x: { tag: 1 } } })],
];

describe('the env schema validator', () => {
  const { precompiled, compiled } = envValidatorsForTest();

  // Without a build (a checkout before npm ci) there is nothing to compare: skipped, not passed.
  const built = existsSync(join(REPO_ROOT, 'dist/sources.json')) || Boolean(process.env.CI);

  it.skipIf(!built)('comes from dist/ when dist/ is built from these sources', () => {
    expect(precompiled).toBeTypeOf('function');
  });

  it
    .skipIf(!precompiled)
    .each(mutations.flatMap(([what, change]) => ['staging', 'production'].map((env) => [`${env}: ${what}`, env, change] as const)))(
    '%s: dist/ and ajv agree, errors included',
    (_what, env, change) => {
      const data = sample(env);
      change(data);
      const ok = compiled(data);
      expect(precompiled!(data)).toBe(ok);
      expect(JSON.parse(JSON.stringify(precompiled!.errors ?? null))).toEqual(JSON.parse(JSON.stringify(compiled.errors ?? null)));
      if (_what.endsWith('unchanged')) expect(ok).toBe(true);
      else expect(ok).toBe(false);
    },
  );
});
