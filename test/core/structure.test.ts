/**
 * The structure the README's "Where a change goes" describes, kept so by a test: folders import
 * only the ones before them (no cycle), and no source file grows past ~400 lines without saying
 * why at its top.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/project-fixture.js';

/** Each folder may import the ones ranked below it, never one ranked the same or above (siblings excepted: none). */
const LAYERS: Readonly<Record<string, number>> = {
  generators: 0,
  'src/core': 1,
  'src/load': 2,
  'src/validate': 3,
  'src/write': 3,
  'src/crds': 3,
  'src/plan': 4,
  'src/publish': 5,
  'src/registry': 5,
  'src/promotion': 6,
  'src/scaffold': 6,
  'src/status-page': 7,
  'src/cli': 8,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)));
}

/** The layer folder a repo-relative path is in (`src/promotion/steps/x.ts` → `src/promotion`). */
function layerOf(path: string): string | undefined {
  return Object.keys(LAYERS).find((l) => path === l || path.startsWith(`${l}/`));
}

describe('structure', () => {
  it('each folder imports only folders before it (no cycle between folders)', () => {
    const wrong: string[] = [];
    for (const file of [...sourceFiles('src'), ...sourceFiles('generators')]) {
      const from = layerOf(file);
      if (!from) continue;
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), m[1]!));
        const to = layerOf(target);
        if (!to || to === from) continue;
        if (LAYERS[to]! >= LAYERS[from]!) wrong.push(`${file} imports ${target} (${from} may not import ${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('source files stay under ~400 lines, or say why at their top', () => {
    const long: string[] = [];
    for (const file of [...sourceFiles('src'), ...sourceFiles('generators')]) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      const lines = text.split('\n').length;
      if (lines > 420 && !/^[\s\S]{0,2000}?Length \(over the ~400 lines/.test(text)) long.push(`${file}: ${lines} lines`);
    }
    expect(long).toEqual([]);
  });
});
