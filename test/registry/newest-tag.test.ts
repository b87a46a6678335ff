/**
 * `newestTag`, the resolution `promote --latest` and `status --registry` share, against a real
 * registry (distribution v2 from the OS packages, images pushed with skopeo): the newest tag a
 * policy allows, where it stands against the deployed tag, and a tag deleted between the list and
 * its HEAD passed over for the next one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrackPolicy } from '../../generators/environment.js';
import { RegistryClient } from '../../src/registry/client.js';
import { parseImage } from '../../src/registry/image-ref.js';
import { newestTag } from '../../src/registry/newest-tag.js';
import { writeLayout } from '../support/oci-layout.js';
import { describeWithRegistry, startRegistry, type TestRegistry } from '../support/registry.js';

const REPO = 'vfarcic/devops-toolkit-series';
const TAGS = ['2.9.17', '2.9.18', '2.10.0', '2.9.19-rc.1', 'latest'];
const policy = (p: Partial<TrackPolicy>): TrackPolicy => ({ order: 'semver', digest: false, auto: false, ...p });

describeWithRegistry('newestTag (real registry)', () => {
  let dir: string;
  let registry: TestRegistry;
  let client: RegistryClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-newest-'));
    writeLayout(join(dir, 'layout'), TAGS);
    registry = await startRegistry();
    for (const tag of TAGS) await registry.push(join(dir, 'layout'), REPO, tag);
    client = new RegistryClient(parseImage(`${registry.host}/${REPO}`, 'test'), { backoffMs: () => 1 });
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    {
      name: 'nothing deployed',
      current: undefined,
      standing: 'unordered',
      reason: 'newer tag found: 2.9.18 (semver ~2.9); staging runs nothing',
    },
    {
      name: 'an older tag deployed',
      current: '2.9.17',
      standing: 'newer',
      reason: 'newer tag found: 2.9.18 (semver ~2.9); staging runs 2.9.17',
    },
    {
      name: 'the newest deployed',
      current: '2.9.18',
      standing: 'same',
      reason: 'up to date: staging runs 2.9.18, the newest semver ~2.9 allows',
    },
    { name: 'past the range (forced)', current: '2.10.0', standing: 'older', reason: 'staging runs 2.10.0, newer than 2.9.18' },
    { name: 'a floating tag deployed', current: 'latest', standing: 'unordered', reason: 'newer tag found: 2.9.18' },
  ])('semver ~2.9, $name: $standing', async ({ current, standing, reason }) => {
    const pick = await newestTag({ env: 'staging', policy: policy({ semver: '~2.9' }), registry: client, current });
    expect(pick).toMatchObject({ tag: '2.9.18', standing, policy: 'semver ~2.9', current });
    expect(pick.reason).toContain(reason);
  });

  it('digest: true pins the digest; the same tag pinned to another digest is repushed', async () => {
    const digest = await registry.rawDigest(REPO, '2.9.18');
    const pinned = policy({ semver: '~2.9', digest: true });
    expect(await newestTag({ env: 'staging', policy: pinned, registry: client, current: `2.9.18@${digest}` })).toMatchObject({
      tag: `2.9.18@${digest}`,
      standing: 'same',
    });
    const other = `sha256:${'0'.repeat(64)}`;
    const repushed = await newestTag({ env: 'staging', policy: pinned, registry: client, current: `2.9.18@${other}` });
    expect(repushed).toMatchObject({ tag: `2.9.18@${digest}`, standing: 'repushed' });
    expect(repushed.reason).toBe(`2.9.18 was pushed again (${digest}); staging pins ${other}`);
  });

  it('no tag matching is standing none, with the image and policy in the reason', async () => {
    const pick = await newestTag({ env: 'staging', policy: policy({ semver: '~7.1' }), registry: client, current: '2.9.17' });
    expect(pick).toMatchObject({ tag: undefined, standing: 'none' });
    expect(pick.reason).toBe(`no tag of ${registry.host}/${REPO} matches semver ~7.1`);
  });

  it('a tag deleted after the list was read is passed over for the next one', async () => {
    const scratch = await startRegistry();
    try {
      for (const tag of ['2.9.17', '2.9.18']) await scratch.push(join(dir, 'layout'), REPO, tag);
      const c = new RegistryClient(parseImage(`${scratch.host}/${REPO}`, 'test'), { backoffMs: () => 1 });
      const listed = await c.tags();
      await scratch.deleteTag(REPO, '2.9.18');
      const gone: string[] = [];
      const pick = await newestTag({
        env: 'staging',
        policy: policy({ semver: '~2.9' }),
        registry: { ref: c.ref, tags: async () => listed, digest: (t) => c.digest(t) },
        current: undefined,
        debug: (l) => gone.push(l),
      });
      expect(listed.sort()).toEqual(['2.9.17', '2.9.18']);
      expect(pick.tag).toBe('2.9.17');
      expect(gone).toEqual([expect.stringContaining('2.9.18 is listed but gone')]);
    } finally {
      await scratch.stop();
    }
  });
});
