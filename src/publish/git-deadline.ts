/**
 * What is left when simple-git stops a git process at its deadline (`timeout.block`).
 *
 * simple-git sends git SIGINT, but git does not pass it on to the transport it started (`git
 * remote-http`, `ssh`): orphaned, that process keeps waiting on the remote, and keeps git's
 * stdout and stderr open, which keeps slipway's own process alive after it reported the error.
 *
 * So each git run that talks to a remote is marked: its environment gets `SLIPWAY_GIT_RUN=<id>`,
 * which everything git starts inherits. `release` stops the processes still carrying the mark
 * (on Linux, found through /proc/<pid>/environ; elsewhere skipped) and closes slipway's ends of
 * the output streams, so the command ends as soon as it has reported the error.
 */
import * as fs from 'node:fs';

type OutputHandler = (command: string, stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream, args: string[]) => void;

const GIT_RUN_VARIABLE = 'SLIPWAY_GIT_RUN';

let runs = 0;

export class GitRun {
  /** Unique among this process's runs, and across processes. */
  readonly id = `${process.pid}.${++runs}.${Date.now().toString(36)}`;
  private readonly streams: NodeJS.ReadableStream[] = [];

  /** To add to the git process's environment. */
  get env(): Record<string, string> {
    return { [GIT_RUN_VARIABLE]: this.id };
  }

  /** For `simpleGit(...).outputHandler(...)`. */
  readonly handler: OutputHandler = (_command, stdout, stderr) => {
    this.streams.push(stdout, stderr);
  };

  /** Stops whatever the run left behind and closes its output. Best effort; never throws. */
  release(): void {
    for (const pid of marked(`${GIT_RUN_VARIABLE}=${this.id}`)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone already
      }
    }
    for (const stream of this.streams) (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}

/** Processes (this user's; Linux) whose environment holds `entry` exactly. */
function marked(entry: string): number[] {
  const found: number[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return found;
  }
  const needle = Buffer.from(`${entry}\0`);
  for (const pid of pids) {
    let environ: Buffer;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // another user's process, or gone
    }
    const at = environ.indexOf(needle);
    if (at === 0 || (at > 0 && environ[at - 1] === 0)) found.push(Number(pid));
  }
  return found;
}
