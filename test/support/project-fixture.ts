/**
 * A throwaway copy of the sample platform repo, for tests that feed slipway bad (or good) input.
 *
 *   const p = makeProject((p) => p.editYaml('envs/production.yaml', (d) => { d.apps['x'] = {}; }));
 *   await synth({ root: p.root });
 *   p.cleanup();
 *
 * What is copied: `charts-src/`, `envs/` and `package.json` (so each test may edit them).
 * What is linked: `generators/` and `node_modules/` point back at this checkout. The charts-src
 * files import `'slipway'` (vitest's alias, or the CLI's module hooks, give them this checkout's
 * generators; some tests write files importing `../generators/index.js`, which the link serves)
 * and cdk8s-plus-33, a bare package: Node and vitest resolve a symlink to its real path, so the
 * copied app files load the very same generator and cdk8s modules as `src/`, with no second copy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, stringify } from 'yaml';

/** The slipway checkout (holds the sample charts-src/ and envs/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const COPIED = ['charts-src', 'envs', 'package.json'] as const;
const LINKED = ['generators', 'node_modules'] as const;

export interface Project {
  /** Absolute path of the temp platform repo. */
  readonly root: string;
  /** Writes `text` to `relPath` (parents created). */
  write(relPath: string, text: string): void;
  read(relPath: string): string;
  /**
   * Parses a YAML file, hands `fn` its plain JS data to change in place (or to replace, by
   * returning a value), and writes it back; the file's comments are not kept.
   */
  editYaml(relPath: string, fn: (data: any) => unknown): void;
  /** Replaces the first occurrence of `search` in `relPath`; throws when it is absent, so a stale fixture fails loudly. */
  replace(relPath: string, search: string | RegExp, replacement: string): void;
  exists(relPath: string): boolean;
  remove(relPath: string): void;
  cleanup(): void;
}

export type Mutate = (project: Project) => void;

/** Copies the sample platform repo into a fresh temp dir, then applies `mutate`. */
export function makeProject(mutate?: Mutate): Project {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-'));
  for (const entry of COPIED) fs.cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
  for (const entry of LINKED) fs.symlinkSync(path.join(REPO_ROOT, entry), path.join(root, entry), 'dir');

  const abs = (relPath: string): string => {
    const p = path.resolve(root, relPath);
    if (p !== root && !p.startsWith(root + path.sep)) throw new Error(`${relPath}: outside the project`);
    return p;
  };
  const project: Project = {
    root,
    write(relPath, text) {
      const p = abs(relPath);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, text);
    },
    read(relPath) {
      return fs.readFileSync(abs(relPath), 'utf8');
    },
    editYaml(relPath, fn) {
      const doc = parseDocument(project.read(relPath));
      if (doc.errors.length > 0) throw new Error(`${relPath}: ${doc.errors[0]!.message}`);
      const data: unknown = doc.toJS();
      const replaced = fn(data);
      const next = replaced === undefined ? data : replaced;
      project.write(relPath, stringify(next));
    },
    replace(relPath, search, replacement) {
      const text = project.read(relPath);
      const found = typeof search === 'string' ? text.includes(search) : search.test(text);
      if (!found) throw new Error(`${relPath}: ${String(search)} not found`);
      project.write(relPath, text.replace(search, replacement));
    },
    exists(relPath) {
      return fs.existsSync(abs(relPath));
    },
    remove(relPath) {
      fs.rmSync(abs(relPath), { recursive: true, force: true });
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    mutate?.(project);
  } catch (e) {
    project.cleanup();
    throw e;
  }
  return project;
}
