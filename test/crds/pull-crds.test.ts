/**
 * `slipway crds pull` through the real executable against a CRD mirror on 127.0.0.1 that serves
 * upstream's bytes at upstream's paths (test/support/crd-mirror.ts), and against the ways a
 * mirror fails: a 404, other bytes (another version), a body that stalls, 503s. Each failure is
 * one line with its exit code, and the cache holds whole verified components or nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sha256 } from '../../src/core/sha256.js';
import { PINNED_CRDS } from '../../src/crds/pinned-crds.js';
import {
  ARGO_CD_V3_5_1,
  MIRRORED_COMPONENTS,
  startCrdMirror,
  UPSTREAM_COPIES,
  type Behaviour,
  type CrdMirror,
} from '../support/crd-mirror.js';
import { REPO_ROOT } from '../support/project-fixture.js';
import { run } from '../support/run.js';
import { describeWithShared } from '../support/shared.js';

const pin = (component: string) => PINNED_CRDS.find((p) => p.component === component)!;
const ROLLOUTS = pin('argo-rollouts');

let root: string;
let mirror: CrdMirror | undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'slipway-crds-'));
});
afterEach(async () => {
  await mirror?.stop();
  mirror = undefined;
  rmSync(root, { recursive: true, force: true });
});

function slipway(args: readonly string[], env: Record<string, string> = {}) {
  return run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', root, '--no-color', 'crds', 'pull', ...args], {
    env: { ...process.env, NO_COLOR: '1', SLIPWAY_RETRY_BASE_MS: '5', SLIPWAY_CRDS_BASE_URL: '', ...env },
    limitMs: 60_000,
  });
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
/** What the cache folder holds: `<component>-<version>/<file>`, and any partial or old folder. */
function cacheListing(): string[] {
  const cache = join(root, '.slipway', 'crds');
  if (!existsSync(cache)) return [];
  return readdirSync(cache, { recursive: true, encoding: 'utf8' }).sort();
}

async function mirrorWith(behave: Record<string, Behaviour> = {}, files = UPSTREAM_COPIES): Promise<CrdMirror> {
  mirror = await startCrdMirror(files, new Map(Object.entries(behave)));
  return mirror;
}

