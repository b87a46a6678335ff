/**
 * Which directory synth may replace. Synth deletes everything in its output directory, so it
 * refuses any directory it cannot prove is its own:
 *   - never the platform repo, a folder that holds it, its sources (envs/, charts-src/,
 *     generators/, src/, node_modules/, .git/, or anything inside them), anything inside a .git
 *     directory, the home directory or `/`, whatever they contain;
 *   - otherwise only a directory that is missing, empty, or carries the marker file synth writes
 *     (`.slipway-out`), or that holds nothing but the `charts/` and `envs/` older synths wrote.
 * Paths are compared after resolving symbolic links, so a link cannot smuggle one of them in.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../core/config-error.js';

/** The file synth writes at the top of its output directory to recognise it on the next run. */
export const OUT_MARKER = '.slipway-out';

/** The marker's content: constant, so the output stays byte-identical across runs. */
export const OUT_MARKER_TEXT =
  'Written by slipway synth (npm run synth), which replaces this whole directory on each run.\n' +
  'Do not keep anything else here: edit charts-src/ and envs/ instead.\n';

/** Folders of the platform repo that synth reads (or git owns): never an output directory, nor anything inside them. */
const SOURCES = ['envs', 'charts-src', 'generators', 'src', 'node_modules', '.git'] as const;

const FIX = 'give --out a directory of its own (the default is out/)';

/** How messages name the output directory: repo-relative when inside the platform repo, else absolute, with a trailing `/`. */
export function outDirLabel(outDir: string, root: string): string {
  const abs = resolve(outDir);
  if (isInside(abs, resolve(root))) return `${relative(resolve(root), abs)}/`;
  return `${abs.replace(/\/+$/, '')}/`;
}

/**
 * The directory synth will actually replace: `outDir`, or the directory it links to. A link
 * that points nowhere is refused.
 */
export function resolveOutDir(outDir: string, label: string): string {
  const abs = resolve(outDir);
  let link = false;
  try {
    link = lstatSync(abs).isSymbolicLink();
  } catch {
    return abs;
  }
  if (!link) return abs;
  try {
    return realpathSync(abs);
  } catch {
    throw new ConfigError(`${label}: refusing to use as the output directory: it is a symbolic link to a path that does not exist; ${FIX}`);
  }
}

/**
 * Refuses, before anything is generated or written, an output directory synth must never
 * replace, whatever it holds (see the list at the top of this file).
 */
export function refuseForbiddenOutDir(outDir: string, root: string, label: string): void {
  const reason = forbiddenReason(outDir, root);
  if (reason) throw new ConfigError(`${label}: refusing to use as the output directory: ${reason}`);
}

function forbiddenReason(outDir: string, root: string): string | undefined {
  const out = realPathOf(outDir);
  const repo = realPathOf(root);
  const replaces = 'and synth replaces the whole output directory';
  if (out === '/') return `it is the filesystem root; ${FIX}`;
  if (out === realPathOf(homedir())) return `it is your home directory; ${FIX}`;
  if (out === repo) return `it is the platform repo (--root) itself, ${replaces}; ${FIX}`;
  if (isInside(repo, out)) return `it holds the platform repo (--root), ${replaces}; ${FIX}`;
  for (const source of SOURCES) {
    const places = new Set([join(repo, source), realPathOf(join(root, source))]);
    for (const place of places) {
      if (out === place) return `it is the platform repo's ${source}/, ${replaces}; ${FIX}`;
      if (isInside(out, place)) return `it is inside the platform repo's ${source}/; ${FIX}`;
    }
  }
  if (out.split(sep).includes('.git')) return `it is inside a .git directory; ${FIX}`;
  if (existsSync(out) && !statSync(out).isDirectory()) return `it is a file, not a directory; ${FIX}`;
  return undefined;
}

/**
 * Refuses an existing output directory that synth did not write: one that is not empty and has
 * no marker. Called again under the lock, right before the swap.
 */
export function assertOwnedOutDir(outDir: string, label: string): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) {
    throw new ConfigError(`${label}: refusing to use as the output directory: it is a file, not a directory; ${FIX}`);
  }
  const entries = readdirSync(outDir).sort();
  if (entries.length === 0) return;
  if (entries.includes(OUT_MARKER) && lstatSync(join(outDir, OUT_MARKER)).isFile()) return;
  // Upgrading: slipway versions before the marker wrote out/ with exactly charts/<app>/ and
  // envs/<env>/ and nothing else. Such a directory is accepted as slipway's (and gets the marker
  // on this run) so existing checkouts are not refused; anything more (a file at the top, a file
  // directly in charts/ or envs/ such as envs/production.yaml) is not what synth wrote.
  if (isLegacyOutDir(outDir, entries)) return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
  throw new ConfigError(
    `${label}: refusing to replace a directory slipway synth did not write: it holds ${shown} and no ${OUT_MARKER} marker; ` +
      'give --out a new or empty directory, or empty this one yourself',
  );
}

function isLegacyOutDir(outDir: string, entries: readonly string[]): boolean {
  return entries.every((entry) => {
    if (entry !== 'charts' && entry !== 'envs') return false;
    const dir = join(outDir, entry);
    if (!lstatSync(dir).isDirectory()) return false;
    return readdirSync(dir).every((child) => lstatSync(join(dir, child)).isDirectory());
  });
}

/** `path` with symbolic links resolved, also when its last parts do not exist yet. */
function realPathOf(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realPathOf(parent), basename(abs));
  }
}

/** Whether `inner` is strictly inside `outer`. */
function isInside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
