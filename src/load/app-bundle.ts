/**
 * Imports the app files of charts-src/ through esbuild (all of them as one module, helpers they
 * share included once) instead of one by one through Node's module hooks. Once hooks are
 * registered, every later import of the process (cdk8s, yaml, ajv, simple-git...) pays a message
 * round trip to the hooks' thread: measured on a 100-app promotion, ~0.5 s of CPU. The CLI's
 * launcher (launch.mjs) says where the running generators are; without it (vitest, a library
 * user) app files are imported one by one as before.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildFailure, type BuildOptions, type Plugin } from 'esbuild';

/** Where the generators the CLI runs are: app files' `import ... from 'slipway'` must get them. */
export interface GeneratorsLocation {
  /** URL of the generators module the CLI itself uses (dist/generators.js, or the sources'). */
  readonly url: string;
  /** Real path of a checkout's generators/index.ts, for app files that import it relatively. */
  readonly source?: string;
}

/** From launch.mjs: set when the CLI runs, so app files get its generators, one copy in the process. */
export function runningGenerators(): GeneratorsLocation | undefined {
  return (globalThis as { slipwayGenerators?: GeneratorsLocation }).slipwayGenerators;
}

/** An app file's module, or why it could not be built (esbuild's first error, with its place). */
export type BundledImport = Promise<{ default?: unknown }> | { readonly buildError: unknown };

/**
 * Builds `paths` (absolute, in `dir`) and imports them; the map keeps their order. The build
 * output lives in a folder of its own, removed once every import has settled (on the one-module
 * path, before this returns).
 *
 * First as one module: an entry that imports each file's namespace, so esbuild writes one file
 * and Node imports one (1000 app files: ~1.5 s → ~0.45 s, most of the difference being a
 * thousand files written and read back). When that fails to build or to run (a file that does
 * not parse, or throws as it is imported), each file is built and imported on its own, so every
 * file's problem is reported as its own; the files that had run then run a second time.
 */
export async function importBundled(
  dir: string,
  paths: readonly string[],
  generators: GeneratorsLocation,
): Promise<Map<string, BundledImport>> {
  const together = await importAsOne(dir, paths, generators);
  if (together) return new Map(paths.map((path, i) => [path, Promise.resolve(together[i]!)]));
  return importEach(dir, paths, generators);
}

/** Every file's module namespace, in `paths` order, from one build; undefined when that fails. */
async function importAsOne(dir: string, paths: readonly string[], generators: GeneratorsLocation): Promise<unknown[] | undefined> {
  const outdir = scratchDir(dir);
  try {
    const entry =
      paths.map((path, i) => `import * as m${i} from ${JSON.stringify(path)};`).join('\n') +
      `\nexport const modules = [${paths.map((_, i) => `m${i}`).join(', ')}];\n`;
    const outfile = join(outdir, 'apps.mjs');
    const failure = await buildApps(
      dir,
      { stdin: { contents: entry, resolveDir: dir, sourcefile: 'slipway-apps.mjs' }, outfile },
      generators,
    );
    if (failure !== undefined) return undefined;
    const { modules } = (await import(pathToFileURL(outfile).href)) as { modules: unknown[] };
    return modules;
  } catch {
    return undefined;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Each file built as an entry of one build (helpers shared in chunks), or alone when that fails. */
async function importEach(dir: string, paths: readonly string[], generators: GeneratorsLocation): Promise<Map<string, BundledImport>> {
  const outdir = scratchDir(dir);
  const imports = new Map<string, BundledImport>();
  try {
    const together = await buildApps(dir, entries(dir, paths, outdir, true), generators);
    if (together === undefined) {
      for (const path of paths) imports.set(path, importOutput(outdir, path));
    } else {
      // One file does not build: build each alone, so the others still load and every file's
      // problem is reported (helpers are then bundled into each file that imports them).
      for (const [i, path] of paths.entries()) {
        const own = join(outdir, 'alone', String(i));
        const alone = await buildApps(dir, entries(dir, [path], own, false), generators);
        imports.set(path, alone === undefined ? importOutput(own, path) : { buildError: alone });
      }
    }
  } catch (cause) {
    rmSync(outdir, { recursive: true, force: true });
    throw cause;
  }
  const pending = [...imports.values()].filter((i): i is Promise<{ default?: unknown }> => 'then' in i);
  void Promise.allSettled(pending).then(() => rmSync(outdir, { recursive: true, force: true }));
  if (pending.length === 0) rmSync(outdir, { recursive: true, force: true });
  return imports;
}

/** Build options for `paths` as entry points written to `outdir`, one output file each. */
function entries(dir: string, paths: readonly string[], outdir: string, splitting: boolean): BuildOptions {
  return {
    entryPoints: [...paths],
    outdir,
    outbase: dir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting,
  };
}

/** The build's failure, or undefined when it wrote every output. */
async function buildApps(dir: string, what: BuildOptions, generators: GeneratorsLocation) {
  try {
    await build({
      ...what,
      absWorkingDir: dir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // npm packages stay imports, resolved from the output folder as from the app files (it sits
      // in the node_modules nearest to them); only the app files and what they import relatively
      // are built.
      packages: 'external',
      plugins: [runningGeneratorsPlugin(generators)],
      // A map only serves a process that reads it (node --enable-source-maps: stack traces then
      // name the app file's lines); otherwise it only makes the output bigger to write and parse.
      sourcemap: process.sourceMapsEnabled ? 'inline' : false,
      write: true,
      logLevel: 'silent',
    });
    return undefined;
  } catch (cause) {
    if ((cause as BuildFailure)?.errors) return cause;
    throw cause;
  }
}

function importOutput(outdir: string, path: string): Promise<{ default?: unknown }> {
  const imported = import(pathToFileURL(join(outdir, `${basename(path).replace(/\.(m?ts|m?js)$/, '')}.mjs`)).href) as Promise<{
    default?: unknown;
  }>;
  imported.catch(() => undefined); // the caller takes the error, in file order
  return imported;
}

/** `'slipway'`, and a checkout's relative import of its generators, become the running generators. */
function runningGeneratorsPlugin(generators: GeneratorsLocation): Plugin {
  return {
    name: 'running-generators',
    setup(b) {
      b.onResolve({ filter: /^slipway$/ }, () => ({ path: generators.url, external: true }));
      if (generators.source === undefined) return;
      const source = generators.source;
      b.onResolve({ filter: /(^|\/)index(\.js|\.ts)?$/ }, (args) => {
        if (!/^(\.{1,2}\/|\/|file:)/.test(args.path)) return undefined;
        const path = args.path.startsWith('file:') ? fileURLToPath(args.path) : args.path;
        const target = resolve(args.resolveDir, path).replace(/\.js$/, '.ts');
        for (const candidate of [target, `${target}.ts`]) {
          if (existsSync(candidate) && realpathSync(candidate) === source) return { path: generators.url, external: true };
        }
        return undefined;
      });
    },
  };
}

/**
 * A fresh folder for one build, in the node_modules nearest to the app files (so the built files
 * resolve npm packages as the app files would), else in the OS's temporary folder (nothing but
 * 'slipway' and Node's own modules could be imported then anyway).
 */
function scratchDir(dir: string): string {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const modules = join(at, 'node_modules');
    if (existsSync(modules)) {
      const cache = join(modules, '.cache', 'slipway');
      mkdirSync(cache, { recursive: true });
      return mkdtempSync(join(cache, 'apps-'));
    }
    if (dirname(at) === at) return mkdtempSync(join(tmpdir(), 'slipway-apps-'));
  }
}
