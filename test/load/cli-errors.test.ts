/**
 * The real CLI, as users run it (`npm run synth -- ...`, i.e. whatever package.json's `synth`
 * script says, so this keeps testing the shipped entry point if its TypeScript loader changes):
 *   - bad input: exit 1, stderr is exactly the `error: ` lines, no stack trace, out/ untouched;
 *   - good input: exit 0, out/ written;
 *   - `--check`: exit 0 on a fresh out/, exit 1 listing each path once out/ was edited.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { synth } from '../../src/synth.js';
import { readTree } from '../../src/write/out-dir.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run --silent synth -- <args>` from the slipway checkout (--silent: npm adds nothing to the output). */
function runSynth(args: readonly string[]): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' };
  delete env.CDK8S_OUTDIR;
  const result = spawnSync('npm', ['run', '--silent', 'synth', '--', ...args], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const STACK_LINE = /^\s+at /m;

let project: Project | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

describe('synth CLI', () => {
  it('bad input: exit 1, only the error lines on stderr, no stack trace, out/ untouched', () => {
    project = makeProject((p) => {
      p.editYaml('envs/production.yaml', (d) => {
        delete d.apps['devops-toolkit'].tag;
      });
      p.editYaml('envs/staging.yaml', (d) => {
        d.render = 'kustomize';
      });
    });
    const out = path.join(project.root, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'SENTINEL.txt'), 'keep\n');
    const entriesBefore = fs.readdirSync(project.root).sort();

    const run = runSynth(['--root', project.root]);

    expect(run.stderr).toBe(
      'error: envs/production.yaml:23: apps.devops-toolkit.tag: required\n' +
        "error: envs/staging.yaml:37: render: 'kustomize' must be one of: helm, manifests\n",
    );
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
    expect(readTree(out)).toEqual(new Map([['SENTINEL.txt', 'keep\n']]));
    expect(fs.readdirSync(project.root).sort()).toEqual(entriesBefore); // no .out.new/ or .out.old/
  });

  it('good input: exit 0 and out/ written', () => {
    project = makeProject();
    const run = runSynth(['--root', project.root]);

    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.stderr).not.toMatch(/^(error|internal error):/m);
    expect(run.stdout).toMatch(/^synth: 3 apps × 2 envs → \d+ files in out\//);
    expect(run.code).toBe(0);
    const files = readTree(path.join(project.root, 'out'));
    expect(files.has('charts/devops-toolkit/Chart.yaml')).toBe(true);
    expect(files.has('envs/production/apps/devops-toolkit.yaml')).toBe(true);
    expect(files.has('envs/staging/apps/go-demo-9.yaml')).toBe(true);
  });

  it('--check: exit 0 on a fresh out/, exit 1 listing what differs once out/ is edited', async () => {
    project = makeProject();
    const out = path.join(project.root, 'out');
    const { output } = await synth({ root: project.root, outDir: out });

    const fresh = runSynth(['--root', project.root, '--check']);
    expect(fresh.stderr).not.toMatch(STACK_LINE);
    expect(fresh.stdout).toBe(`out/ is up to date (${output.files.size} files)\n`);
    expect(fresh.code).toBe(0);

    const edited = path.join(out, 'envs/production/apps/devops-toolkit.yaml');
    fs.appendFileSync(edited, '# hand edit\n');
    fs.rmSync(path.join(out, 'envs/production/README.md'));
    fs.writeFileSync(path.join(out, 'stray.txt'), 'not generated\n');
    const before = readTree(out);

    const stale = runSynth(['--root', project.root, '--check']);
    expect(stale.stderr).toContain(
      'out/ is not what the sources generate (run npm run synth):\n' +
        '  ~ envs/production/apps/devops-toolkit.yaml\n' +
        '  + envs/production/README.md\n' +
        '  - stray.txt\n',
    );
    expect(stale.stderr).not.toMatch(STACK_LINE);
    expect(stale.stdout).toBe('');
    expect(stale.code).toBe(1);
    expect(readTree(out)).toEqual(before); // --check writes nothing
  });
});
