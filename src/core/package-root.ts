/**
 * slipway's own folder (where its package.json, envs/env.schema.json and generators/ are), found
 * from the running module upwards: the same from the TypeScript sources (src/core/) and from the
 * compiled bundle (dist/, dist/chunks/), where a fixed `../../` would point elsewhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'slipway') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`no slipway package.json above ${fileURLToPath(import.meta.url)}`);
  }
}

/** A file of slipway's own, by its path in the package (`envs/env.schema.json`). */
export function packageFile(path: string): string {
  return join(packageRoot(), path);
}

let version: string | undefined;

/** slipway's version: package.json's, read once (on first use) and kept. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  return version;
}
