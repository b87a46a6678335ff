/** The platform repo's commit that a publish comes from, for commit trailers. */
import { simpleGit } from 'simple-git';

/** `<sha>` of HEAD, with `-dirty` when uncommitted changes touch charts-src/ or envs/; 'none' outside git. */
export async function sourceCommit(root: string): Promise<string> {
  try {
    // One git process for both: HEAD (`# branch.oid`, `(initial)` before the first commit) and
    // every change under the two folders, untracked files included. Outside a work tree it fails.
    const out = await simpleGit({ baseDir: root }).raw([
      'status',
      '--porcelain=v2',
      '--branch',
      '-z',
      '--untracked-files=all',
      '--',
      'charts-src',
      'envs',
    ]);
    let head: string | undefined;
    let dirty = false;
    for (const entry of out.split('\0')) {
      if (entry === '') continue;
      if (entry.startsWith('# ')) {
        const oid = /^# branch\.oid ([0-9a-f]{40}(?:[0-9a-f]{24})?)$/.exec(entry);
        if (oid) head = oid[1];
        continue;
      }
      dirty = true;
    }
    if (head === undefined) return 'none';
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'none';
  }
}
