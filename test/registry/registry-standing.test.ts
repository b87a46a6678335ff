/**
 * `slipway status --registry` as users run it: the CLI, a real platform repo, the sample's env
 * repos as local bare repos, and a real registry (docker-registry behind htpasswd basic auth)
 * standing in for Docker Hub through SLIPWAY_REGISTRY_DOCKER_IO_MIRROR, as in
 * test/promotion/track.test.ts. The sample's staging tracks devops-toolkit `~2.9` at 2.9.17.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeLayout } from '../support/oci-layout.js';
import { refusedPort } from '../support/refused-port.js';
import { describeWithRegistry, registryCliEnv, startRegistry, type TestRegistry } from '../support/registry.js';
import { bootstrappedPlatform } from '../support/bootstrapped-platform.js';
import type { Run } from '../support/run.js';

const AUTH = { username: 'reader', password: 'Stat-us-s3cret-qrs' };
const TOOLKIT = 'vfarcic/devops-toolkit-series';
const PARADOX = 'vfarcic/devops-paradox';

interface StatusJson {
  ok: boolean;
  exitCode?: number;
  errors?: Array<Record<string, unknown>>;
  rows: Array<{ app: string; env: string; committed?: string; registry?: Record<string, unknown> | null }>;
}

// Each case runs the CLI several times (a bootstrap, status, promote): ~20 s alone, more beside other files.
const SLOW = 180_000;

describeWithRegistry('status --registry (real registry)', () => {
  let dir: string;
  let registry: TestRegistry;
  let registryEnv: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-regstatus-'));
    writeLayout(join(dir, 'layout'), ['2.9.17', '2.10.0', '2.9.19-rc.1', 'v3', 'v10'], ['2.9.18']);
    registry = await startRegistry(AUTH);
    for (const tag of ['2.9.17', '2.9.18', '2.10.0', '2.9.19-rc.1']) await registry.push(join(dir, 'layout'), TOOLKIT, tag);
    for (const tag of ['v3', 'v10']) await registry.push(join(dir, 'layout'), PARADOX, tag);
    registryEnv = registryCliEnv(registry, AUTH, dir);
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const json = (r: Run) => JSON.parse(r.stdout) as StatusJson;
  const registryOf = (r: Run, env: string, app: string) => json(r).rows.find((x) => x.env === env && x.app === app)?.registry;
  /** The table's line for a row. */
  const line = (r: Run, app: string, env: string) => r.stdout.split('\n').find((l) => new RegExp(`^${app}\\s+${env}\\s`).test(l));
  const noSecret = (...runs: Run[]) => {
    const all = runs.map((r) => r.stdout + r.stderr).join('\n');
    expect(all).not.toContain(AUTH.password);
    expect(all).not.toContain(Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64'));
  };

  it(
    'a newer tag, then up to date (text, --json, --html); plain status never reads the registry; no secret in output',
    async () => {
      const p = await bootstrappedPlatform();
      try {
        // Offline by default: the registry is not asked (here it could not answer), no column.
        const plain = await p.cli({ ...registryEnv, SLIPWAY_REGISTRY_DOCKER_IO_MIRROR: `127.0.0.1:${await refusedPort()}` }, 'status');
        expect(plain.code, plain.stderr).toBe(0);
        expect(plain.stdout.split('\n')[0]).not.toContain('registry');
        const plainJson = await p.cli({}, 'status', '--json');
        expect(json(plainJson).rows.every((r) => !('registry' in r))).toBe(true);

        const newer = await p.cli(registryEnv, 'status', '--registry', '--json');
        expect(newer.code, newer.stderr).toBe(0);
        expect(json(newer).ok).toBe(true);
        // As promote --latest picks: 2.9.18 (2.10.0 is outside ~2.9, 2.9.19-rc.1 a pre-release).
        expect(registryOf(newer, 'staging', 'devops-toolkit')).toEqual({ policy: 'semver ~2.9', newest: '2.9.18', state: 'newer' });
        // No policy: null; every row has the key.
        expect(registryOf(newer, 'production', 'devops-toolkit')).toBeNull();
        expect(registryOf(newer, 'staging', 'go-demo-9')).toBeNull();

        const text = await p.cli(registryEnv, 'status', '--registry');
        expect(text.code, text.stderr).toBe(0);
        expect(text.stdout.split('\n')[0]).toMatch(/\sstate\s+registry$/);
        expect(line(text, 'devops-toolkit', 'staging')).toMatch(/2\.9\.17\s+2\.9\.17\s+in sync\s+2\.9\.18 \(newer\)$/);
        expect(line(text, 'devops-toolkit', 'production')).toMatch(/in sync$/);
        expect(text.stderr).toMatch(/registry: reading the tags of docker\.io\/vfarcic\/devops-toolkit-series/);

        const page = join(p.root, 'status.html');
        const html = await p.cli(registryEnv, 'status', '--registry', '--html', page);
        expect(html.code, html.stderr).toBe(0);
        const cell = /<td [^>]*data-env="staging" data-app="devops-toolkit"[^>]*>.*?<\/td>/.exec(readFileSync(page, 'utf8'))![0];
        expect(cell).toContain('<span class="marker registry newer"><span class="tag">2.9.18</span> available</span>');
        expect(line(html, 'devops-toolkit', 'staging')).toMatch(/2\.9\.18 \(newer\)$/);

        const promoted = await p.cli({}, 'promote', 'devops-toolkit', '2.9.18', '--env', 'staging', '-q');
        expect(promoted.code, promoted.stderr).toBe(0);
        const upToDate = await p.cli(registryEnv, 'status', '--registry', '--json');
        expect(upToDate.code, upToDate.stderr).toBe(0);
        expect(registryOf(upToDate, 'staging', 'devops-toolkit')).toEqual({ policy: 'semver ~2.9', newest: '2.9.18', state: 'up-to-date' });
        const upToDateText = await p.cli(registryEnv, 'status', '--registry');
        expect(line(upToDateText, 'devops-toolkit', 'staging')).toMatch(/in sync\s+up to date$/);
        const quiet = await p.cli(registryEnv, 'status', '--registry', '--html', page);
        expect(quiet.code, quiet.stderr).toBe(0);
        expect(readFileSync(page, 'utf8')).not.toContain('marker registry');

        noSecret(plain, newer, text, html, upToDate, upToDateText, quiet);
        expect(readFileSync(page, 'utf8')).not.toContain(AUTH.password);
      } finally {
        p.cleanup();
      }
    },
    SLOW,
  );

  it(
    'a registry that is down marks its rows (exit 4) and the others still show; no match is a state, not an error',
    async () => {
      const down = await refusedPort();
      const p = await bootstrappedPlatform((x) => {
        x.replace('charts-src/go-demo-9.ts', "image: 'vfarcic/go-demo-9'", `image: '127.0.0.1:${down}/vfarcic/go-demo-9'`);
        x.replace(
          'envs/staging.yaml',
          '  go-demo-9:\n    tag: "0.0.1"\n',
          '  go-demo-9:\n    tag: "0.0.1"\n    track: { semver: "~0.0" }\n',
        );
        x.replace(
          'envs/production.yaml',
          / {2}go-demo-9:\n {4}tag: "([^"]+)"\n/,
          '  go-demo-9:\n    tag: "$1"\n    track: { semver: "~0.0" }\n',
        );
        x.replace(
          'envs/staging.yaml',
          '  devops-paradox:\n    tag: "1.71"\n',
          '  devops-paradox:\n    tag: "v3"\n    track: { allowTags: "^v(\\\\d+)$", extract: "$1", order: numeric }\n',
        );
        x.replace('envs/staging.yaml', 'semver: "~2.9"', 'semver: "~7.1"');
      });
      try {
        const r = await p.cli(registryEnv, 'status', '--registry', '--json');
        expect(r.code, r.stderr).toBe(4);
        const doc = json(r);
        expect(doc).toMatchObject({ ok: false, exitCode: 4 });
        for (const env of ['staging', 'production']) {
          const g = registryOf(r, env, 'go-demo-9')!;
          expect(g).toMatchObject({ policy: 'semver ~0.0', newest: null, state: 'error' });
          expect(g.error).toMatch(new RegExp(`^127\\.0\\.0\\.1:${down}/vfarcic/go-demo-9: connection refused`));
        }
        expect(doc.errors!.map((e) => [e.env, e.app, e.code, e.exitCode])).toEqual([
          ['production', 'go-demo-9', 'remote_unavailable', 4],
          ['staging', 'go-demo-9', 'remote_unavailable', 4],
        ]);
        // The other registry answered: its rows are whole.
        expect(registryOf(r, 'staging', 'devops-paradox')).toEqual({
          policy: 'allowTags ^v(\\d+)$ extract $1 order numeric',
          newest: 'v10',
          state: 'newer',
        });
        expect(registryOf(r, 'staging', 'devops-toolkit')).toEqual({ policy: 'semver ~7.1', newest: null, state: 'no-match' });

        const text = await p.cli(registryEnv, 'status', '--registry');
        expect(text.code).toBe(4);
        expect(line(text, 'go-demo-9', 'staging')).toMatch(/unreachable: 127\.0\.0\.1:\d+\/vfarcic\/go-demo-9: connection refused/);
        expect(line(text, 'devops-paradox', 'staging')).toMatch(/v10 \(newer\)$/);
        expect(line(text, 'devops-toolkit', 'staging')).toMatch(/no match$/);
        // One stderr line for the registry, naming both rows it failed.
        const errors = text.stderr.split('\n').filter((l) => l.includes('connection refused'));
        expect(errors).toEqual([
          expect.stringMatching(
            /^error: production: go-demo-9, staging: go-demo-9: registry: 127\.0\.0\.1:\d+\/vfarcic\/go-demo-9: connection refused/,
          ),
        ]);
        noSecret(r, text);
      } finally {
        p.cleanup();
      }
    },
    SLOW,
  );

  it(
    'digest: true shows the digest promote --latest would pin; bad charts-src is bad input before any remote',
    async () => {
      const p = await bootstrappedPlatform((x) =>
        x.replace('envs/staging.yaml', 'semver: "~2.9", auto: true', 'semver: "~2.9", digest: true'),
      );
      try {
        const r = await p.cli(registryEnv, 'status', '--registry', '--env', 'staging', '--json');
        expect(r.code, r.stderr).toBe(0);
        const digest = await registry.rawDigest(TOOLKIT, '2.9.18');
        expect(registryOf(r, 'staging', 'devops-toolkit')).toEqual({ policy: 'semver ~2.9', newest: '2.9.18', digest, state: 'newer' });
        const text = await p.cli(registryEnv, 'status', '--registry', '--env', 'staging');
        expect(line(text, 'devops-toolkit', 'staging')).toContain(`2.9.18@${digest.slice(0, 19)}… (newer)`);

        // Pinned as promote --latest pins it: the same tag, up to date; then pushed again elsewhere.
        const promoted = await p.cli(registryEnv, 'promote', 'devops-toolkit', '--latest', '--env', 'staging', '-q');
        expect(promoted.code, promoted.stderr).toBe(0);
        const same = await p.cli(registryEnv, 'status', '--registry', '--env', 'staging', '--json');
        expect(registryOf(same, 'staging', 'devops-toolkit')).toMatchObject({ newest: '2.9.18', digest, state: 'up-to-date' });

        p.replace('charts-src/devops-toolkit.ts', "image: 'vfarcic/devops-toolkit-series'", "image: 'Not An Image'");
        const bad = await p.cli(
          { ...registryEnv, SLIPWAY_REGISTRY_DOCKER_IO_MIRROR: `127.0.0.1:${await refusedPort()}` },
          'status',
          '--registry',
        );
        expect(bad.code).toBe(1);
        expect(bad.stdout).toBe('');
        expect(bad.stderr).toContain('charts-src/devops-toolkit.ts');
        expect(bad.stderr).not.toContain('reading');
      } finally {
        p.cleanup();
      }
    },
    SLOW,
  );
});
