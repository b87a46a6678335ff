/**
 * The tags an env repo holds now: the desired state Argo CD deploys. Helm mode reads
 * `values/<app>.yaml` (image.tag); manifests mode reads the app container's image.
 */
import { parse, parseAllDocuments } from 'yaml';
import type { EnvDefinition } from '../../generators/environment.js';
import type { RemoteTree } from '../core/env-remote.js';

/** The file (helm) or folder (manifests) whose history is an app's promotion history. */
export function tagPath(env: EnvDefinition, app: string): string {
  return env.render === 'helm' ? `values/${app}.yaml` : `manifests/${app}/`;
}

/** An app's tag in the env repo, or undefined when the repo does not deploy it (yet). */
export async function committedTag(tree: RemoteTree, env: EnvDefinition, app: string): Promise<string | undefined> {
  if (env.render === 'helm') {
    if (!tree.blobs.has(`values/${app}.yaml`)) return undefined;
    const text = await tree.read(`values/${app}.yaml`);
    const quick = quotedImageTag(text);
    if (quick !== undefined) return quick;
    const tag = (parse(text) as { image?: { tag?: unknown } } | null)?.image?.tag;
    return typeof tag === 'string' ? tag : undefined;
  }
  for (const path of [...tree.blobs.keys()].filter((p) => p.startsWith(`manifests/${app}/`)).sort()) {
    for (const doc of parseAllDocuments(await tree.read(path))) {
      const image = containerImage(doc.toJS(), app);
      if (image) return image.slice(image.lastIndexOf(':', image.includes('@') ? image.indexOf('@') : undefined) + 1);
    }
  }
  return undefined;
}

/**
 * `image.tag` of a values file laid out as slipway writes it (a block mapping, the tag a quoted
 * string), read without a YAML parse: the yaml package takes ~2 ms per 3 KB values file, and a
 * promotion reads every app's tag (100 apps: 0.2-0.9 s). Anything else (flow style, anchors, merge
 * keys, a plain scalar that YAML could read as a number, two keys of one name, several documents,
 * tabs) gives undefined and the caller parses the file: this answers only where a parse would
 * give the same string.
 */
export function quotedImageTag(text: string): string | undefined {
  if (text.includes('\t') || /^(---|\.\.\.|[?&*!%@`{[|>'"-])/m.test(text)) return undefined;
  const lines = text.split(/\r?\n/);
  const imageLines = lines.flatMap((l, i) => (/^image\s*:/.test(l) ? [i] : []));
  if (imageLines.length !== 1 || !/^image:\s*(#.*)?$/.test(lines[imageLines[0]!]!)) return undefined;
  let indent: number | undefined;
  let tag: string | undefined;
  for (const line of lines.slice(imageLines[0]! + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const at = line.length - line.trimStart().length;
    if (at === 0) break;
    indent ??= at;
    if (at < indent) return undefined;
    if (at > indent) continue;
    const key = /^\s*([^:#]+?)\s*:(\s|$)/.exec(line)?.[1];
    if (key === undefined || key.startsWith('<<') || /^['"]/.test(key)) return undefined;
    if (key !== 'tag') continue;
    if (tag !== undefined) return undefined;
    const value = /^\s*tag:\s*(?:"([^"\\]*)"|'([^']*)')\s*(#.*)?$/.exec(line);
    if (!value) return undefined;
    tag = value[1] ?? value[2]!;
  }
  return tag;
}

/** The image of the container named after the app, wherever the pod template sits. */
function containerImage(obj: unknown, app: string): string | undefined {
  if (Array.isArray(obj)) {
    for (const item of obj) {
      const found = containerImage(item, app);
      if (found) return found;
    }
    return undefined;
  }
  if (obj && typeof obj === 'object') {
    const o = obj as Record<string, unknown>;
    if (o.name === app && typeof o.image === 'string') return o.image;
    for (const v of Object.values(o)) {
      const found = containerImage(v, app);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every enabled app's committed tag. */
export async function committedTags(
  tree: RemoteTree,
  env: EnvDefinition,
  apps: readonly string[],
): Promise<Map<string, string | undefined>> {
  const tags = new Map<string, string | undefined>();
  for (const app of apps) tags.set(app, await committedTag(tree, env, app));
  return tags;
}
