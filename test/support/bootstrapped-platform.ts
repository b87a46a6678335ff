/**
 * The sample as a committed git platform repo whose production promotes directly, its env repos
 * bootstrapped (local bare repos), and a CLI runner on it: what the registry tests start from.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { GIT_ID } from './git-id.js';
import { makeProject, REPO_ROOT, type Project } from './project-fixture.js';
import { run, type Run } from './run.js';
import { commitAsPlatformRepo } from './platform-origin.js';

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
  commitAsPlatformRepo(p.root);
  const cli = (env: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', p.root, '--no-color', ...args], {
      env: { ...process.env, ...GIT_ID, USER: 'tester', SLIPWAY_ACTOR: 'tester', ...extraEnv, ...env },
    });
  const boot = await cli({}, 'bootstrap', '-q');
  expect(boot.code, boot.stderr).toBe(0);
  return Object.assign(p, { cli });
}
