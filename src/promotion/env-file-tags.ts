/**
 * The platform repo's env files and their tags: what is uncommitted in them (a promotion that
 * stopped before its platform-repo commit leaves tag-only edits, accepted when they are what the
 * env repo holds), the tags a file sets, and a promotion's tag edit re-applicable on another head.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../core/config-error.js';
import { setTags } from './env-file-edit.js';
import type { Git } from './git-run.js';

export interface UncommittedTags {
  /** App → tag in the working file, where it differs from the committed one. */
  readonly tags: ReadonlyMap<string, string>;
  /** The committed tags of those apps. */
  readonly committed: ReadonlyMap<string, string | undefined>;
}

/** Files among `files` with uncommitted changes (paths as git prints them: from the top of the repository). */
export async function dirty(git: Git, files: readonly string[]): Promise<string[]> {
  const out = await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=no', '--', ...files]);
  return out
    .split('\0')
    .filter((e) => e.length > 3)
    .map((e) => e.slice(3));
}

/**
 * Refuses files with uncommitted changes (they would be committed along), except an env file
 * whose only changes are tags: what a promotion that stopped before its platform commit leaves.
 * The caller checks those tags against the env repo.
 */
export async function checkClean(git: Git, root: string, files: readonly string[]): Promise<Map<string, UncommittedTags>> {
  const uncommitted = new Map<string, UncommittedTags>();
  for (const [file, tags] of await uncommittedChanges(git, root, files)) {
    if (tags === 'other') {
      throw new ConfigError(
        `${file} has uncommitted changes: commit or stash them first (slipway commits this file alone, and must not carry them along); nothing was written`,
      );
    }
    uncommitted.set(file, tags);
  }
  return uncommitted;
}

/** Files among `files` (or under them) with uncommitted changes: an env file's tag-only edits, or 'other'. */
export async function uncommittedChanges(
  git: Git,
  root: string,
  files: readonly string[],
): Promise<Map<string, UncommittedTags | 'other'>> {
  const changes = new Map<string, UncommittedTags | 'other'>();
  if (files.length === 0) return changes;
  // Porcelain paths are relative to the top of the repository; `files` to the platform repo's root.
  const prefix = (await git.raw(['rev-parse', '--show-prefix'])).trim();
  for (const path of await dirty(git, files)) {
    const file = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    const tags = files.includes(file) && /^envs\/[^/]+\.ya?ml$/.test(file) ? await tagOnlyChanges(git, root, file) : undefined;
    changes.set(file, tags ?? 'other');
  }
  return changes;
}

async function tagOnlyChanges(git: Git, root: string, file: string): Promise<UncommittedTags | undefined> {
  try {
    const committedText = await git.raw(['show', `HEAD:./${file}`]);
    const workingText = readFileSync(join(root, file), 'utf8');
    const committed = tagsIn(committedText);
    const working = tagsIn(workingText);
    const tags = new Map([...working].filter(([app, tag]) => committed.get(app) !== tag));
    if (tags.size === 0 || setTags(committedText, tags, file) !== workingText) return undefined;
    return { tags, committed: new Map([...tags.keys()].map((app) => [app, committed.get(app)])) };
  } catch {
    return undefined;
  }
}

/** `apps.<app>.tag` of an env file's text: app → tag. */
export function tagsIn(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  const data = parse(text) as { apps?: Record<string, { tag?: unknown } | null> } | null;
  for (const [app, entry] of Object.entries(data?.apps ?? {})) {
    if (entry && typeof entry === 'object' && entry.tag !== undefined && entry.tag !== null) tags.set(app, String(entry.tag));
  }
  return tags;
}

/**
 * The tag edit of a promotion, re-applicable on another head: each app moves `from` → `to` where
 * the file still has `from` (or has `to` already). `own` apps (the one promoted) must: anything
 * else is a real conflict, refused; other apps (adopted tags) are left as the head has them.
 */
export function tagEdit(
  file: string,
  changes: ReadonlyArray<{ readonly app: string; readonly from: string | undefined; readonly to: string; readonly own: boolean }>,
  recover: string,
): (text: string) => string {
  return (text) => {
    const current = tagsIn(text);
    const apply = new Map<string, string>();
    for (const c of changes) {
      const now = current.get(c.app);
      if (now === c.to) continue;
      if (now === c.from) apply.set(c.app, c.to);
      else if (c.own) {
        throw new ConfigError(
          `${file}: apps.${c.app}.tag: the platform repo has ${now ?? 'none'} now, not ${c.from ?? 'none'} (changed meanwhile): run ${recover}`,
        );
      }
    }
    return apply.size > 0 ? setTags(text, apply, file) : text;
  };
}
