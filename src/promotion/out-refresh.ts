/**
 * Keeps out/ in step with envs/ after a promotion or a pull changed an env file's tags: when the
 * platform repo has an out/ that synth wrote (its `.slipway-out` marker), its `envs/<env>/` is
 * replaced with the env's new render, the very files the env repo got, through synth's own
 * writer (atomic swap, synth's lock). So `npm run synth -- --check` keeps passing after
 * `slipway promote`. Nothing else in out/ is touched; no out/ (or one synth did not write), no
 * write. When out/ is committed, the platform-repo commit carries these files along.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedPlatform } from '../../generators/platform.js';
import { generate } from '../synth.js';
import { OUT_MARKER } from '../write/out-dir-safety.js';
import { readTree, replaceOutDir } from '../write/out-dir.js';

/** Where synth writes by default, relative to the platform repo. */
const OUT_DIR = 'out';

/** The env's render (env-repo paths → content), with `text` as envs/<env>.yaml. */
export async function renderEnvFiles(
  root: string,
  env: string,
  text: string,
  options: { readonly crdsDir?: string; readonly validate?: boolean } = {},
): Promise<Map<string, string>> {
  return (await renderEnv(root, env, text, options)).files;
}

/** renderEnvFiles, with the render behind the files (for `unchangedFrom` of a later render). */
export async function renderEnv(
  root: string,
  env: string,
  text: string,
  options: { readonly crdsDir?: string; readonly validate?: boolean; readonly unchangedFrom?: GeneratedPlatform } = {},
): Promise<{ readonly files: Map<string, string>; readonly output: GeneratedPlatform }> {
  const { output } = await generate({
    root,
    crdsDir: options.crdsDir,
    envOverrides: new Map([[`envs/${env}.yaml`, text]]),
    onlyEnvs: [env],
    validate: options.validate ?? true,
    unchangedFrom: options.unchangedFrom,
  });
  const prefix = `envs/${env}/`;
  const files = new Map([...output.files].filter(([p]) => p.startsWith(prefix)).map(([p, c]) => [p.slice(prefix.length), c]));
  return { files, output };
}

/** The out/ paths a refresh of `env` writes (for committing them along when out/ is tracked). */
export function outPathsOf(env: string): string[] {
  return [`${OUT_DIR}/envs/${env}`];
}

/** Whether the platform repo has an out/ written by synth. */
export function hasOutDir(root: string): boolean {
  return existsSync(join(root, OUT_DIR, OUT_MARKER));
}

/** Replaces out/envs/<env>/ with `files` (env-repo paths) when out/ is synth's; whether anything changed. */
export async function refreshOutEnv(root: string, env: string, files: ReadonlyMap<string, string>): Promise<boolean> {
  if (!hasOutDir(root)) return false;
  const outDir = join(root, OUT_DIR);
  const current = readTree(outDir);
  const prefix = `envs/${env}/`;
  const next = new Map([...current].filter(([p]) => !p.startsWith(prefix)));
  for (const [p, c] of files) next.set(prefix + p, c);
  const same = next.size === current.size && [...next].every(([p, c]) => current.get(p) === c);
  if (same) return false;
  await replaceOutDir(outDir, next, { root, label: `${OUT_DIR}/` });
  return true;
}
