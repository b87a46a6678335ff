/**
 * Runs a process without blocking the event loop (test servers live in the test's own process,
 * so spawnSync against them would deadlock). Never throws.
 *
 * With `limitMs` the process gets its own process group, killed whole (with the git, ssh or
 * helpers it started) when the limit passes: a hanging command fails its test instead of the run.
 */
import { spawn } from 'node:child_process';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time, ms. */
  ms: number;
  /** Killed at `limitMs`: it hung. */
  hung: boolean;
  pid: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv | Record<string, string | undefined>;
  /** Kill the process group after this long. @default - no limit */
  limitMs?: number;
}

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const bounded = options.limitMs !== undefined;
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: (options.env ?? process.env) as NodeJS.ProcessEnv,
      detached: bounded,
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = bounded
      ? setTimeout(() => {
          hung = true;
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, options.limitMs)
      : undefined;
    // A command that cannot start (missing binary or cwd) is a failed run, not a hung test.
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${error.message}`, ms: Date.now() - started, hung, pid: child.pid ?? -1 });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started, hung, pid: child.pid! });
    });
  });
}
