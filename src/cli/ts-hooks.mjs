// Module hooks that let Node 20 run slipway's TypeScript sources directly (a checkout whose dist/ is
// stale, SLIPWAY_FROM_SOURCE=1, and scripts run with register-ts.mjs). The compiled CLI registers
// none: app files are built by esbuild instead (src/load/app-bundle.ts).
// Why not tsx: its start-up costs ~0.4 s, a third of `npm run synth`. esbuild strips the types
// of each .ts file as Node loads it (no type checking: `npm test` runs tsc for that).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

/** From launch.mjs or register-ts.mjs: `{ sourceUrl }`, the URL of slipway's generators/index.ts. */
let generators;
export function initialize(data) {
  generators = data?.generators;
}

/**
 * `import { defineApp } from 'slipway'` in a .ts file gets this checkout's generators: one copy of
 * them in the process. nodenext imports name the emitted `.js`; before compilation only the `.ts`
 * exists.
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'slipway' && generators && context.parentURL?.endsWith('.ts')) {
    return { url: generators.sourceUrl, format: 'module', shortCircuit: true };
  }
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts') && /^(\.{1,2}\/|\/|file:)/.test(specifier)) {
    const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    const path = fileURLToPath(ts);
    if (existsSync(path)) return { url: ts.href, format: 'module', shortCircuit: true };
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
