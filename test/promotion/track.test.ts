/**
 * `slipway track` and `promote --latest` as users run them: the CLI, a real platform repo, the
 * sample's env repos as local bare repos, and a real registry (docker-registry behind htpasswd
 * basic auth) standing in for Docker Hub through SLIPWAY_REGISTRY_DOCKER_IO_MIRROR.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeRacingPushShim } from '../support/git-shim.js';
import { writeLayout } from '../support/oci-layout.js';
import type { Project } from '../support/project-fixture.js';
import { refusedPort } from '../support/refused-port.js';
import { describeWithRegistry, registryCliEnv, startRegistry, type TestRegistry } from '../support/registry.js';
import { bootstrappedPlatform } from '../support/bootstrapped-platform.js';
import type { Run } from '../support/run.js';
import { git } from '../support/git-id.js';

const AUTH = { username: 'tracker', password: 'Reg1stry-s3cret-xyz' };
const TOOLKIT = 'vfarcic/devops-toolkit-series';
const PARADOX = 'vfarcic/devops-paradox';

// Each case runs the CLI 3 to 6 times (git, a bootstrap, registry reads): ~20 s alone, more beside other files.
const SLOW = 180_000;

describeWithRegistry('track and promote --latest (real registry)', () => {
  let dir: string;
  let registry: TestRegistry;
  let registryEnv: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-track-'));
    writeLayout(join(dir, 'layout'), ['2.9.17', '2.10.0', '2.9.19-rc.1', 'latest', 'v3', 'v10'], ['2.9.18']);
    registry = await startRegistry(AUTH);
    for (const tag of ['2.9.17', '2.9.18', '2.10.0', '2.9.19-rc.1', 'latest', 'v3']) await registry.push(join(dir, 'layout'), TOOLKIT, tag);
    for (const tag of ['v3', 'v10', 'latest']) await registry.push(join(dir, 'layout'), PARADOX, tag);
    registryEnv = registryCliEnv(registry, AUTH, dir);
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const bare = (p: Project, env: string) => join(p.root, '.slipway', 'remotes', `${env}.git`);
  const repoTag = (p: Project, env: string, app: string) =>
    /tag: "?([^"\n]+)"?/.exec(git(p.root, '--git-dir', bare(p, env), 'show', `main:values/${app}.yaml`))![1];
  const head = (p: Project, env: string) => git(p.root, '--git-dir', bare(p, env), 'rev-parse', 'main');
  const count = (p: Project, env: string) => Number(git(p.root, '--git-dir', bare(p, env), 'rev-list', '--count', 'main'));
  const json = (r: Run) => JSON.parse(r.stdout) as { decisions: Array<Record<string, unknown>>; ok: boolean; exitCode?: number };

  it(
    'tracks the sample: staging gets the newest 2.9.x, once, two tracked apps in one commit; a second run changes nothing; no secret anywhere',
    async () => {
      const p = await bootstrappedPlatform((x) =>
        x.replace(
          'envs/staging.yaml',
          '  devops-paradox:\n    tag: "1.71"\n',
          '  devops-paradox:\n    tag: "v3"\n    track: { allowTags: "^v(\\\\d+)$", extract: "$1", order: numeric, auto: true }\n',
        ),
      );
      try {
        const [before, platformBefore] = [count(p, 'staging'), Number(git(p.root, 'rev-list', '--count', 'main'))];
        const first = await p.cli(registryEnv, 'track', '--json');
        expect(first.code, first.stderr).toBe(0);
        const decisions = json(first).decisions;
        expect(decisions.map((d) => [d.env, d.app, d.current, d.tag, d.action])).toEqual([
          ['staging', 'devops-paradox', 'v3', 'v10', 'promoted'],
          ['staging', 'devops-toolkit', '2.9.17', '2.9.18', 'promoted'],
        ]);
        expect(decisions[1]!.reason).toBe('newer tag found: 2.9.18 (semver ~2.9); staging runs 2.9.17');
        expect(repoTag(p, 'staging', 'devops-toolkit')).toBe('2.9.18');
        expect(repoTag(p, 'staging', 'devops-paradox')).toBe('v10');
        // Two tracked apps of one env: one commit (a bundle), in the env repo and in the platform repo.
        expect(count(p, 'staging')).toBe(before + 1);
        expect(Number(git(p.root, 'rev-list', '--count', 'main'))).toBe(platformBefore + 1);
        const log = git(p.root, '--git-dir', bare(p, 'staging'), 'log', '-1', '--format=%B', 'main');
        expect(log.split('\n')[0]).toBe('promote 2 apps (staging): devops-paradox v3 → v10, devops-toolkit 2.9.17 → 2.9.18');
        expect(log).toContain('Slipway-Bundle: devops-paradox=v10,devops-toolkit=2.9.18');
        expect(log).toContain('Slipway-Tracked: devops-paradox=allowTags ^v(\\d+)$ extract $1 order numeric; devops-toolkit=semver ~2.9');
        expect(readFileSync(join(p.root, 'envs/staging.yaml'), 'utf8')).toContain('tag: "2.9.18"\n    # Follow the registry');
        const h = head(p, 'staging');

        const second = await p.cli(registryEnv, 'track', '--json');
        expect(second.code, second.stderr).toBe(0);
        expect(json(second).decisions.map((d) => d.action)).toEqual(['up-to-date', 'up-to-date']);
        expect(head(p, 'staging')).toBe(h);

        const text = await p.cli(registryEnv, 'track');
        expect(text.stdout).toMatch(/staging\s+devops-toolkit\s+2\.9\.18\s+2\.9\.18\s+up-to-date\s+up to date: staging runs 2\.9\.18/);

        // The registry password is in no output, commit, or git config.
        const everything = [
          first.stdout,
          first.stderr,
          second.stdout,
          second.stderr,
          text.stdout,
          text.stderr,
          git(p.root, '--git-dir', bare(p, 'staging'), 'log', '-p', '--all'),
          git(p.root, 'log', '-p', '--all'),
          readFileSync(join(p.root, '.git', 'config'), 'utf8'),
          readFileSync(join(bare(p, 'staging'), 'config'), 'utf8'),
        ].join('\n');
        expect(everything).not.toContain(AUTH.password);
        expect(everything).not.toContain(Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64'));
      } finally {
        p.cleanup();
      }
    },
    SLOW,
  );

  it(
    'promote --latest: pins the index digest (skopeo inspect --raw | sha256sum); --dry-run --json says what and why',
    async () => {
      const p = await bootstrappedPlatform((x) =>
        x.replace('envs/staging.yaml', 'track: { semver: "~2.9", auto: true }', 'track: { semver: "~2.9", digest: true }'),
      );
      try {
        const dry = await p.cli(registryEnv, 'promote', 'devops-toolkit', '--latest', '--env', 'staging', '--dry-run', '--json');
        expect(dry.code, dry.stderr).toBe(0);
        const digest = await registry.rawDigest(TOOLKIT, '2.9.18');
        const result = JSON.parse(dry.stdout) as { status: string; to: string; tracked: { reason: string; policy: string } };
        expect(result.status).toBe('dry-run');
        expect(result.to).toBe(`2.9.18@${digest}`);
        expect(result.tracked.policy).toBe('semver ~2.9');
        expect(result.tracked.reason).toContain('newer tag found: 2.9.18');

        // auto: false → track lists it as manual and writes nothing.
        const h = head(p, 'staging');
        const tracked = await p.cli(registryEnv, 'track', '--json');
        expect(json(tracked).decisions.map((d) => d.action)).toEqual(['manual']);
        expect(head(p, 'staging')).toBe(h);

        const real = await p.cli(registryEnv, 'promote', 'devops-toolkit', '--latest', '--env', 'staging');
        expect(real.code, real.stderr).toBe(0);
        expect(repoTag(p, 'staging', 'devops-toolkit')).toBe(`2.9.18@${digest}`);
      } finally {
        p.cleanup();
      }
    },
    SLOW,
  );

  it(
    'never backwards without --force --reason; gating still applies; no match is a decision, not an error',
    async () => {
      const p = await bootstrappedPlatform((x) =>
        x.replace(
          'envs/production.yaml',
          '  devops-toolkit:\n    tag: "2.9.9"\n',
          '  devops-toolkit:\n    tag: "2.9.9"\n    track: { semver: "~2.9", auto: true }\n',
        ),
      );
      try {
        expect((await p.cli({}, 'promote', 'devops-toolkit', '2.10.0', '--env', 'staging', '-q')).code).toBe(0);
        const r = await p.cli(registryEnv, 'track', '--json');
        expect(r.code, r.stderr).toBe(0);
        const [production, staging] = json(r).decisions;
        expect(staging).toMatchObject({ env: 'staging', action: 'blocked', current: '2.10.0', tag: '2.9.18' });
        expect(staging!.reason).toContain('staging runs 2.10.0, newer than 2.9.18');
        // production promotes from staging, which runs 2.10.0, not 2.9.18.
        expect(production).toMatchObject({ env: 'production', action: 'blocked' });
        expect(production!.reason).toContain('production promotes from staging');
        expect(repoTag(p, 'staging', 'devops-toolkit')).toBe('2.10.0');

        const refused = await p.cli(registryEnv, 'promote', 'devops-toolkit', '--latest', '--env', 'staging');
        expect(refused.code).toBe(1);
        expect(
          refused.stderr
            .trim()
            .split('\n')
            .filter((l) => !l.startsWith('→')),
        ).toHaveLength(1);
        const forced = await p.cli(
          registryEnv,
          'promote',
          'devops-toolkit',
          '--latest',
          '--env',
          'staging',
          '--force',
          '--reason',
          '2.10 breaks the book',
        );
        expect(forced.code, forced.stderr).toBe(0);
        expect(repoTag(p, 'staging', 'devops-toolkit')).toBe('2.9.18');

        p.replace('envs/staging.yaml', 'semver: "~2.9"', 'semver: "~7.1"');
        git(p.root, 'commit', '-qam', 'track 7.1');
        const none = await p.cli(registryEnv, 'track', '--env', 'staging', '--json');
        expect(json(none).decisions[0]).toMatchObject({ action: 'no-match' });
        expect(json(none).decisions[0]!.reason).toContain(
          `no tag of docker.io/${TOOLKIT} (mirror http://${registry.host}) matches semver ~7.1`,
        );
      } finally {
        p.cleanup();
      }
    },
    SLOW,
  );

  it(
    'a registry that is down: exit 4, one line, nothing written; bad credentials: exit 1, one line',
    async () => {
      const p = await bootstrappedPlatform();
      try {
        const h = head(p, 'staging');
        const down = await p.cli({ ...registryEnv, SLIPWAY_REGISTRY_DOCKER_IO_MIRROR: `127.0.0.1:${await refusedPort()}` }, 'track');
        expect(down.code).toBe(4);
        expect(down.stderr.split('\n').filter((l) => l.includes('connection refused'))).toHaveLength(1);
        expect(head(p, 'staging')).toBe(h);
        expect(git(p.root, 'status', '--porcelain')).toBe('');

        const host = registry.host.replace(/[^0-9A-Za-z]/g, '_');
        const bad = await p.cli(
          { ...registryEnv, [`SLIPWAY_REGISTRY_${host}_PASSWORD`]: 'not-the-password-42' },
          'promote',
          'devops-toolkit',
          '--latest',
          '--env',
          'staging',
        );
        expect(bad.code).toBe(1);
        const lines = bad.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('→'));
        expect(lines).toEqual([expect.stringMatching(/refused the credentials from SLIPWAY_REGISTRY_\w+_USERNAME\/PASSWORD \(401\)/)]);
        expect(bad.stderr + bad.stdout).not.toContain('not-the-password-42');
        expect(head(p, 'staging')).toBe(h);
      } finally {
        p.cleanup();
      }
    },
    SLOW,
  );

  it(
    'a human promotes a newer tag while track commits: track re-reads and does not overwrite it',
    async () => {
      const shimParent = mkdtempSync(join(tmpdir(), 'slipway-shim-'));
      const shim = writeRacingPushShim(shimParent);
      const beforePush = shim.beforePush;
      const p = await bootstrappedPlatform(undefined, { PATH: `${shim.dir}${delimiter}${process.env.PATH}` });
      try {
        const other = join(shimParent, 'other');
        writeFileSync(
          beforePush,
          [
            `git clone -q '${bare(p, 'staging')}' '${other}'`,
            `cd '${other}'`,
            `sed -i 's/^  tag: .*/  tag: "2.9.19"/' values/devops-toolkit.yaml`,
            `git -c user.name=human -c user.email=h@x commit -qam 'a human promotes 2.9.19'`,
            'git push -q origin HEAD:main',
            '',
          ].join('\n'),
        );
        const r = await p.cli(registryEnv, 'track', '--json');
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/someone committed first; re-reading and re-applying the promotion/);
        const [d] = json(r).decisions;
        expect(d).toMatchObject({ app: 'devops-toolkit', action: 'blocked' });
        expect(d!.reason).toContain('2.9.19 was promoted to staging meanwhile');
        expect(repoTag(p, 'staging', 'devops-toolkit')).toBe('2.9.19');
        expect(git(p.root, '--git-dir', bare(p, 'staging'), 'log', '-1', '--format=%s', 'main')).toBe('a human promotes 2.9.19');
      } finally {
        p.cleanup();
        rmSync(shimParent, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
