/**
 * The CLI builds charts-src/ with esbuild before importing it (src/load/app-bundle.ts), where
 * vitest and library users import each file as it is: what an app file may do and how its
 * mistakes read must not depend on which. Run through the CLI on copies of the sample.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { run } from '../support/run.js';

const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

function project(): Project {
  const p = makeProject();
  projects.push(p);
  return p;
}

const validate = (p: Project, env: Record<string, string> = {}) =>
  run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), 'validate', '--root', p.root], {
    env: { ...process.env, NO_COLOR: '1', ...env },
  });

/** What the build leaves behind, in the node_modules nearest to charts-src/. */
function scratchLeft(dir: string): string[] {
  const cache = join(dir, '.cache', 'slipway');
  return existsSync(cache) ? readdirSync(cache) : [];
}

const GO_DEMO = 'charts-src/go-demo-9.ts';
const TOOLKIT = 'charts-src/devops-toolkit.ts';

describe('app files through the CLI', () => {
  it('share a helper module, import npm packages from their nearest node_modules, and get the running generators however they name them', async () => {
    const p = project();
    // Counts its own evaluations: bundled into each importer, it would run once per app file.
    p.write(
      'charts-src/lib/labels.ts',
      'const g = globalThis as { labelsRuns?: number };\ng.labelsRuns = (g.labelsRuns ?? 0) + 1;\nexport const runs = () => g.labelsRuns;\n',
    );
    p.write('charts-src/node_modules/fake-port/package.json', JSON.stringify({ name: 'fake-port', type: 'module', exports: './index.js' }));
    p.write('charts-src/node_modules/fake-port/index.js', 'export const port = 8080;\n');
    p.replace(
      GO_DEMO,
      "import { defineApp } from 'slipway';",
      [
        "import { defineApp } from 'slipway';",
        "import * as relative from '../generators/index.js';",
        "import { port } from 'fake-port';",
        "import { runs } from './lib/labels.js';",
        "if (relative.defineApp !== defineApp) throw new Error('two copies of the generators');",
        "if (port !== 8080) throw new Error('fake-port not loaded');",
        "if (runs() !== 1) throw new Error('lib/labels ran ' + runs() + ' times');",
      ].join('\n'),
    );
    p.replace(
      TOOLKIT,
      "import { defineApp, Delivery, Security } from 'slipway';",
      [
        "import { defineApp, Delivery, Security } from 'slipway';",
        "import { runs } from './lib/labels.js';",
        "if (runs() !== 1) throw new Error('lib/labels ran ' + runs() + ' times');",
      ].join('\n'),
    );
    const r = await validate(p);
    expect(r.stderr).not.toMatch(/cannot be loaded/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^valid: /m);
    expect(scratchLeft(join(p.root, 'charts-src/node_modules'))).toEqual([]);
  }, 60_000);

  it('a syntax error in one file, a throw in another and a broken helper of a third: one line each, the rest still checked', async () => {
    const p = project();
    p.replace(GO_DEMO, "  image: 'vfarcic/go-demo-9',", "  image: 'vfarcic/go-demo-9' oops,");
    p.replace(
      'charts-src/devops-paradox.ts',
      "import { defineApp, Delivery, Security } from 'slipway';",
      "import { defineApp, Delivery, Security } from 'slipway';\nthrow new Error('no database\\nconfigured');",
    );
    p.write('charts-src/lib/broken.ts', 'export const x = ;\n');
    p.replace(
      TOOLKIT,
      "import { defineApp, Delivery, Security } from 'slipway';",
      "import { defineApp, Delivery, Security } from 'slipway';\nimport './lib/broken.js';",
    );
    p.write(
      'charts-src/bad-port.ts',
      "import { defineApp } from 'slipway';\nexport default defineApp({ name: 'bad-port', image: 'example/b', port: 70000, probePath: '/' });\n",
    );
    const r = await validate(p);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      'error: charts-src/bad-port.ts: port: 70000 is not a port (1-65535)',
      'error: charts-src/devops-paradox.ts: cannot be loaded: no database',
      expect.stringMatching(/^error: charts-src\/devops-toolkit\.ts: cannot be loaded: lib\/broken\.ts:1:\d+: Unexpected ";"$/),
      'error: charts-src/go-demo-9.ts:8:30: cannot be loaded: Expected "}" but found "oops"',
    ]);
  }, 60_000);

  it('from the sources (a stale dist/), app files load the same way', async () => {
    const p = project();
    p.replace(GO_DEMO, "  image: 'vfarcic/go-demo-9',", "  image: 'vfarcic/go-demo-9' oops,");
    const r = await validate(p, { SLIPWAY_FROM_SOURCE: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: charts-src/go-demo-9.ts:8:30: cannot be loaded: Expected "}" but found "oops"');
  }, 60_000);
});
