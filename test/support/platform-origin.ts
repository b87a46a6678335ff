/** The sample as a git platform repo whose `origin` is a bare repo in `tmp`, pushed; returns both. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './git-id.js';
import { makeProject, type Mutate, type Project } from './project-fixture.js';

export function platformWithOrigin(tmp: string, edit?: Mutate, ignored: readonly string[] = []): { p: Project; origin: string } {
  const p = makeProject(edit);
  writeFileSync(join(p.root, '.gitignore'), ['node_modules', 'generators', 'out/', '.slipway/', ...ignored, ''].join('\n'));
  const origin = join(tmp, 'platform.git');
  git(tmp, 'init', '-q', '--bare', '--initial-branch=main', origin);
  git(p.root, 'init', '-q', '--initial-branch=main');
  git(p.root, 'add', '-A');
  git(p.root, 'commit', '-qm', 'platform');
  git(p.root, 'remote', 'add', 'origin', origin);
  git(p.root, 'push', '-q', '-u', 'origin', 'main');
  return { p, origin };
}
