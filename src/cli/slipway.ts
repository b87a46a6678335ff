/**
 * The `slipway` command line (commander). Every command loads and validates first; writing
 * commands show their plan before they write.
 */
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { generate } from '../synth.js';
import { planEnvs, bootstrapEnvs, type EnvPublishResult } from '../publish/bootstrap.js';
import { planJson, renderPlan } from '../plan/plan.js';
import { createIo, EXIT, reportError, type Io } from './io.js';
import { runSynth } from './synth-command.js';
import { ConfigError } from '../load/config-error.js';
import { promote, type PromoteResult } from '../promotion/promote.js';
import { history, pull, rollback, status } from '../promotion/commands.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  done; for plan and bootstrap --dry-run: nothing would change
  1  bad input or a problem you must fix (names, files, credentials, permissions)
  2  changes pending (plan, bootstrap --dry-run)
     (promote, rollback and pull exit 0 also when there was nothing to do)
  3  internal error (a bug in slipway: please report it)
  4  a remote failed or could not be reached (network, GitHub 5xx after retries); run again

Credentials come from the environment only: GITHUB_TOKEN (or GH_TOKEN) for GitHub env repos,
SLIPWAY_GIT_TOKEN (and SLIPWAY_GIT_USERNAME) for other https git remotes. They never appear in
output, command lines, remote URLs or .git/config.`;

interface GlobalOptions {
  root?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
}

function ioFor(command: Command): Io {
  const g = command.optsWithGlobals() as GlobalOptions;
  const environment = process.env;
  return createIo({
    json: g.json,
    quiet: g.quiet,
    verbose: g.verbose,
    color: g.color === false ? false : undefined,
    secrets: [environment.GITHUB_TOKEN, environment.GH_TOKEN, environment.SLIPWAY_GIT_TOKEN].filter((s): s is string => Boolean(s)),
  });
}

function rootOf(command: Command): string {
  return resolve((command.optsWithGlobals() as GlobalOptions).root ?? process.cwd());
}

export function buildProgram(run: (code: number) => void): Command {
  const program = new Command('slipway')
    .description('GitOps platform kit: generate Helm charts and Argo CD environment repos, publish and promote them')
    .option('--root <dir>', 'the platform repo (charts-src/, envs/); default: the current directory')
    .option('--json', 'print one JSON document instead of text')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'print details of each step')
    .option('--no-color', 'no colours (also: NO_COLOR, or output not a terminal)')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError()
    .exitOverride();

  const action = (fn: (command: Command, io: Io) => Promise<number>) => async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const io = ioFor(command);
    try {
      run(await fn(command, io));
    } catch (e) {
      run(reportError(e, io));
    }
  };

  program.command('synth')
    .description('generate out/ (Helm charts and env-repo trees) from charts-src/ and envs/')
    .option('--check', 'compare out/ with the sources instead of writing it; exit 1 when they differ')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .option('--out <dir>', "output folder, replaced whole: missing, empty or synth's own (default: <root>/out)")
    .option('--strict-platform', "fail when an env's apps need platform components nobody installs on its cluster")
    .action(action((command, io) => runSynth({ ...command.opts(), root: rootOf(command) }, io)));

  program.command('validate')
    .description('load and validate charts-src/ and envs/ and every generated object; write nothing')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .action(action(async (command, io) => {
      const { output, validation } = await generate({ root: rootOf(command), crdsDir: command.opts().crds ? resolve(command.opts().crds) : undefined });
      if (io.json) io.emitJson({ valid: true, objectsChecked: validation.objectsChecked, unchecked: validation.unchecked, envs: output.envs.map((e) => e.env.name) });
      else {
        io.out(`valid: ${output.envs.length} environments, ${validation.objectsChecked} objects checked`);
        if (validation.unchecked.length) io.out(`not schema-checked (no CRDs given): ${validation.unchecked.join(', ')}`);
      }
      return EXIT.ok;
    }));

  const envOption = () => new Option('-e, --env <name...>', 'only these environments (repeatable)');

  program.command('plan')
    .description('show what bootstrap would change in each env repo, as Terraform shows a plan; exit 2 when something would change')
    .addOption(envOption())
    .option('--force', 'plan writing envs/ tags over different ones in the env repo')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .action(action(async (command, io) => {
      const results = await planEnvs(publishOptions(command, io));
      return report(results, io, 'plan');
    }));

  program.command('promote')
    .description('set <app>\'s tag in an environment: edit envs/<env>.yaml, show the plan, commit the tag bump to the env repo (or open a pull request)')
    .argument('<app>', 'the app (charts-src/<app>.ts)')
    .argument('[tag]', 'the image tag, optionally with @sha256:<digest>')
    .requiredOption('-e, --env <name>', 'the environment to promote in')
    .option('--from <env>', 'take the tag the env repo of <env> holds now')
    .option('--pr', 'commit to a branch and open (or update) a pull request instead of committing directly (default from the env file: promotion: pr)')
    .option('--dry-run', 'print the plan and write nothing')
    .option('--force', 'bypass gating (and the tag-drift check); needs --reason')
    .option('--reason <text>', 'why --force is needed; it goes into the commit')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .action(action(async (command, io) => {
      const [app, tag] = command.args as [string, string | undefined];
      const o = command.opts() as { env: string; from?: string; pr?: boolean; dryRun?: boolean; force?: boolean; reason?: string; crds?: string };
      const result = await promote({ ...promotionOptions(command, io), app, tag, env: o.env, from: o.from, pr: o.pr, dryRun: o.dryRun, force: o.force, reason: o.reason });
      return reportPromotion(result, io);
    }));

  program.command('rollback')
    .description('promote the previous (or named) tag back, as a new commit marked as a rollback: change Git, never the cluster')
    .argument('<app>', 'the app')
    .requiredOption('-e, --env <name>', 'the environment')
    .option('--to <tag>', 'the tag to go back to (default: the one the current tag replaced)')
    .option('--pr', 'through a pull request')
    .option('--dry-run', 'print the plan and write nothing')
    .option('--force', 'roll back to a tag the env never ran; needs --reason')
    .option('--reason <text>', 'why --force is needed')
    .action(action(async (command, io) => {
      const [app] = command.args as [string];
      const o = command.opts() as { env: string; to?: string; pr?: boolean; dryRun?: boolean; force?: boolean; reason?: string };
      if (o.force && !o.reason?.trim()) throw new ConfigError('--force needs --reason "<why>": the reason goes into the commit');
      const result = await rollback({ ...promotionOptions(command, io), app, env: o.env, to: o.to, pr: o.pr, dryRun: o.dryRun, force: o.force, reason: o.reason });
      return reportPromotion(result, io);
    }));

  program.command('pull')
    .description('adopt into envs/ the tags that landed in env repos (merged promotion PRs, other machines)')
    .addOption(envOption())
    .action(action(async (command, io) => {
      const adopted = await pull({ ...remoteContext(command, io), envs: (command.opts() as { env?: string[] }).env });
      if (io.json) io.emitJson({ adopted });
      else io.out(adopted.length ? adopted.map((a) => `${a.env}: ${a.app} ${a.local} → ${a.repo} (adopted from the env repo)`).join('\n') : 'envs/ already holds every tag the env repos have');
      return EXIT.ok;
    }));

  program.command('history')
    .description('the promotions of <app> in an environment, from its env repo\'s log')
    .argument('<app>', 'the app')
    .requiredOption('-e, --env <name>', 'the environment')
    .option('-n, --limit <n>', 'at most this many entries', '50')
    .action(action(async (command, io) => {
      const [app] = command.args as [string];
      const o = command.opts() as { env: string; limit: string };
      const entries = await history(remoteContext(command, io), app, o.env, Number(o.limit));
      if (io.json) io.emitJson({ app, env: o.env, entries });
      else {
        io.out(table(['when', 'what', 'from', 'to', 'who', 'commit', 'note'], entries.map((e) => [
          e.date.replace('T', ' ').replace(/\.\d+Z?$|Z$/, ''), e.kind, e.from ?? '', e.to ?? '', e.who, e.sha.slice(0, 12),
          e.forced ? `forced: ${e.forced}` : e.kind === 'other' ? e.title : '',
        ])));
      }
      return EXIT.ok;
    }));

  program.command('status')
    .description('app × environment: the tag in envs/, the tag in the env repo, an open promotion pull request, and whether they differ')
    .addOption(envOption())
    .action(action(async (command, io) => {
      const rows = await status({ ...remoteContext(command, io), envs: (command.opts() as { env?: string[] }).env });
      if (io.json) io.emitJson({ rows });
      else {
        io.out(table(['app', 'env', 'envs/', 'env repo', 'pull request', ''], rows.map((r) => [
          r.app, r.env, r.declared, r.committed ?? '(not deployed)', r.pullRequest ? `#${r.pullRequest.number}` : '', r.differs ? 'differs' : '',
        ])));
      }
      return EXIT.ok;
    }));

  program.command('bootstrap')
    .description('create each env repo if missing and commit exactly what synth generates (one commit or none); set up Argo CD read access')
    .addOption(envOption())
    .option('--dry-run', 'print the plan and write nothing')
    .option('--force', 'write envs/ tags over different ones in the env repo (normally: run slipway pull first)')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .action(action(async (command, io) => {
      const results = await bootstrapEnvs({ ...publishOptions(command, io), dryRun: Boolean(command.opts().dryRun) });
      return report(results, io, command.opts().dryRun ? 'plan' : 'bootstrap');
    }));

  return program;
}

