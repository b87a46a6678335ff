import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../support/project-fixture.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [`${REPO_ROOT}/src/cli/slipway.mjs`, ...args], { encoding: 'utf8' });

describe('slipway completion', () => {
  const bashScript = cli('completion', 'bash').stdout;

  /** What bash completes for `words`, the last being the word under the cursor. */
  function complete(...words: string[]): string[] {
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const r = spawnSync(
      'bash',
      ['-c', `${bashScript}\nCOMP_WORDS=(slipway ${quoted}); COMP_CWORD=${words.length}; _slipway; printf '%s\\n' "\${COMPREPLY[@]}"`],
      {
        encoding: 'utf8',
        cwd: REPO_ROOT,
      },
    );
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean).sort();
  }

  it('completes commands, subcommands, options and choices in bash', () => {
    expect(complete('pro')).toEqual(['promote']);
    expect(complete('add', '')).toEqual(['app', 'env']);
    expect(complete('add', 'app', 'x', '--deli')).toEqual(['--delivery']);
    expect(complete('add', 'app', 'x', '--delivery', '')).toEqual(['canary', 'deployment', 'knative']);
    expect(complete('promote', '--fr')).toEqual(['--from']);
    // An option's value is not taken for a command: `--root dir` then the command.
    expect(complete('--root', '.', 'boot')).toEqual(['bootstrap']);
    // After an option that takes a path, files.
    expect(complete('synth', '--out', 'pack')).toEqual(['package-lock.json', 'package.json']);
  });

  it('prints zsh (through bashcompinit) and fish scripts; refuses other shells with one line', () => {
    expect(cli('completion', 'zsh').stdout).toMatch(/^#compdef slipway\n[\s\S]*bashcompinit[\s\S]*complete -F _slipway slipway/);
    const fish = cli('completion', 'fish').stdout;
    expect(fish).toContain("complete -c slipway -n '__fish_use_subcommand' -a promote");
    expect(fish).toMatch(
      /complete -c slipway -n '__fish_seen_subcommand_from add; and __fish_seen_subcommand_from app' -l delivery -x -a 'deployment canary knative'/,
    );
    const bad = cli('completion', 'powershell');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe("error: completion: unknown shell 'powershell' (bash, zsh or fish)");
  });
});
