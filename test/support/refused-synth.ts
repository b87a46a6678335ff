/**
 * The bad-input tables' one check: synth refuses a project, every problem is one line, and
 * nothing was written (out/ holds only a sentinel, no file of the project changed or appeared).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { ConfigError } from '../../src/core/config-error.js';
import { synth } from '../../src/synth.js';
import type { Project } from './project-fixture.js';

const SENTINEL = 'SENTINEL.txt';
const SENTINEL_TEXT = 'left by the test; synth must not touch out/\n';

/** Every file under `dir` (symlinked folders, i.e. generators/ and node_modules/, not followed). */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d).sort()) {
      const p = path.join(d, entry);
      const stat = fs.lstatSync(p);
      if (stat.isSymbolicLink()) files.set(path.relative(dir, p), `-> ${fs.readlinkSync(p)}`);
      else if (stat.isDirectory()) walk(p);
      else if (!stat.isFile()) files.set(path.relative(dir, p), '(special file)');
      else files.set(path.relative(dir, p), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/**
 * Runs synth on `project`, expects a ConfigError whose problems are exactly `expected` (in any
 * order), each one line with no control character, and nothing written anywhere. With
 * `exactPositions`, an expected line without a line number must have none either.
 */
export async function expectSynthRefused(
  project: Project,
  expected: readonly string[],
  options: { readonly exactPositions?: boolean } = {},
): Promise<void> {
  const outDir = path.join(project.root, 'out');
  fs.mkdirSync(outDir);
  fs.writeFileSync(path.join(outDir, SENTINEL), SENTINEL_TEXT);
  const before = snapshot(project.root);

  const error: unknown = await synth({ root: project.root, outDir }).then(
    () => undefined,
    (e: unknown) => e,
  );

  expect(fs.readdirSync(outDir)).toEqual([SENTINEL]);
  expect(fs.readFileSync(path.join(outDir, SENTINEL), 'utf8')).toBe(SENTINEL_TEXT);
  expect(snapshot(project.root)).toEqual(before);

  expect(error, 'synth should have thrown a ConfigError').toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems;
  const got = `synth reported:\n${problems.join('\n')}\n`;
  expect(expected.length, 'a case expects at least one line').toBeGreaterThan(0);
  // Problems in env and app files name their line (`envs/x.yaml:12: ...`); a table row that gives
  // no position is compared without it (test/load/problem-lines.test.ts checks the lines).
  const unpositioned = problems.map(withoutPosition);
  for (const line of expected) expect(hasPosition(line) || options.exactPositions ? problems : unpositioned, got).toContain(line);
  expect(problems, got).toHaveLength(expected.length);
  for (const line of problems) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

const POSITION = /^((?:envs|charts-src)\/[^\s:]+):\d+(?::\d+)?: /;

/** `envs/x.yaml:12: apps.a: ...` → `envs/x.yaml: apps.a: ...`. */
function withoutPosition(line: string): string {
  return line.replace(POSITION, '$1: ');
}

function hasPosition(line: string): boolean {
  return POSITION.test(line);
}
