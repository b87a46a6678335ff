/**
 * git in the platform repo, run as the person would run it: their whole environment (simple-git
 * drops every ambient GIT_* variable, so GIT_AUTHOR_NAME, GIT_CONFIG_GLOBAL or GIT_SSH_COMMAND
 * would silently not apply), their config, hooks and signing. No credentials are added here:
 * the platform repo's remote is the person's, reached with their own setup.
 */
import { spawn } from 'node:child_process';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The one call platform-repo code needs: `raw(args)` → stdout; rejects with stderr and stdout in the message. */
export interface Git {
  raw(args: readonly string[]): Promise<string>;
}

export function gitIn(cwd: string, environment: Environment = process.env): Git {
  const env = Object.fromEntries(Object.entries(environment).filter((e): e is [string, string] => e[1] !== undefined));
  return {
    raw: (args) =>
      new Promise((resolve, reject) => {
        const child = spawn('git', [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => err.push(d));
        child.on('error', reject);
        child.on('close', (code) => {
          const stdout = Buffer.concat(out).toString('utf8');
          if (code === 0) resolve(stdout);
          else reject(new Error(`${Buffer.concat(err).toString('utf8')}\n${stdout}`.trim() || `git ${args[0]} exited with ${code}`));
        });
      }),
  };
}

/** How many commits `range` holds (`git rev-list --count`). */
export async function count(git: Git, range: string): Promise<number> {
  return Number((await git.raw(['rev-list', '--count', range])).trim()) || 0;
}
