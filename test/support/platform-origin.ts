/** The sample as a git platform repo (committed, and with a bare `origin` it is pushed to). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './git-id.js';
import { makeProject, type Mutate, type Project } from './project-fixture.js';

/** The sample with a bare `origin` in `tmp`, pushed; returns both. */
export function platformWithOrigin(tmp: string, edit?: Mutate, ignored: readonly string[] = []): { p: Project; origin: string } {
  const p = makeProject(edit);
  commitAsPlatformRepo(p.root, ignored);
  const origin = join(tmp, 'platform.git');
  git(tmp, 'init', '-q', '--bare', '--initial-branch=main', origin);
  git(p.root, 'remote', 'add', 'origin', origin);
  git(p.root, 'push', '-q', '-u', 'origin', 'main');
  return { p, origin };
}

/** Makes the project at `root` a git repo on main with one commit of everything but what `ignored` and the usual leave out. */
export function commitAsPlatformRepo(root: string, ignored: readonly string[] = []): void {
  writeFileSync(join(root, '.gitignore'), ['node_modules', 'generators', 'out/', '.slipway/', ...ignored, ''].join('\n'));
  git(root, 'init', '-q', '--initial-branch=main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'platform');
}
