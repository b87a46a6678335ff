/**
 * Questions a `GitRemote` asks the remote itself, through `git ls-remote`, outside the working
 * clone: is the repo there, where is a branch right now, which branches have a name prefix. Each
 * is one process with the remote's deadline.
 */
import * as os from 'node:os';
import type { GitClone } from './git-clone.js';

/** Lists the remote's branches: fails (not found, credentials, unreachable) when it cannot be read. */
export async function probeRemote(clone: GitClone): Promise<void> {
  await clone.remoteGit(os.tmpdir(), ['ls-remote', '--heads', clone.url], 'ls-remote');
}

/** The branch's head as the remote has it right now (ls-remote), undefined when absent. */
export async function lsRemoteHead(clone: GitClone, branch: string): Promise<string | undefined> {
  const wanted = `refs/heads/${branch}`;
  const out = await clone.remoteGit(os.tmpdir(), ['ls-remote', clone.url, wanted], 'ls-remote');
  // ls-remote patterns match ref name tails (also `refs/heads/x/refs/heads/<branch>`): exact only.
  for (const line of out.split('\n')) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (ref === wanted && sha) return sha;
  }
  return undefined;
}

/** Branches named `prefix…` on the remote (one ls-remote): name → head. */
export async function lsRemoteBranches(clone: GitClone, prefix: string): Promise<Map<string, string>> {
  const out = await clone.remoteGit(os.tmpdir(), ['ls-remote', '--heads', clone.url, `refs/heads/${prefix}*`], 'ls-remote');
  const heads = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (sha && ref?.startsWith(`refs/heads/${prefix}`)) heads.set(ref.slice('refs/heads/'.length), sha);
  }
  return heads;
}
