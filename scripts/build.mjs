// Compiles slipway's TypeScript to dist/ (run by `npm ci` through `prepare`, and by `npm test`),
// so the CLI starts without transpiling: one esbuild bundle per entry point, with the code the
// entries share (the generators above all) in common chunks, packages left to node_modules.
// dist/sources.json lists every input with its size and modification time: the launchers use
// dist/ only while it is fresher than every source it was built from (see src/cli/launch.mjs).
import { build } from 'esbuild';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Leaves every npm package to node_modules except those `bundled` matches: kubernetes-models is
 * 22 MB on disk of which slipway requires the schemas of ~30 kinds (src/validate/core-models.cjs),
 * so those go into dist/ and kubernetes-models is a devDependency.
 */
function externalPackagesBut(bundled) {
  return {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (bundled.test(args.path) ? undefined : { path: args.path, external: true }));
    },
  };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const started = Date.now();
rmSync(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    slipway: 'src/cli/slipway.ts',
    synth: 'src/cli/synth-main.ts',
    generators: 'generators/index.ts',
    // Built only to write dist/core-fields.json and dist/env-schema-validate.cjs below, then removed.
    'core-schemas': 'src/validate/core-schemas.ts',
    'env-validator': 'src/load/env-validator.ts',
  },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackagesBut(/^kubernetes-models\//)],
  // The bundled CommonJS (kubernetes-models) requires its own dependencies: esbuild's ESM output
  // has no `require` of its own, so every output file gets Node's.
  banner: { js: "import { createRequire as __slipwayCreateRequire } from 'node:module'; const require = __slipwayCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const sources = {};
// Bundled packages are left out: they change only with `npm ci`, which builds again.
for (const input of Object.keys(result.metafile.inputs).sort()) {
  if (input.startsWith('node_modules/')) continue;
  const { size, mtimeMs } = statSync(join(root, input));
  sources[input] = [size, mtimeMs];
}
mkdirSync(dist, { recursive: true });
// The unknown-field tables of built-in kinds, from @kubernetes/client-node (a devDependency:
// 57 MB that an installed slipway does not need). See src/validate/core-field-tables.ts.
const coreSchemas = join(dist, 'core-schemas.js');
const { collectCoreFieldTables } = await import(pathToFileURL(coreSchemas).href);
writeFileSync(join(dist, 'core-fields.json'), `${JSON.stringify(collectCoreFieldTables())}\n`);
rmSync(coreSchemas);
rmSync(`${coreSchemas}.map`);
// The env schema compiled once (ajv standalone), so commands do not compile it at start-up.
const envValidator = join(dist, 'env-validator.js');
const { standaloneEnvValidator } = await import(pathToFileURL(envValidator).href);
writeFileSync(join(dist, 'env-schema-validate.cjs'), standaloneEnvValidator());
rmSync(envValidator);
rmSync(`${envValidator}.map`);
writeFileSync(join(dist, 'sources.json'), `${JSON.stringify(sources)}\n`);
if (!process.argv.includes('--quiet')) {
  console.log(`dist/: ${Object.keys(sources).length} sources compiled in ${Date.now() - started} ms (${relative(process.cwd(), dist) || 'dist'})`);
}
