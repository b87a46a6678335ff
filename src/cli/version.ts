/** slipway's version: package.json's, read once (on first use) and kept. */
import { readFileSync } from 'node:fs';
import { packageFile } from '../core/package-root.js';

let version: string | undefined;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  return version;
}
