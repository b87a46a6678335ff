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
    const tag = (parse(await tree.read(`values/${app}.yaml`)) as { image?: { tag?: unknown } } | null)?.image?.tag;
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
