// Compiles slipway's TypeScript to dist/ (run by `npm ci` through `prepare`, and by `npm test`),
// so the CLI starts without transpiling: one esbuild bundle per entry point, with the code the
// entries share (the generators above all) in common chunks, packages left to node_modules.
// dist/sources.json lists every input with its size and modification time: the launchers use
// dist/ only while it is fresher than every source it was built from (see src/cli/launch.mjs).
import { build } from 'esbuild';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const started = Date.now();
rmSync(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { slipway: 'src/cli/slipway.ts', synth: 'src/cli/synth-main.ts', generators: 'generators/index.ts' },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const sources = {};
for (const input of Object.keys(result.metafile.inputs).sort()) {
  const { size, mtimeMs } = statSync(join(root, input));
  sources[input] = [size, mtimeMs];
}
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, 'sources.json'), `${JSON.stringify(sources)}\n`);
if (!process.argv.includes('--quiet')) {
  console.log(`dist/: ${Object.keys(sources).length} sources compiled in ${Date.now() - started} ms (${relative(process.cwd(), dist) || 'dist'})`);
}