describeWithShared('slipway crds pull', () => {
  it('downloads each component, verified, into .slipway/crds/<component>-<version>/; a second run downloads nothing', async () => {
    const m = await mirrorWith();
    const first = await slipway(['--base-url', m.url, ...MIRRORED_COMPONENTS]);
    expect(first.stderr).not.toContain('error:');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('argo-rollouts v1.9.0: 4 files, sha256 verified → .slipway/crds/argo-rollouts-v1.9.0');
    expect(first.stdout).toContain('istio 1.30.3: 1 file, sha256 verified → .slipway/crds/istio-1.30.3');
    for (const component of MIRRORED_COMPONENTS) {
      const p = pin(component);
      for (const file of p.files) {
        const name = new URL(file.url).pathname.split('/').pop()!;
        expect(sha256(readFileSync(join(root, '.slipway', 'crds', `${p.component}-${p.version}`, name)))).toBe(file.sha256);
      }
    }
    expect(cacheListing().filter((e) => e.includes('partial'))).toEqual([]);
    const requests = m.total();
    expect(requests).toBe(8);

    const second = await slipway(['--base-url', m.url, ...MIRRORED_COMPONENTS, '--json']);
    expect(second.code).toBe(0);
    expect(m.total()).toBe(requests);
    const doc = JSON.parse(second.stdout) as { command: string; ok: boolean; components: Array<{ component: string; status: string }> };
    expect(doc.command).toBe('crds pull');
    expect(doc.ok).toBe(true);
    expect(doc.components.map((c) => `${c.component} ${c.status}`)).toEqual(MIRRORED_COMPONENTS.map((c) => `${c} up-to-date`));
  });

  it("refuses other bytes than upstream's (Argo CD v3.5.1's files at v3.4.4's paths): exit 1, one line, nothing cached", async () => {
    const m = await mirrorWith({}, new Map([...UPSTREAM_COPIES, ...ARGO_CD_V3_5_1]));
    const r = await slipway(['--base-url', m.url, 'argo-cd', 'argo-rollouts']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        /^error: argo-cd v3\.4\.4: http:\/\/127\.0\.0\.1:\d+\/argoproj\/argo-cd\/v3\.4\.4\/manifests\/crds\/application-crd\.yaml has sha256 5dde0e229249b6b7…, not the fa8a0c7f8127f85b… of upstream's file: .*nothing was written$/,
      ),
    ]);
    // Rollouts, pulled in the same run, is whole; Argo CD left nothing, not even its partial folder.
    expect(cacheListing().filter((e) => !e.startsWith('argo-rollouts-v1.9.0'))).toEqual([]);
  });

  it('a 404 on the second file of a component: exit 1, one line naming the URL, nothing of the component kept', async () => {
    const m = await mirrorWith({ [ROLLOUTS.files[1]!.url]: { kind: 'status', status: 404 } });
    const r = await slipway(['--base-url', m.url, 'argo-rollouts']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        /^error: argo-rollouts v1\.9\.0: http:\/\/127\.0\.0\.1:\d+\/argoproj\/argo-rollouts\/v1\.9\.0\/manifests\/crds\/analysis-template-crd\.yaml answered 404 Not Found; a mirror keeps each file at its upstream path/,
      ),
    ]);
    expect(m.requests.get(new URL(ROLLOUTS.files[0]!.url).pathname)).toBe(1);
    expect(cacheListing()).toEqual([]);
    expect(existsSync(join(root, '.slipway'))).toBe(false);
  });

  it('a body that stalls: the timeout (SLIPWAY_CRDS_TIMEOUT) ends each attempt; exit 4, one line, nothing cached', async () => {
    const m = await mirrorWith({ [pin('istio').files[0]!.url]: { kind: 'stall' } });
    const r = await slipway(['istio'], { SLIPWAY_CRDS_BASE_URL: m.url, SLIPWAY_CRDS_TIMEOUT: '0.3' });
    expect(r.hung).toBe(false);
    expect(r.code).toBe(4);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        /^error: istio 1\.30\.3: http:\/\/127\.0\.0\.1:\d+\/istio\/api\/1\.30\.3\/kubernetes\/customresourcedefinitions\.gen\.yaml did not answer in 0\.3 s \(SLIPWAY_CRDS_TIMEOUT sets the limit\) \(3 attempts\); check the network or --base-url, then run again$/,
      ),
    ]);
    expect(m.total()).toBe(3);
    expect(cacheListing()).toEqual([]);
  });

  it('503s are retried; a server that keeps answering 503 is unreachable (exit 4)', async () => {
    const flaky = ROLLOUTS.files[0]!.url;
    const m = await mirrorWith({ [flaky]: { kind: 'unavailable', count: 2 } });
    const ok = await slipway(['--base-url', m.url, 'argo-rollouts']);
    expect(ok.code).toBe(0);
    expect(m.requests.get(new URL(flaky).pathname)).toBe(3);

    await m.stop();
    await mirrorWith({ [pin('knative-operator').files[0]!.url]: { kind: 'unavailable', count: 99 } });
    const down = await slipway(['--base-url', mirror!.url, 'knative-operator']);
    expect(down.code).toBe(4);
    expect(errorLines(down.stderr)).toEqual([expect.stringMatching(/ answered 503 Service Unavailable \(3 attempts\); check the network/)]);
    expect(cacheListing().filter((e) => !e.startsWith('argo-rollouts-v1.9.0'))).toEqual([]);
  });

  it('a damaged cache is replaced whole; a failed replacement leaves the old folder as it was', async () => {
    const m = await mirrorWith();
    expect((await slipway(['--base-url', m.url, 'argo-rollouts'])).code).toBe(0);
    const damaged = join(root, '.slipway/crds/argo-rollouts-v1.9.0/rollout-crd.yaml');
    writeFileSync(damaged, 'edited by hand\n');
    await m.stop();

    // The mirror now lacks a file: the pull fails and the damaged folder stays untouched.
    await mirrorWith({ [ROLLOUTS.files[3]!.url]: { kind: 'status', status: 404 } });
    expect((await slipway(['--base-url', mirror!.url, 'argo-rollouts'])).code).toBe(1);
    expect(readFileSync(damaged, 'utf8')).toBe('edited by hand\n');
    expect(cacheListing().filter((e) => e.includes('partial'))).toEqual([]);

    await mirror!.stop();
    await mirrorWith();
    const r = await slipway(['--base-url', mirror!.url, 'argo-rollouts']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 files, sha256 verified');
    expect(sha256(readFileSync(damaged))).toBe(ROLLOUTS.files[0]!.sha256);
  });

  it("removes the partial folder a killed pull left, never a live process's", async () => {
    const cache = join(root, '.slipway', 'crds');
    // A pid that is not running: above the kernel's pid_max.
    mkdirSync(join(cache, '.partial-istio-1.30.3-99999999-AbCdEf'), { recursive: true });
    mkdirSync(join(cache, `.partial-istio-1.30.3-${process.pid}-AbCdEf`), { recursive: true });
    const m = await mirrorWith();
    expect((await slipway(['--base-url', m.url, 'knative-operator'])).code).toBe(0);
    expect(readdirSync(cache).sort()).toEqual([`.partial-istio-1.30.3-${process.pid}-AbCdEf`, 'knative-operator-v1.23.0']);
  });

  it('reads a file:// mirror (air-gapped sites); the flag wins over SLIPWAY_CRDS_BASE_URL', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'slipway-crd-copy-'));
    try {
      for (const file of pin('knative-serving').files) {
        const path = join(copy, new URL(file.url).pathname);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, UPSTREAM_COPIES.get(file.url)!());
      }
      const r = await slipway(['--base-url', pathToFileURL(copy).href, 'knative-serving'], { SLIPWAY_CRDS_BASE_URL: 'http://127.0.0.1:9' });
      expect(r.stderr).not.toContain('error:');
      expect(r.code).toBe(0);
      expect(cacheListing()).toEqual([
        'knative-serving-v1.23.0',
        'knative-serving-v1.23.0/domain-mapping.yaml',
        'knative-serving-v1.23.0/service.yaml',
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('bad input is one line and exit 1, before any request: an unknown component, a base URL that cannot be one', async () => {
    const m = await mirrorWith();
    const cases: Array<[readonly string[], Record<string, string>, RegExp]> = [
      [['--base-url', m.url, 'argo'], {}, /^error: crds pull: unknown component 'argo'; expected one of argo-cd, argo-rollouts, istio,/],
      [['--base-url', 'mirror.example'], {}, /^error: --base-url 'mirror\.example': not a URL/],
      [
        [],
        { SLIPWAY_CRDS_BASE_URL: 'ftp://mirror.example' },
        /^error: SLIPWAY_CRDS_BASE_URL 'ftp:\/\/mirror\.example': expected an https, http or file URL$/,
      ],
      [['--base-url', 'https://user:secret@mirror.example'], {}, /^error: --base-url: put no credentials in the URL/],
      [['--base-url', m.url], { SLIPWAY_CRDS_TIMEOUT: 'soon' }, /^error: SLIPWAY_CRDS_TIMEOUT='soon': expected seconds/],
    ];
    for (const [args, env, line] of cases) {
      const r = await slipway(args, env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(line)]);
      expect(r.stderr).not.toContain('secret');
    }
    expect(m.total()).toBe(0);
    expect(existsSync(join(root, '.slipway'))).toBe(false);
  });
});
