/**
 * The registry client against a real registry (distribution v2 from the OS packages), anonymous
 * and behind htpasswd basic auth; images pushed with skopeo from layouts written here. A loopback
 * front adds what that server lacks (tag pages, a token service, 503s) to its real answers.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RemoteAuthError, RemoteNotFoundError, RemoteUnavailableError } from '../../src/core/env-remote.js';
import { RegistryClient, registryFor } from '../../src/registry/client.js';
import { parseImage } from '../../src/registry/image-ref.js';
import { writeLayout } from '../support/oci-layout.js';
import { refusedPort } from '../support/refused-port.js';
import { startFront } from '../support/registry-front.js';
import { describeWithRegistry, startRegistry, type TestRegistry } from '../support/registry.js';

const REPO = 'vfarcic/devops-toolkit-series';
const TAGS = ['2.9.17', '2.10.0', '2.9.19-rc.1', 'latest', 'v3'];
/** The multi-platform one (an OCI index over amd64 and arm64). */
const MULTI = '2.9.18';
const AUTH = { username: 'ci-bot', password: 's3cret-Registry-pw' };
const fast = { backoffMs: () => 1 };

describeWithRegistry('registry client (real registry)', () => {
  let dir: string;
  let open: TestRegistry;
  let locked: TestRegistry;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-oci-'));
    writeLayout(join(dir, 'layout'), TAGS, [MULTI]);
    [open, locked] = await Promise.all([startRegistry(), startRegistry(AUTH)]);
    for (const tag of [...TAGS, MULTI]) {
      await open.push(join(dir, 'layout'), REPO, tag);
      await locked.push(join(dir, 'layout'), REPO, tag);
    }
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const client = (host: string, extra: ConstructorParameters<typeof RegistryClient>[1] = {}) =>
    new RegistryClient(parseImage(`${host}/${REPO}`, 'test'), { ...fast, ...extra });

  it('lists every tag, anonymously', async () => {
    expect((await client(open.host).tags()).sort()).toEqual([...TAGS, MULTI].sort());
  });

  it('follows Link pages: the same tags over several pages', async () => {
    const front = await startFront(open.host);
    try {
      const tags = await client(front.host).tags(2);
      expect(tags.sort()).toEqual([...TAGS, MULTI].sort());
      expect(front.seen.filter((s) => s.includes('/tags/list')).length).toBe(3);
    } finally {
      await front.stop();
    }
  });

  it("pins the index's digest for a multi-platform tag, and a single manifest's otherwise: as skopeo inspect --raw | sha256sum", async () => {
    const c = client(open.host);
    expect(await c.digest(MULTI)).toBe(await open.rawDigest(REPO, MULTI));
    expect(await c.digest('2.9.17')).toBe(await open.rawDigest(REPO, '2.9.17'));
    const manifest = await c.manifest(MULTI);
    expect(manifest?.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(manifest?.digest).toBe(await open.rawDigest(REPO, MULTI));
  });

  it('a tag deleted between list and HEAD is undefined, not an error', async () => {
    const scratch = await startRegistry();
    try {
      await scratch.push(join(dir, 'layout'), REPO, '2.9.17');
      const c = client(scratch.host);
      expect(await c.tags()).toEqual(['2.9.17']);
      await scratch.deleteTag(REPO, '2.9.17');
      expect(await c.digest('2.9.17')).toBeUndefined();
      expect(await c.manifest('2.9.17')).toBeUndefined();
    } finally {
      await scratch.stop();
    }
  });

  it('an unknown repository is RemoteNotFoundError, one line', async () => {
    const c = new RegistryClient(parseImage(`${open.host}/nobody/here`, 'test'), fast);
    const e = await c.tags().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RemoteNotFoundError);
    expect((e as Error).message).toMatch(/^[^\n]*no such repository/);
  });

  it('basic auth: credentials from SLIPWAY_REGISTRY_<HOST>_USERNAME/PASSWORD', async () => {
    const prefix = `SLIPWAY_REGISTRY_${locked.host.replace(/[^0-9A-Za-z]/g, '_').toUpperCase()}`;
    const c = await registryFor(`${locked.host}/${REPO}`, 'test', {
      [`${prefix}_USERNAME`]: AUTH.username,
      [`${prefix}_PASSWORD`]: AUTH.password,
      HOME: dir,
    });
    expect((await c.tags()).length).toBe(TAGS.length + 1);
    expect(await c.digest(MULTI)).toBe(await locked.rawDigest(REPO, MULTI));
    // A password pasted with its newline is refused by name, before any request, as git tokens are.
    const pasted = registryFor(`${locked.host}/${REPO}`, 'test', {
      [`${prefix}_USERNAME`]: AUTH.username,
      [`${prefix}_PASSWORD`]: `${AUTH.password}\n`,
      HOME: dir,
    }).then((client) => client.tags());
    await expect(pasted).rejects.toThrow(`${prefix}_PASSWORD contains a newline; remove it`);
  });

  it('basic auth: credentials from ~/.docker/config.json auths, and from a credHelper when its program exists', async () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.docker'), { recursive: true });
    const auth = Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64');
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [locked.host]: { auth } } }));
    const viaAuths = await registryFor(`${locked.host}/${REPO}`, 'test', { HOME: home, PATH: '' });
    expect(await viaAuths.digest('2.9.17')).toBe(await locked.rawDigest(REPO, '2.9.17'));

    // A helper named in credHelpers: used when on PATH (it answers the protocol's JSON), skipped when not.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'docker-credential-testhelper'),
      `#!/bin/sh\nread host\n[ "$host" = "${locked.host}" ] || exit 1\necho '{"ServerURL":"${locked.host}","Username":"${AUTH.username}","Secret":"${AUTH.password}"}'\n`,
    );
    chmodSync(join(bin, 'docker-credential-testhelper'), 0o755);
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [locked.host]: 'testhelper' } }));
    const viaHelper = await registryFor(`${locked.host}/${REPO}`, 'test', { HOME: home, PATH: bin });
    expect(viaHelper.ref.registry).toBe(locked.host);
    expect((await viaHelper.tags()).length).toBe(TAGS.length + 1);
    const withoutHelper = await registryFor(`${locked.host}/${REPO}`, 'test', { HOME: home, PATH: '' });
    await expect(withoutHelper.tags()).rejects.toThrow(/needs credentials/);
  });

  it('auth failures are one line, exit-1 errors, and never carry the password', async () => {
    const none = client(locked.host);
    const e1 = await none.tags().catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(RemoteAuthError);
    expect((e1 as Error).message).not.toContain('\n');
    const wrong = client(locked.host, { credentials: { username: AUTH.username, password: 'wrong-pw-123', source: 'test' } });
    const e2 = await wrong.tags().catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(RemoteAuthError);
    expect((e2 as Error).message).toMatch(/^[^\n]*refused the credentials from test \(401\)/);
    expect((e2 as Error).message).not.toContain('wrong-pw-123');
  });

  it("bearer tokens: the challenge's realm is asked with Basic credentials, then the token is sent", async () => {
    const front = await startFront(open.host, { bearer: AUTH });
    try {
      const c = client(front.host, { credentials: { ...AUTH, source: 'test' } });
      expect(await c.digest(MULTI)).toBe(await open.rawDigest(REPO, MULTI));
      expect(front.seen.some((s) => s.startsWith('GET /token?service=test-registry&scope=repository'))).toBe(true);
      const anonymous = client(front.host);
      await expect(anonymous.tags()).rejects.toThrow(RemoteAuthError);
    } finally {
      await front.stop();
    }
  });

  it('429 and 5xx are retried with backoff; still failing after the attempts is unavailable (exit 4)', async () => {
    const flaky = await startFront(open.host, { fail: { status: 503, count: 2 } });
    const down = await startFront(open.host, { fail: { status: 429, count: 100 } });
    try {
      expect((await client(flaky.host).tags()).length).toBe(TAGS.length + 1);
      const e = await client(down.host, { attempts: 3 })
        .tags()
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RemoteUnavailableError);
      expect((e as RemoteUnavailableError).reason).toBe('server');
      expect(down.seen.length).toBe(3);
    } finally {
      await Promise.all([flaky.stop(), down.stop()]);
    }
  });

  it('a registry that is down is unavailable (refused), one line', async () => {
    const port = await refusedPort();
    const e = await client(`127.0.0.1:${port}`)
      .tags()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RemoteUnavailableError);
    expect((e as RemoteUnavailableError).reason).toBe('refused');
    expect((e as Error).message).toMatch(/^[^\n]*connection refused/);
  });
});
