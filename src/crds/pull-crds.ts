/**
 * `slipway crds pull`: downloads the CRDs of the pinned controller versions (pinned-crds.ts)
 * into the platform repo's cache (crd-cache.ts), from upstream or a mirror.
 *
 * - Each file must hash to the sha256 recorded for it, or nothing of its component is kept.
 * - A component's files go into a `.partial-…` folder next to the cache and are renamed into
 *   place only once every one of them verified: the cache never holds half a component, also
 *   when the process is killed (a later pull removes a dead process's partial folder).
 * - A verified component is not downloaded again ("up to date").
 * - Each request is bounded (SLIPWAY_CRDS_TIMEOUT, seconds, default 60, answer read whole);
 *   timeouts, connection failures and 5xx/429 answers are retried a few times with growing
 *   waits, then reported as unreachable (exit 4); a 404, another 4xx or a checksum mismatch is
 *   the user's to fix (exit 1): a mirror that lacks the file or serves other bytes.
 * - Mirrors: `--base-url` or SLIPWAY_CRDS_BASE_URL; a mirror keeps each file at its upstream path
 *   (`mirrorUrl`). `file://` base URLs read a local copy (air-gapped sites).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/config-error.js';
import { RemoteError, RemoteNotFoundError, RemoteUnavailableError, type UnavailableReason } from '../core/env-remote.js';
import { networkUnreachable } from '../core/network-failure.js';
import { sha256 } from '../core/sha256.js';
import { cacheVerified, componentCacheDir, crdCacheDir } from './crd-cache.js';
import { cacheFileName, cacheName, mirrorUrl, PINNED_CRDS, type PinnedCrds } from './pinned-crds.js';

export interface PullCrdsOptions {
  /** The platform repo: the cache is `<root>/.slipway/crds`. */
  readonly root: string;
  /** Only these components (`argo-cd`...). @default - every pinned one */
  readonly components?: readonly string[];
  /** A mirror (http, https or file URL) holding each file at its upstream path. @default - upstream */
  readonly baseUrl?: string;
  /** One request, its answer read whole. @default 60_000 */
  readonly timeoutMs?: number;
  /** Attempts per file, the first included. @default 3 */
  readonly attempts?: number;
  /** The wait before the second attempt, doubled for each later one. @default 500 */
  readonly retryBaseMs?: number;
  readonly log?: (line: string) => void;
  /** @internal The pinned table (tests). @default PINNED_CRDS */
  readonly pins?: readonly PinnedCrds[];
}

export interface ComponentPull {
  readonly component: string;
  readonly version: string;
  /** The component's cache folder (absolute). */
  readonly dir: string;
  readonly files: number;
  readonly status: 'downloaded' | 'up-to-date' | 'failed';
  /** Why it failed: a RemoteError (its class says the exit code) or a file-system error. */
  readonly error?: unknown;
}

const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_TIMEOUT_SECONDS = 3600;
const DEFAULT_ATTEMPTS = 3;
const DEFAULT_RETRY_BASE_MS = 500;

/** The settings the environment gives (`--base-url` wins over SLIPWAY_CRDS_BASE_URL), checked. */
export function pullSettings(
  environment: Readonly<Record<string, string | undefined>>,
  flags: { readonly baseUrl?: string } = {},
): { baseUrl?: string; timeoutMs: number; retryBaseMs?: number } {
  const problems: string[] = [];
  let baseUrl: string | undefined;
  if (flags.baseUrl !== undefined) baseUrl = checkBaseUrl(flags.baseUrl, '--base-url', problems);
  else if (environment.SLIPWAY_CRDS_BASE_URL) baseUrl = checkBaseUrl(environment.SLIPWAY_CRDS_BASE_URL, 'SLIPWAY_CRDS_BASE_URL', problems);
  let timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000;
  const rawTimeout = environment.SLIPWAY_CRDS_TIMEOUT;
  if (rawTimeout) {
    const seconds = /^\d{1,4}(\.\d{1,3})?$/.test(rawTimeout) ? Number(rawTimeout) : Number.NaN;
    if (seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS) timeoutMs = Math.round(seconds * 1000);
    else
      problems.push(
        `SLIPWAY_CRDS_TIMEOUT='${rawTimeout}': expected seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (default ${DEFAULT_TIMEOUT_SECONDS})`,
      );
  }
  const rawBase = environment.SLIPWAY_RETRY_BASE_MS;
  const retryBaseMs = rawBase && /^\d{1,6}$/.test(rawBase) ? Number(rawBase) : undefined;
  if (problems.length) throw new ConfigError(problems);
  return { baseUrl, timeoutMs, retryBaseMs };
}

function checkBaseUrl(value: string, source: string, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${source} '${value}': not a URL; expected https://host/path (or http://, file:///path)`);
    return undefined;
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) problems.push(`${source} '${value}': expected an https, http or file URL`);
  else if (url.username || url.password) problems.push(`${source}: put no credentials in the URL (it is printed in messages)`);
  else if (url.search || url.hash)
    problems.push(`${source} '${value}': expected no ?query or #fragment (files are found at <base-url>/<upstream path>)`);
  return value;
}

