/**
 * slipway's own platform-repo commits that a run left unpushed: killed during its push (a
 * pre-push hook, a lost terminal, SIGKILL), the commit is made and the push never finished.
 * Recognised by what slipway writes, and nothing less: a commit with one parent whose message
 * carries `Slipway-Env: <env>` and the trailer of the command that made it (`Slipway-Env-Commit`:
 * promote, rollback, track; `Slipway-Adopted`: pull), and that changes only `envs/<env>.yaml` (and
 * `out/envs/<env>/`, committed along when out/ is tracked). Anything else on the branch is a
 * person's, which slipway never pushes.
 */
import { COMMIT_ID } from '../core/env-remote.js';
import type { Git } from './git-run.js';

/** One of slipway's own commits, for messages. */
export interface OwnCommit {
  readonly sha: string;
  readonly title: string;
}

/** More unpushed commits than this are not a stopped run's leftovers: a person's branch. */
const MAX_OWN = 20;

/**
 * The commits `base..HEAD`, oldest first, when every one of them is slipway's own (see the file
 * comment); undefined when any is not, or there are more than a stopped run leaves.
 */
export async function ownUnpushed(git: Git, base: string): Promise<OwnCommit[] | undefined> {
  const out = await git.raw([
    'log',
    '--reverse',
    `--max-count=${MAX_OWN + 1}`,
    '--format=%x1e%H %P%x1f%s%x1f%(trailers:key=Slipway-Env,valueonly,separator=%x2c)%x1f%(trailers:key=Slipway-Env-Commit,valueonly,separator=%x2c)%x1f%(trailers:key=Slipway-Adopted,valueonly,separator=%x2c)%x1f',
    '--name-only',
    `${base}..HEAD`,
  ]);
  const records = out.split('\x1e').slice(1);
  if (records.length === 0 || records.length > MAX_OWN) return undefined;
  const own: OwnCommit[] = [];
  for (const record of records) {
    const [ids = '', title = '', env = '', envCommit = '', adopted = '', names = ''] = record.split('\x1f');
    const [sha, ...parents] = ids.trim().split(' ');
    if (!sha || parents.length !== 1) return undefined;
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(env.trim())) return undefined;
    if (!COMMIT_ID.test(envCommit.trim()) && adopted.trim() === '') return undefined;
    const files = names.split('\n').filter((f) => f.trim() !== '');
    const mine = (f: string) =>
      f === `envs/${env.trim()}.yaml` || f === `envs/${env.trim()}.yml` || f.startsWith(`out/envs/${env.trim()}/`);
    if (files.length === 0 || !files.every(mine)) return undefined;
    own.push({ sha, title });
  }
  return own;
}
