/** The platform repo's commit that a publish comes from, for commit trailers. */
import { simpleGit } from 'simple-git';

/** `<sha>` of HEAD, with `-dirty` when uncommitted changes touch charts-src/ or envs/; 'none' outside git. */
export async function sourceCommit(root: string): Promise<string> {
  try {
    const git = simpleGit({ baseDir: root });
    if (!(await git.checkIsRepo())) return 'none';
    const head = (await git.revparse(['HEAD'])).trim();
    const status = await git.status(['--porcelain', '--', 'charts-src', 'envs']);
    return status.isClean() ? head : `${head}-dirty`;
  } catch {
    return 'none';
  }
}