/** Pulls each chosen component; one failing leaves the others' results (and the cache) as they are. */
export async function pullCrds(options: PullCrdsOptions): Promise<ComponentPull[]> {
  const pins = options.pins ?? PINNED_CRDS;
  const chosen = chooseComponents(pins, options.components);
  const cache = crdCacheDir(options.root);
  // Created here only if missing, and removed again if nothing lands in it.
  const made = [join(options.root, '.slipway'), cache].filter((dir) => !existsSync(dir));
  removeDeadPartials(cache);
  const results: ComponentPull[] = [];
  for (const pin of chosen) {
    const dir = componentCacheDir(options.root, pin);
    const base = { component: pin.component, version: pin.version, dir, files: pin.files.length };
    if (cacheVerified(options.root, pin)) {
      results.push({ ...base, status: 'up-to-date' });
      continue;
    }
    try {
      await pullComponent(pin, dir, options);
      results.push({ ...base, status: 'downloaded' });
    } catch (error) {
      results.push({ ...base, status: 'failed', error });
    }
  }
  for (const dir of made.reverse()) if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  return results;
}

function chooseComponents(pins: readonly PinnedCrds[], names: readonly string[] | undefined): readonly PinnedCrds[] {
  if (names === undefined || names.length === 0) return pins;
  const known = pins.map((p) => p.component);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new ConfigError(`crds pull: unknown component ${unknown.map((n) => `'${n}'`).join(', ')}; expected one of ${known.join(', ')}`);
  return pins.filter((p) => names.includes(p.component));
}

async function pullComponent(pin: PinnedCrds, dir: string, options: PullCrdsOptions): Promise<void> {
  const what = `${pin.component} ${pin.version}`;
  const cache = crdCacheDir(options.root);
  mkdirSync(cache, { recursive: true });
  const partial = mkdtempSync(join(cache, `.partial-${cacheName(pin)}-${process.pid}-`));
  try {
    for (const file of pin.files) {
      const url = mirrorUrl(file, options.baseUrl);
      options.log?.(`${what}: ${url}`);
      const bytes = await download(url, what, options);
      const actual = sha256(bytes);
      if (actual !== file.sha256) {
        throw new RemoteError(
          `${what}: ${url} has sha256 ${actual.slice(0, 16)}…, not the ${file.sha256.slice(0, 16)}… of upstream's file: ` +
            'the server sent other bytes (another version, or a changed file); nothing was written',
        );
      }
      writeFileSync(join(partial, cacheFileName(file)), bytes);
    }
    // Every file verified: swap the folder in (a stale or damaged one is replaced whole).
    if (existsSync(dir)) {
      const old = `${partial}.old`;
      renameSync(dir, old);
      renameSync(partial, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(partial, dir);
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** `.partial-<name>-<pid>-XXXXXX` folders whose process is gone: a pull killed half-way. */
function removeDeadPartials(cache: string): void {
  let entries: string[];
  try {
    entries = readdirSync(cache);
  } catch {
    return;
  }
  for (const name of entries) {
    const pid = /^\.partial-.+-(\d+)-[^-]+(\.old)?$/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) rmSync(join(cache, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The file's bytes, retried on timeouts, network failures and 5xx/429; typed errors otherwise. */
async function download(url: string, what: string, options: PullCrdsOptions): Promise<Buffer> {
  if (url.startsWith('file:')) return readLocal(url, what);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
  let failure: { message: string; reason: UnavailableReason; cause?: unknown } | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, retryBaseMs * 2 ** (attempt - 2)));
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (response.ok) return Buffer.from(await response.arrayBuffer());
      await response.body?.cancel();
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (response.status >= 500 || response.status === 429) {
        failure = { message: `${url} answered ${status}`, reason: 'server' };
        continue;
      }
      const hint = options.baseUrl === undefined ? '' : '; a mirror keeps each file at its upstream path (slipway crds pull --help)';
      if (response.status === 404) throw new RemoteNotFoundError(`${what}: ${url} answered ${status}${hint}`);
      throw new RemoteError(`${what}: ${url} answered ${status}${hint}`);
    } catch (error) {
      if (error instanceof RemoteError) throw error;
      failure = networkFailure(error, url, timeoutMs);
    }
  }
  const tries = attempts === 1 ? '' : ` (${attempts} attempts)`;
  throw new RemoteUnavailableError(`${what}: ${failure!.message}${tries}; check the network or --base-url, then run again`, {
    reason: failure!.reason,
    cause: failure!.cause,
    detail: failure!.cause instanceof Error ? String(failure!.cause.cause ?? failure!.cause.message) : undefined,
  });
}

function networkFailure(error: unknown, url: string, timeoutMs: number): { message: string; reason: UnavailableReason; cause: unknown } {
  const unreachable = networkUnreachable(error);
  const host = new URL(url).host;
  switch (unreachable?.reason) {
    case 'timeout':
      return {
        message: `${url} did not answer in ${timeoutMs / 1000} s (SLIPWAY_CRDS_TIMEOUT sets the limit)`,
        reason: 'timeout',
        cause: error,
      };
    case 'refused':
    case 'dns':
    case 'tls':
      return { message: `${host}: ${unreachable.what}`, reason: unreachable.reason, cause: error };
    default:
      return { message: `${url} failed: ${unreachable?.what ?? (error as Error).message}`, reason: 'network', cause: error };
  }
}

function readLocal(url: string, what: string): Buffer {
  try {
    return readFileSync(fileURLToPath(url));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RemoteNotFoundError(`${what}: ${url}: no such file; a mirror keeps each file at its upstream path`);
    throw new RemoteError(`${what}: cannot read ${url}: ${code ?? (error as Error).message}`, { cause: error });
  }
}
