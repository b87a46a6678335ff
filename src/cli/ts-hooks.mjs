// Module hooks that let Node 20 run slipway's TypeScript (and charts-src/*.ts) directly.
// Why not tsx: its start-up costs ~0.4 s, a third of `npm run synth`. esbuild strips the types
// of each .ts file as Node loads it (no type checking: `npm test` runs tsc for that).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

/**
 * From the compiled CLI (launch.mjs): `{ source, compiled }`, slipway's generators/index.ts and
 * dist's generators.js. An app file's import of the first gets the second: one copy of the
 * generators in the process, the one the compiled CLI runs.
 */
let generators;
export function initialize(data) {
  generators = data?.generators;
}

/** nodenext imports name the emitted `.js`; before compilation only the `.ts` exists. */
export async function resolve(specifier, context, nextResolve) {
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts') && /^(\.{1,2}\/|\/|file:)/.test(specifier)) {
    const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    const path = fileURLToPath(ts);
    if (existsSync(path)) {
      if (generators && realpathSync(path) === generators.source) return { url: generators.compiled, format: 'module', shortCircuit: true };
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
