/**
 * Runs a process without blocking the event loop (test servers live in the test's own process,
 * so spawnSync against them would deadlock). Never throws.
 */
import { spawn } from 'node:child_process';

export interface Run { code: number; stdout: string; stderr: string }

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
