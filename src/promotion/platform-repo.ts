/**
 * Records a promotion in the platform repo, so the next synth reproduces what is deployed:
 * commit envs/<env>.yaml alone, and push it when the branch has an upstream.
 */
import { simpleGit } from 'simple-git';

/** Returns what happened, for the user: committed (and pushed), or why not. */
export async function recordInPlatformRepo(root: string, file: string, message: string, log: (line: string) => void): Promise<string> {
  const git = simpleGit({ baseDir: root });
  if (!(await git.checkIsRepo().catch(() => false))) {
    return `${file} updated; the platform repo is not a git repository, so nothing was committed`;
  }
  // Only this file: whatever else is staged or changed stays as the user left it.
  await git.raw(['commit', '--quiet', '--no-verify', '-m', message, '--', file]);
  const head = (await git.revparse(['HEAD'])).trim();
  const upstream = await git.raw(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']).then((s) => s.trim(), () => '');
  if (!upstream) return `${file} committed to the platform repo (${head.slice(0, 12)}); no upstream to push to`;
  try {
    await git.raw(['push', '--quiet']);
    return `${file} committed (${head.slice(0, 12)}) and pushed to ${upstream}`;
  } catch (e) {
    log(`platform repo: push to ${upstream} refused (${String((e as Error).message).split('\n')[0]}); pull and push it yourself`);
    return `${file} committed (${head.slice(0, 12)}); pushing to ${upstream} failed: pull --rebase and push`;
  }
}