function remoteContext(command: Command, io: Io) {
  return {
    root: rootOf(command),
    environment: process.env,
    log: (line: string) => io.progress(line),
    debug: (line: string) => io.debug(line),
  };
}

function publishOptions(command: Command, io: Io) {
  const opts = command.opts() as { env?: string[]; crds?: string; force?: boolean };
  return { ...remoteContext(command, io), envs: opts.env, force: opts.force, crdsDir: opts.crds ? resolve(opts.crds) : undefined };
}

function promotionOptions(command: Command, io: Io) {
  const opts = command.opts() as { crds?: string };
  return { ...remoteContext(command, io), crdsDir: opts.crds ? resolve(opts.crds) : undefined };
}

/** Prints a promotion's plan and outcome; exit 0 (also when there was nothing to do). */
function reportPromotion(result: PromoteResult, io: Io): number {
  if (io.json) {
    io.emitJson({ ...result, plan: planJson(result.plan) });
    return EXIT.ok;
  }
  io.out(renderPlan(result.plan, { color: io.color, diffs: 'all', summaryOnly: io.quiet }));
  for (const a of result.adopted) io.warn(`adopted ${a.app} ${a.tag} from the env repo (promoted elsewhere) into envs/${result.env}.yaml`);
  io.out(result.message);
  if (result.platformRepo) io.out(result.platformRepo);
  return EXIT.ok;
}

