import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { ConfigError } from '../../src/core/config-error.js';
import { generate } from '../../src/synth.js';
import { addApp, addEnv } from '../../src/scaffold/add.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { run } from '../support/run.js';

/** Every file of the project's charts-src/ and envs/, to prove a refused command wrote nothing. */
function snapshot(p: Project): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of ['charts-src', 'envs']) for (const f of readdirSync(join(p.root, dir))) files.set(`${dir}/${f}`, p.read(`${dir}/${f}`));
  return files;
}

let project: Project | undefined;
afterEach(() => project?.cleanup());

describe('slipway add app', () => {
  it('writes the app file and its tag in every env, keeping each env file byte for byte otherwise', async () => {
    project = makeProject();
    const before = snapshot(project);
    const r = addApp({ root: project.root, name: 'billing', delivery: 'canary', port: 8080, tag: '1.10' });
    expect([...r.written].sort()).toEqual(['charts-src/billing.ts', 'envs/production.yaml', 'envs/staging.yaml']);
    for (const env of ['staging', 'production']) {
      const text = project.read(`envs/${env}.yaml`);
      // Only lines were added: the old text is still there, comments included.
      expect(text.startsWith(before.get(`envs/${env}.yaml`)!.trimEnd())).toBe(true);
      expect(parse(text).apps.billing).toEqual({ tag: '1.10' });
    }
    expect(project.read('charts-src/billing.ts')).toContain('delivery: Delivery.canary()');
    // The new app goes through the whole pipeline: loaded, generated, validated.
    const { output } = await generate({ root: project.root, validate: true });
    expect(output.files.has('envs/staging/values/billing.yaml')).toBe(true);
    expect(readFileSync(join(project.root, 'charts-src/billing.ts'), 'utf8')).toContain("from 'slipway'");
  });

  it('adds to the envs chosen only', () => {
    project = makeProject();
    addApp({ root: project.root, name: 'docs', envs: ['staging'] });
    expect(parse(project.read('envs/staging.yaml')).apps.docs).toEqual({ tag: '0.1.0' });
    expect(parse(project.read('envs/production.yaml')).apps.docs).toBeUndefined();
  });

  it.each([
    [{ name: 'devops-toolkit' }, "charts-src/devops-toolkit.ts: app 'devops-toolkit' exists already"],
    [{ name: 'Billing' }, "app name 'Billing' is not a DNS-1035 label"],
    [{ name: '9lives' }, "app name '9lives' is not a DNS-1035 label"],
    [{ name: 'billing', delivery: 'lambda' }, "--delivery: unknown delivery 'lambda' (one of deployment, canary, knative)"],
    [{ name: 'billing', envs: ['qa'] }, "--env: no env 'qa' (envs/ has production, staging)"],
    [{ name: 'billing', port: 70000 }, "--port: '70000' is not a port"],
    [{ name: 'billing', image: 'acme/billing:1.0' }, "--image: 'acme/billing:1.0' must be a repository without tag or digest"],
  ])('refuses %j with one line and writes nothing', (options, message) => {
    project = makeProject();
    const before = snapshot(project);
    let error: unknown;
    try {
      addApp({ root: project.root, ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
    expect(snapshot(project)).toEqual(before);
  });
});

describe('slipway add env', () => {
  it('starts an env that promotes from another with its apps and tags, and the result loads', async () => {
    project = makeProject();
    const r = addEnv({ root: project.root, name: 'qa', promotesFrom: 'staging', promotion: 'pr' });
    expect(r.written).toEqual(['envs/qa.yaml']);
    const qa = parse(project.read('envs/qa.yaml'));
    const staging = parse(project.read('envs/staging.yaml'));
    expect(qa).toMatchObject({ name: 'qa', namespace: 'qa', promotesFrom: 'staging', promotion: 'pr', domain: staging.domain });
    expect(Object.fromEntries(Object.entries(qa.apps).map(([a, v]) => [a, (v as { tag: string }).tag]))).toEqual(
      Object.fromEntries(Object.entries(staging.apps).map(([a, v]) => [a, (v as { tag: string }).tag])),
    );
    const { output } = await generate({ root: project.root, validate: true });
    expect(output.envs.map((e) => e.env.name).sort()).toEqual(['production', 'qa', 'staging']);
  });

  it('through the CLI: --repo and --repo-url land in the file (what Argo CD pulls is not a placeholder)', async () => {
    project = makeProject();
    const r = await run(process.execPath, [
      join(REPO_ROOT, 'src/cli/slipway.mjs'),
      '--root',
      project.root,
      'add',
      'env',
      'qa',
      '--promotes-from',
      'staging',
      '--repo',
      './remotes/qa.git',
      '--repo-url',
      'https://git.example.com/platform/qa.git',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(parse(project.read('envs/qa.yaml'))).toMatchObject({
      repo: './remotes/qa.git',
      repoURL: 'https://git.example.com/platform/qa.git',
    });
  }, 60_000);

  it.each([
    [{ name: 'staging' }, "envs/staging.yaml: env 'staging' exists already"],
    [{ name: 'QA' }, "env name 'QA' is not a DNS-1035 label"],
    [{ name: 'qa', promotesFrom: 'dev' }, "--promotes-from: no env 'dev'"],
    [{ name: 'qa', promotion: 'merge' }, "--promotion: 'merge' is not direct or pr"],
  ])('refuses %j with one line and writes nothing', (options, message) => {
    project = makeProject();
    const before = snapshot(project);
    expect(() => addEnv({ root: project!.root, ...options })).toThrow(message);
    expect(snapshot(project)).toEqual(before);
  });
});
