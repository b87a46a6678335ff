// Starts one of slipway's entry points (`slipway`, `synth`): the compiled dist/<entry>.js when it
// is fresh, else the TypeScript sources through esbuild's module hooks (ts-hooks.mjs). Fresh: built
// from exactly the sources on disk now (dist/sources.json, their sizes and times), so a checkout
// whose src/ was edited since the last build never runs stale code; it runs the sources, slower.
// Either way the user's charts-src/*.ts are built by esbuild when a command loads them
// (src/load/app-bundle.ts): from dist/, no module hooks are registered at all.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);

function distIsFresh() {
  let sources;
  try {
    sources = JSON.parse(readFileSync(new URL('dist/sources.json', root), 'utf8'));
  } catch {
    return false;
  }
  for (const [file, [size, mtimeMs]] of Object.entries(sources)) {
    try {
      const s = statSync(new URL(file, root));
      if (s.size !== size || s.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Imports the entry's module (`slipway` → main of src/cli/slipway.ts or dist/slipway.js). An
 * installed slipway (npm) ships dist/ without the sources: dist is then the only code there is.
 * `globalThis.slipwayGenerators` tells the app-file loader which generators the CLI runs, so app
 * files importing 'slipway' (or a checkout's ../generators/index.js) get those, not a second copy.
 */
export async function load(entry, source) {
  // `slipway plan | head`, `npm run synth -- --json | head`: a closed pipe ends the output, not
  // with a stack trace.
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const generatorsSource = fileURLToPath(new URL('generators/index.ts', root));
  const installed = !existsSync(generatorsSource);
  const sourcePath = installed ? undefined : realpathSync(generatorsSource);
  if (installed || (process.env.SLIPWAY_FROM_SOURCE !== '1' && distIsFresh())) {
    globalThis.slipwayGenerators = { url: new URL('dist/generators.js', root).href, source: sourcePath };
    return import(new URL(`dist/${entry}.js`, root).href);
  }
  const sourceUrl = new URL('generators/index.ts', root).href;
  register('./ts-hooks.mjs', import.meta.url, { data: { generators: { sourceUrl } } });
  globalThis.slipwayGenerators = { url: sourceUrl, source: sourcePath };
  return import(new URL(source, root).href);
}