/** A plain text table, columns padded. */
function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Prints plans (and for bootstrap, what happened and the hand-over); returns the exit code. */
function report(results: readonly EnvPublishResult[], io: Io, mode: 'plan' | 'bootstrap'): number {
  const pending = results.some((r) => r.plan.changes.length > 0);
  if (io.json) {
    io.emitJson({
      command: mode,
      changesPending: mode === 'plan' ? pending : undefined,
      envs: results.map((r) => ({
        ...planJson(r.plan),
        created: r.created,
        commit: r.commit ?? null,
        argocdSecretFile: r.access?.secretFile ?? null,
        branchProtection: r.protection ?? null,
        handOver: r.handOver,
        warnings: r.warnings,
      })),
    });
  } else {
    for (const r of results) {
      // A new file's whole content is noise in a terminal: shown with --verbose (and always in --json).
      io.out(renderPlan(r.plan, { color: io.color, diffs: io.verbose ? 'all' : 'changes', summaryOnly: io.quiet }));
      for (const w of r.warnings) io.warn(w);
      if (mode === 'bootstrap') {
        io.out(r.commit ? `${r.env}: committed ${r.commit} to ${r.remote}` : `${r.env}: ${r.remote} already up to date; no commit`);
        if (!io.quiet) io.out(r.handOver.join('\n') + '\n');
      }
    }
  }
  return mode === 'plan' && pending ? EXIT.changesPending : EXIT.ok;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => { code = c; });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? EXIT.ok : EXIT.userError;
    }
    throw e;
  }
  return code;
}
