import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../support/project-fixture.js';

const help = (...args: string[]) =>
  spawnSync(process.execPath, [`${REPO_ROOT}/src/cli/slipway.mjs`, ...args, '--help'], { encoding: 'utf8' });

/** The commands a `--help` lists (its "Commands:" block); for one with subcommands, those instead. */
function commands(path: string[] = []): string[][] {
  const text = help(...path).stdout;
  if (!text.includes('\nCommands:\n')) return [path];
  const listed = [...text.slice(text.indexOf('\nCommands:\n')).matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  return listed.flatMap((c) => commands([...path, c]));
}

describe('--help', () => {
  it('shows examples under every command', () => {
    const all = commands();
    expect(all.length).toBeGreaterThan(12);
    const without = all
      .filter((c) => !/\nExamples:\n {2}(npm run|slipway|source|mkdir|npx)/.test(help(...c).stdout))
      .map((c) => c.join(' '));
    expect(without).toEqual([]);
    // One block each: a command's own help text and src/cli/help-examples.ts never both give one.
    const twice = all.filter((c) => help(...c).stdout.split('\nExamples:\n').length > 2).map((c) => c.join(' '));
    expect(twice).toEqual([]);
  });
});
