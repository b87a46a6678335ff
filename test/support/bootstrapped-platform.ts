/**
 * The sample as a committed git platform repo whose production promotes directly, its env repos
 * bootstrapped (local bare repos), and a CLI runner on it: what the registry tests start from.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { GIT_ID, git } from './git-id.js';
import { makeProject, REPO_ROOT, type Project } from './project-fixture.js';
import { run, type Run } from './run.js';

export type BootstrappedPlatform = Project & { cli: (env: Record<string, string>, ...args: string[]) => Promise<Run> };

/** `edit` changes the sample before its first commit; `extraEnv` goes to every CLI run. */
export async function bootstrappedPlatform(
  edit?: (p: Project) => void,
  extraEnv: Record<string, string> = {},
): Promise<BootstrappedPlatform> {
  const p = makeProject((x) => {
    x.replace('envs/production.yaml', 'promotion: pr', 'promotion: direct');
    edit?.(x);
  });
  writeFileSync(join(p.root, '.gitignore'), 'node_modules\ngenerators\nout/\n.slipway/\n');
  git(p.root, 'init', '-q', '--initial-branch=main');
  git(p.root, 'add', '-A');
  git(p.root, 'commit', '-qm', 'platform');
  const cli = (env: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', p.root, '--no-color', ...args], {
      env: { ...process.env, ...GIT_ID, USER: 'tester', SLIPWAY_ACTOR: 'tester', ...extraEnv, ...env },
    });
  const boot = await cli({}, 'bootstrap', '-q');
  expect(boot.code, boot.stderr).toBe(0);
  return Object.assign(p, { cli });
}
