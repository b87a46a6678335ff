/**
 * Records a promotion in the platform repo, so the next synth reproduces what is deployed:
 * commit envs/<env>.yaml alone, and push it when the branch has an upstream.
 *
 * Few git processes: the commit, one `status --porcelain=v2 --branch` for the new HEAD and its
 * upstream, and the push. None is silenced with --quiet: simple-git waits 50 ms more after a
 * process that printed nothing.
 */
import { simpleGit } from 'simple-git';

/** Returns what happened, for the user: committed (and pushed), or why not. */
export async function recordInPlatformRepo(root: string, file: string, message: string, log: (line: string) => void): Promise<string> {
  const git = simpleGit({ baseDir: root });
  // Only this file: whatever else is staged or changed stays as the user left it.
  try {
    await git.raw(['commit', '--no-verify', '-m', message, '--', file]);
  } catch (e) {
    if (!(await git.checkIsRepo().catch(() => false))) {
      return `${file} updated; the platform repo is not a git repository, so nothing was committed`;
    }
    throw e;
  }
  const { head, upstream } = branchStatus(await git.raw(['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=no', '--', file]));
  if (!upstream) return `${file} committed to the platform repo (${head.slice(0, 12)}); no upstream to push to`;
  try {
    await git.raw(['push']);
    return `${file} committed (${head.slice(0, 12)}) and pushed to ${upstream}`;
  } catch (e) {
    log(`platform repo: push to ${upstream} refused (${String((e as Error).message).split('\n')[0]}); pull and push it yourself`);
    return `${file} committed (${head.slice(0, 12)}); pushing to ${upstream} failed: pull --rebase and push`;
  }
}

/**
 * HEAD and the upstream from `git status --porcelain=v2 --branch -z`. An upstream counts only when
 * its remote-tracking branch exists (`# branch.ab`), as `rev-parse @{upstream}` would resolve it.
 */
function branchStatus(out: string): { head: string; upstream: string } {
  let head = '';
  let upstream = '';
  let tracked = false;
  for (const entry of out.split('\0')) {
    if (entry.startsWith('# branch.oid ')) head = entry.slice('# branch.oid '.length);
    else if (entry.startsWith('# branch.upstream ')) upstream = entry.slice('# branch.upstream '.length);
    else if (entry.startsWith('# branch.ab ')) tracked = true;
  }
  return { head, upstream: tracked ? upstream : '' };
}
