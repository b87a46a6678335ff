/**
 * A real image registry for tests: the `docker-registry` server from the OS packages
 * (distribution v2) on a loopback port, storage in a temp dir, optionally behind htpasswd basic
 * auth; images pushed with the OS's `skopeo` from OCI layouts the tests write (oci-layout.ts).
 *
 * Without docker-registry or skopeo (or, for auth, htpasswd from apache2-utils or python3's
 * bcrypt `crypt`) the tests that need them skip with one line saying so; with CI set they fail
 * instead (`.ci/run` installs them), so CI never passes by skipping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe } from 'vitest';
import { run } from './run.js';

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, program))) return join(dir, program);
  return undefined;
}

const REGISTRY_BIN = onPath('docker-registry');
const SKOPEO_BIN = onPath('skopeo');
const HTPASSWD_BIN = onPath('htpasswd');

const MISSING = [!REGISTRY_BIN && 'docker-registry', !SKOPEO_BIN && 'skopeo', !HTPASSWD_BIN && 'htpasswd (apache2-utils)'].filter(Boolean);
/** Why the registry tests cannot run here (undefined: they can). */
const REGISTRY_MISSING = MISSING.length
  ? `${MISSING.join(', ')} not installed (apt-get install docker-registry skopeo apache2-utils)`
  : undefined;

if (REGISTRY_MISSING) {
  if (process.env.CI) throw new Error(`registry tests: ${REGISTRY_MISSING}; with CI set that fails the run instead of skipping them`);
  console.log(`[slipway] registry tests skipped: ${REGISTRY_MISSING}`);
}

/** `describe`, skipped (one line, above) without the registry tools; failing under CI. */
export const describeWithRegistry = describe.skipIf(REGISTRY_MISSING !== undefined);

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  readonly auth?: { readonly username: string; readonly password: string };
  /** Pushes `tag` from the layout at `layout` to `<host>/<repository>:<tag>`. */
  push(layout: string, repository: string, tag: string): Promise<void>;
  /** `skopeo inspect --raw` of the tag, hashed: the digest a client should report. */
  rawDigest(repository: string, tag: string): Promise<string>;
  /** Deletes the tag's manifest (by digest, as the API allows). */
  deleteTag(repository: string, tag: string): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function htpasswdLine(username: string, password: string): Promise<string> {
  // -B: bcrypt, the only hash distribution's htpasswd accepts; -b: password from argv (a test's own).
  const r = await run(HTPASSWD_BIN!, ['-nbB', username, password]);
  if (r.code !== 0) throw new Error(`htpasswd: ${r.stderr}`);
  return r.stdout.trim();
}

/** Polls `GET /v2/` until the server answers (bounded; the server's own exit ends it early). */
async function waitUp(url: string, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/v2/`);
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Starts a registry (with `auth`: htpasswd basic auth) in a fresh temp dir. */
export async function startRegistry(auth?: { username: string; password: string }): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-registry-'));
  if (auth) writeFileSync(join(dir, 'htpasswd'), `${await htpasswdLine(auth.username, auth.password)}\n`);
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: "${host}" }`,
      ...(auth ? [`auth: { htpasswd: { realm: slipway-test, path: ${join(dir, 'htpasswd')} } }`] : []),
    ].join('\n');
    writeFileSync(join(dir, 'config.yml'), config);
    const child = spawn(REGISTRY_BIN!, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    // Another process took the port between freePort and the bind: the server exits; try another.
    if (!(await waitUp(`http://${host}`, child))) {
      child.kill('SIGKILL');
      continue;
    }
    const creds = auth ? ['--dest-creds', `${auth.username}:${auth.password}`] : [];
    const srcCreds = auth ? ['--creds', `${auth.username}:${auth.password}`] : [];
    const skopeo = async (args: string[]) => {
      const r = await run(SKOPEO_BIN!, ['--insecure-policy', ...args], { limitMs: 60_000 });
      if (r.code !== 0) throw new Error(`skopeo ${args[0]}: ${r.stderr.trim()}`);
      return r.stdout;
    };
    return {
      host,
      auth,
      push: async (layout, repository, tag) => {
        await skopeo([
          'copy',
          '--all',
          '--dest-tls-verify=false',
          ...creds,
          `oci:${layout}:${tag}`,
          `docker://${host}/${repository}:${tag}`,
        ]);
      },
      rawDigest: async (repository, tag) => {
        const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', ...srcCreds, `docker://${host}/${repository}:${tag}`]);
        const { createHash } = await import('node:crypto');
        return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
      },
      deleteTag: async (repository, tag) => {
        await skopeo(['delete', '--tls-verify=false', ...srcCreds, `docker://${host}/${repository}:${tag}`]);
      },
      stop: async () => {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('docker-registry did not start on a loopback port (5 tries)');
}

/**
 * The environment a CLI run needs to read Docker Hub's images from `registry` with `auth`:
 * the mirror, and the credentials under the registry host's variable names (credentials.ts).
 * `home` keeps a developer's ~/.docker/config.json out of it.
 */
export function registryCliEnv(registry: TestRegistry, auth: { username: string; password: string }, home: string): Record<string, string> {
  const host = registry.host.replace(/[^0-9A-Za-z]/g, '_');
  return {
    SLIPWAY_REGISTRY_DOCKER_IO_MIRROR: registry.host,
    [`SLIPWAY_REGISTRY_${host}_USERNAME`]: auth.username,
    [`SLIPWAY_REGISTRY_${host}_PASSWORD`]: auth.password,
    HOME: home,
  };
}
