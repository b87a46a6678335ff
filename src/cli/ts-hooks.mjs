// Module hooks that let Node 20 run slipway's TypeScript (and charts-src/*.ts) directly.
// Why not tsx: its start-up costs ~0.4 s, a third of `npm run synth`. esbuild strips the types
// of each .ts file as Node loads it (no type checking: `npm test` runs tsc for that).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

/**
 * From launch.mjs: `{ source, sourceUrl, compiled }`, slipway's generators/index.ts (path and URL)
 * and, from the compiled CLI, dist's generators.js. An app file's import of the source (a checkout's
 * `../generators/index.js`) gets the compiled one: one copy of the generators in the process, the
 * one the CLI runs.
 */
let generators;
export function initialize(data) {
  generators = data?.generators;
}

/**
 * `import { defineApp } from 'slipway'` in an app file gets the generators the running CLI uses
 * (dist's, or the sources' when the CLI runs from them), wherever the file is: one copy of the
 * generators in the process, even for a platform repo whose node_modules holds another slipway.
 * nodenext imports name the emitted `.js`; before compilation only the `.ts` exists.
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'slipway' && generators && context.parentURL?.endsWith('.ts')) {
    return { url: generators.compiled ?? generators.sourceUrl, format: 'module', shortCircuit: true };
  }
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts') && /^(\.{1,2}\/|\/|file:)/.test(specifier)) {
    const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    const path = fileURLToPath(ts);
    if (existsSync(path)) {
      if (generators?.compiled && realpathSync(path) === generators.source)
        return { url: generators.compiled, format: 'module', shortCircuit: true };
      return { url: ts.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && /\.m?ts$/.test(url)) {
    const path = fileURLToPath(url);
    const { code } = transformSync(readFileSync(path, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcefile: path,
      sourcemap: 'inline',
    });
    return { format: 'module', source: code, shortCircuit: true };
  }
  return nextLoad(url, context);
}
