/** `slipway crds pull`: the pinned controllers' CRDs into .slipway/crds/, and what it prints. */
import { relative } from 'node:path';
import type { Command } from 'commander';
import type { ComponentPull } from '../crds/pull-crds.js';
import { createIo, EXIT, exitCodeFor, jsonErrors, reportError, worstExitCode, type Io } from './io.js';

interface Flags {
  readonly baseUrl?: string;
}

/** The io of `crds pull` (the JSON envelope's command is `crds pull`). */
function ioOf(command: Command): Io {
  const g = command.optsWithGlobals() as { json?: boolean; quiet?: boolean; verbose?: boolean; color?: boolean };
  return createIo({ command: 'crds pull', json: g.json, quiet: g.quiet, verbose: g.verbose, color: g.color === false ? false : undefined });
}

export async function runCrdsPull(command: Command, root: string, components: readonly string[], flags: Flags): Promise<number> {
  const io = ioOf(command);
  try {
    const { pullCrds, pullSettings } = await import('../crds/pull-crds.js');
    const settings = pullSettings(process.env, flags);
    const results = await pullCrds({ root, components, ...settings, log: (line) => io.debug(line) });
    return report(results, root, io);
  } catch (error) {
    return reportError(error, io);
  }
}

function report(results: readonly ComponentPull[], root: string, io: Io): number {
  const failed = results.filter((r) => r.status === 'failed');
  const code = worstExitCode([EXIT.ok, ...failed.map((r) => exitCodeFor(r.error))]);
  const where = (r: ComponentPull) => relative(root, r.dir) || r.dir;
  if (io.json) {
    const errors = failed.flatMap((r) => jsonErrors(r.error));
    io.emitJson({
      ...(failed.length ? { ok: false, exitCode: code, error: errors[0], errors } : {}),
      components: results.map((r) => ({ component: r.component, version: r.version, dir: where(r), files: r.files, status: r.status })),
    });
  }
  for (const r of results) {
    if (r.status === 'downloaded')
      io.out(`${r.component} ${r.version}: ${r.files} file${r.files === 1 ? '' : 's'}, sha256 verified → ${where(r)}`);
    else if (r.status === 'up-to-date') io.out(`${r.component} ${r.version}: up to date (${where(r)})`);
  }
  for (const r of failed) {
    // One line each; what the server said only with --verbose.
    const message = (r.error as Error)?.message ?? String(r.error);
    io.error(message.split('\n')[0]!);
    const detail = (r.error as { detail?: string }).detail;
    if (detail) io.debug(`  ${detail}`);
  }
  if (failed.length === 0 && results.some((r) => r.status === 'downloaded')) {
    io.progress('synth now validates custom resources against them');
  }
  return code;
}
