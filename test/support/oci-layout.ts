/**
 * Small OCI image layouts (https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
 * that tests write themselves, so pushing images needs no network: `oci-layout`, `index.json`
 * naming each tag (`org.opencontainers.image.ref.name`, what `skopeo copy oci:<dir>:<tag>` reads)
 * and content-addressed blobs. Each tag's image differs (its config names the tag), so each tag
 * has its own digest; a multi-platform tag is an image index over two platform manifests.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

function blob(dir: string, mediaType: string, bytes: Buffer): Descriptor {
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
  return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** One platform's image: a config naming tag and platform, and one (empty tar, gzipped) layer shared by all. */
function image(dir: string, tag: string, architecture: string): Descriptor {
  const layerTar = Buffer.alloc(1024); // an empty tar archive: two zero blocks
  const layer = blob(dir, 'application/vnd.oci.image.layer.v1.tar+gzip', gzipSync(layerTar));
  const diffId = `sha256:${createHash('sha256').update(layerTar).digest('hex')}`;
  const config = blob(
    dir,
    'application/vnd.oci.image.config.v1+json',
    json({
      architecture,
      os: 'linux',
      config: { Labels: { 'slipway.test/tag': tag } },
      rootfs: { type: 'layers', diff_ids: [diffId] },
    }),
  );
  return blob(
    dir,
    'application/vnd.oci.image.manifest.v1+json',
    json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] }),
  );
}

/** Writes a layout holding `tags` (single-platform) and `multiPlatform` (amd64 + arm64 index) into `dir`. */
export function writeLayout(dir: string, tags: readonly string[], multiPlatform: readonly string[] = []): void {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests: Descriptor[] = [];
  const named = (d: Descriptor, tag: string): Descriptor => ({ ...d, annotations: { 'org.opencontainers.image.ref.name': tag } });
  for (const tag of tags) manifests.push(named(image(dir, tag, 'amd64'), tag));
  for (const tag of multiPlatform) {
    const platforms = (['amd64', 'arm64'] as const).map((architecture) => ({
      ...image(dir, tag, architecture),
      platform: { architecture, os: 'linux' },
    }));
    const index = blob(
      dir,
      'application/vnd.oci.image.index.v1+json',
      json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: platforms }),
    );
    manifests.push(named(index, tag));
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}
