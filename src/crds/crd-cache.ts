/**
 * The platform repo's CRD cache, `.slipway/crds/<component>-<version>/` (git-ignored): what
 * `slipway crds pull` fills and synth validates against by default. A component's folder
 * appears whole or not at all (pull renames it into place once every file verified), so its
 * presence is enough for synth; only the folders of the versions this slipway pins count, so a
 * cache left by an older slipway is never used for a newer one's output.
 */
import { sha256 } from '../core/sha256.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheFileName, cacheName, PINNED_CRDS, type PinnedCrds } from './pinned-crds.js';

/** `<root>/.slipway/crds`. */
export function crdCacheDir(root: string): string {
  return join(root, '.slipway', 'crds');
}

/** `<root>/.slipway/crds/<component>-<version>`. */
export function componentCacheDir(root: string, pin: PinnedCrds): string {
  return join(crdCacheDir(root), cacheName(pin));
}

/** The cached folders of the pinned versions that are there (possibly none), in table order. */
export function cachedCrdDirs(root: string, pins: readonly PinnedCrds[] = PINNED_CRDS): string[] {
  return pins.map((pin) => componentCacheDir(root, pin)).filter((dir) => existsSync(dir) && statSync(dir).isDirectory());
}

/** Whether a component's cache folder holds every file with its recorded sha256 (false when absent). */
export function cacheVerified(root: string, pin: PinnedCrds): boolean {
  const dir = componentCacheDir(root, pin);
  return pin.files.every((file) => {
    try {
      return sha256(readFileSync(join(dir, cacheFileName(file)))) === file.sha256;
    } catch {
      return false;
    }
  });
}
