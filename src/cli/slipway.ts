/**
 * The `slipway` command line (commander). Every command validates its input first (the commands
 * that render: charts-src/ and envs/; status, history and pull: envs/); writing commands show
 * their plan before they write.
 *
 * Length (over the ~400 lines files keep to): every command's options and help text in one place
 * is the CLI's contract, read as a whole; what a command does lives in the modules it imports
 * when it runs, and what it prints in reports.ts.
 */
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
// Only what every command needs is imported here: each command imports its own modules when it
// runs, so `slipway --help` or `slipway history` never loads cdk8s, ajv or Octokit.
import type { EnvPublishResult } from '../publish/bootstrap.js';
import type { PromoteOptions } from '../promotion/promote.js';
import type { RollbackOptions } from '../promotion/commands.js';
import { ConfigError } from '../core/config-error.js';
import { EnvFailuresError, type EnvFailure } from '../publish/for-each-env.js';
import { createIo, EXIT, exitCodeFor, jsonErrors, reportEnvFailures, reportError, reportLines, worstExitCode, type Io } from './io.js';
import { addExamples } from './help-examples.js';
import { addScaffoldCommands } from './scaffold-commands.js';
import { packageVersion } from '../core/package-root.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  done; for plan and bootstrap --dry-run: nothing would change
  1  bad input or a problem you must fix (names, files, credentials, permissions, a repo or
     path that does not exist, a saved plan whose env repo moved since)
  2  changes pending (plan, bootstrap --dry-run)
     (promote, rollback and pull exit 0 also when there was nothing to do)
  3  internal error (a bug in slipway: please report it)
  4  a remote could not be reached (connection refused, DNS, timeout, TLS), failed after
     retries (5xx) or its branch kept moving; nothing was written: run again
  Over several envs (plan, status) every env is reported; the exit code is the worst: 3, 1, 4, 2, 0.
  With --json every run prints one document on stdout, {"command", "ok", ...}; on failure
  "ok": false, "exitCode" and "error": {"code", "message", "file"?, "line"?, "field"?}.

Credentials come from the environment only: GITHUB_TOKEN (or GH_TOKEN) for GitHub env repos,
SLIPWAY_GIT_TOKEN (and SLIPWAY_GIT_USERNAME) for other https git remotes. They never appear in
output, command lines, remote URLs or .git/config.`;

const PROMOTE_HELP = `
A bundle (--all) gates each app as promote does; one blocked app refuses the whole bundle, naming
it, unless --skip-blocked. Its commit carries Slipway-Bundle: app=tag,...; history shows it as one
change, and rollback of any of its apps restores every app in it. Nothing differs: exit 0.`;

const TRACK_HELP = `
Policies (envs/<env>.yaml, per app):
  track: { semver: "~2.9", auto: true }        newest 2.9.x; pre-releases only if the range names one
  track: { allowTags: "^v(\\d+)$", extract: "$1", order: numeric }   order: semver | numeric | alphabetical
  ignoreTags: "<regex>" never picks those; digest: true pins tag@sha256:<index digest> (needed
  where the env has requireDigests); auto: true lets slipway track commit (else: promote --latest).

Registry credentials: SLIPWAY_REGISTRY_<HOST>_USERNAME and _PASSWORD (<HOST>: upper case, every
character not a letter or digit as _: ghcr.io → GHCR_IO, 127.0.0.1:5000 → 127_0_0_1_5000), else
~/.docker/config.json (credHelpers or credsStore when the helper is installed, then auths), else
anonymous. SLIPWAY_REGISTRY_<HOST>_MIRROR=<host:port> reads <HOST>'s images from another registry.
Exit 0 when every app was decided (promoted, up to date, no match, blocked); 4 when a registry or
env repo could not be reached (that app is left as it was), 1 for bad credentials.`;

interface GlobalOptions {
  root?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
}

function ioFor(command: Command): Io {
  const g = command.optsWithGlobals() as GlobalOptions;
  return createIo({
    command: command.name(),
    json: g.json,
    quiet: g.quiet,
    verbose: g.verbose,
    color: g.color === false ? false : undefined,
    secrets: secretsOf(process.env),
  });
}

/** The tokens slipway may hold: never printed, never in a page it writes. */
function secretsOf(environment: NodeJS.ProcessEnv): string[] {
  return [
    environment.GITHUB_TOKEN,
    environment.GH_TOKEN,
    environment.SLIPWAY_GIT_TOKEN,
    // SLIPWAY_REGISTRY_<HOST>_PASSWORD (registry/credentials.ts): the same pattern, no module load.
    ...Object.entries(environment)
      .filter(([name]) => /^SLIPWAY_REGISTRY_\w+_PASSWORD$/.test(name))
      .map(([, value]) => value),
  ].filter((s): s is string => Boolean(s));
}

/** Now, or SOURCE_DATE_EPOCH when set (https://reproducible-builds.org/specs/source-date-epoch/). */
function generationTime(environment: NodeJS.ProcessEnv): string {
  const epoch = environment.SOURCE_DATE_EPOCH;
  return new Date(epoch !== undefined && /^\d{1,12}$/.test(epoch) ? Number(epoch) * 1000 : Date.now()).toISOString();
}

function rootOf(command: Command): string {
  return resolve((command.optsWithGlobals() as GlobalOptions).root ?? process.cwd());
}

function buildProgram(run: (code: number) => void): Command {
  const program = new Command('slipway')
    .description('GitOps platform kit: generate Helm charts and Argo CD environment repos, publish and promote them')
    .option('--root <dir>', 'the platform repo (charts-src/, envs/); default: the current directory')
    .option('--json', 'print one JSON document instead of text')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'print details of each step')
    .option('--no-color', 'no colours (also: NO_COLOR, or output not a terminal)')
    .version(packageVersion(), '-V, --version', 'print slipway\'s version (with --json: {"command": "version", "ok": true, "version"})')
    .addHelpText('after', EXIT_CODES_HELP)
    // One line per usage error; the help is one --help away. (Under --json, main() prints the document.)
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (--help shows the usage)\n`) })
    .exitOverride();

  const action =
    (fn: (command: Command, io: Io) => Promise<number>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const io = ioFor(command);
      try {
        run(await fn(command, io));
      } catch (e) {
        run(reportError(e, io));
      }
    };

  program
    .command('synth')
    .description('generate out/ (Helm charts and env-repo trees) from charts-src/ and envs/')
    .option('--check', 'compare out/ with the sources instead of writing it; exit 1 when they differ')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .option('--out <dir>', "output folder, replaced whole: missing, empty or synth's own (default: <root>/out)")
    .option('--strict-platform', "fail when an env's apps need platform components nobody installs on its cluster")
    .action(
      action(async (command, io) => {
        const { runSynth } = await import('./synth-command.js');
        return runSynth({ ...command.opts(), root: rootOf(command) }, io);
      }),
    );

  program
    .command('validate')
    .description('load and validate charts-src/ and envs/ and every generated object; write nothing')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .action(
      action(async (command, io) => {
        const { generate } = await import('../synth.js');
        const { output, validation } = await generate({
          root: rootOf(command),
          crdsDir: command.opts().crds ? resolve(command.opts().crds) : undefined,
        });
        if (io.json)
          io.emitJson({
            valid: true,
            objectsChecked: validation.objectsChecked,
            unchecked: validation.unchecked,
            envs: output.envs.map((e) => e.env.name),
          });
        else {
          io.out(`valid: ${output.envs.length} environments, ${validation.objectsChecked} objects checked`);
          if (validation.unchecked.length)
            io.out(
              `not schema-checked (no CRDs for these kinds): ${validation.unchecked.join(', ')} (slipway crds pull fetches the pinned controllers' CRDs; or --crds <dir>)`,
            );
        }
        return EXIT.ok;
      }),
    );

  const envOption = () => new Option('-e, --env <name...>', 'only these environments (repeatable)');

  program
    .command('plan')
    .description('show what bootstrap would change in each env repo, as Terraform shows a plan; exit 2 when something would change')
    .addOption(envOption())
    .option('--force', 'plan writing envs/ tags over different ones in the env repo')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .option(
      '--out <file>',
      "also save the plan (each env repo's head and every file's new content) for slipway apply; not written when an env could not be planned",
    )
    .action(
      action(async (command, io) => {
        const [{ planEnvs }, { platformSync, platformDisagreements, disagreementLines }, { report }] = await Promise.all([
          import('../publish/bootstrap.js'),
          import('../promotion/two-repos.js'),
          import('./reports.js'),
        ]);
        // Every env that can be planned is shown; one line for each that cannot (EnvFailuresError).
        let results: readonly EnvPublishResult[];
        let failures: readonly EnvFailure[] = [];
        try {
          results = await planEnvs(publishOptions(command, io));
        } catch (e) {
          if (!(e instanceof EnvFailuresError)) throw e;
          results = e.results as EnvPublishResult[];
          failures = e.failures;
        }
        // The platform repo's side of the two-repo state (unpushed, behind, uncommitted env files).
        const platform = await platformSync(
          rootOf(command),
          results.map((r) => `envs/${r.env}.yaml`),
        );
        for (const line of disagreementLines(platformDisagreements(platform))) io.warn(line);
        const out = (command.opts() as { out?: string }).out;
        let saved: string | undefined;
        if (out !== undefined && failures.length === 0) {
          const [{ toSavedPlan, writeSavedPlan }, { sourceCommit }] = await Promise.all([
            import('../plan/saved-plan.js'),
            import('../publish/source-commit.js'),
          ]);
          writeSavedPlan(
            resolve(out),
            toSavedPlan(
              results.map((r) => ({ plan: r.plan, branch: r.repoBranch })),
              await sourceCommit(rootOf(command)),
            ),
          );
          saved = out;
        } else if (out !== undefined) {
          io.warn(`--out ${out}: not written: ${failures.length === 1 ? 'an env' : `${failures.length} envs`} could not be planned`);
        }
        return report(results, io, 'plan', failures, saved);
      }),
    );

  program
    .command('apply')
    .description(
      'commit a plan saved by slipway plan --out, exactly: refused (exit 1, nothing written) when an env repo moved since the plan was made',
    )
    .argument('<plan-file>', 'the file slipway plan --out wrote')
    .action(
      action(async (command, io) => {
        const [{ readSavedPlan }, { applySavedPlan }, { reportApply }] = await Promise.all([
          import('../plan/saved-plan.js'),
          import('../publish/apply-plan.js'),
          import('./reports.js'),
        ]);
        const [file] = command.args as [string];
        const loaded = readSavedPlan(resolve(file), file);
        const { results, failures } = await applySavedPlan(loaded, remoteContext(command, io), file);
        return reportApply(results, failures, io, {
          file,
          digest: loaded.digest,
          createdAt: loaded.plan.createdAt,
          sourceCommit: loaded.plan.sourceCommit,
        });
      }),
    );

  program
    .command('promote')
    .description(
      "set <app>'s tag in an environment: edit envs/<env>.yaml, show the plan, commit the tag bump to the env repo (or open a pull request); " +
        'with --all --from <env>, every app whose tag differs from what <env> runs, in one commit (or one pull request)',
    )
    .argument('[app]', 'the app (charts-src/<app>.ts); not with --all')
    .argument('[tag]', 'the image tag, optionally with @sha256:<digest>')
    .requiredOption('-e, --env <name>', 'the environment to promote in')
    .option('--from <env>', 'take the tag the env repo of <env> holds now')
    .option(
      '--latest',
      "take the newest tag the app's track policy (envs/<env>.yaml) allows in its registry; never one older than the env runs without --force --reason",
    )
    .option(
      '--pr',
      'commit to a branch and open (or update) a pull request instead of committing directly (default from the env file: promotion: pr)',
    )
    .option('--dry-run', 'print the plan and write nothing')
    .option('--force', 'bypass gating (and the tag-drift check); needs --reason')
    .option(
      '--direct',
      "emergency: commit straight to the env repo's branch even where promotion: pr asks for review; needs --reason, printed as a warning and kept in the commit (Slipway-Direct)",
    )
    .option('--reason <text>', 'why --force or --direct is needed; it goes into the commit')
    .option(
      '--no-push',
      'commit envs/<env>.yaml in the platform repo on the checked-out branch, and push nothing there (the env repo commit is made as always)',
    )
    .option('--no-verify', "skip the platform repo's git hooks (pre-commit, commit-msg, pre-push) for its commit")
    .option(
      '--actor <name>',
      "who promotes, for the Slipway-Actor trailer (default: SLIPWAY_ACTOR, the CI's user variable, git's user.name, the OS user)",
    )
    .option(
      '--all',
      'promote the whole environment: every app whose tag differs from what the --from env runs, gated each, as one commit (or one pull request)',
    )
    .option('--app <name...>', 'with --all: only these apps (repeatable: --app a --app b)')
    .option(
      '--skip-blocked',
      'with --all: leave out the apps gating blocks and promote the others (default: one blocked app refuses the bundle)',
    )
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .addHelpText('after', PROMOTE_HELP)
    .action(
      action(async (command, io) => {
        const [app, tag] = command.args as [string | undefined, string | undefined];
        // The options are PromoteOptions' own names (commander: --dry-run → dryRun, --no-push → push).
        const {
          crds: _crds,
          all,
          app: apps,
          skipBlocked,
          ...flags
        } = command.opts() as Omit<PromoteOptions, 'root' | 'environment' | 'log' | 'debug' | 'app' | 'tag'> & {
          crds?: string;
          all?: boolean;
          app?: string[];
          skipBlocked?: boolean;
        };
        if (all || apps) {
          if (app !== undefined) throw new ConfigError(`promote --all takes no <app> ('${app}'): choose apps with --app ${app}`);
          if (flags.latest)
            throw new ConfigError(
              'promote --all takes its tags from --from <env>, not --latest (slipway track lands tracked apps together)',
            );
          const [{ promoteBundle }, { reportBundle }] = await Promise.all([import('../promotion/bundle.js'), import('./reports.js')]);
          return reportBundle(await promoteBundle({ ...promotionOptions(command, io), ...flags, apps, skipBlocked }), io);
        }
        if (app === undefined)
          throw new ConfigError('which app? slipway promote <app> <tag> --env <env>, or --all --from <env> for every app');
        if (skipBlocked) throw new ConfigError('--skip-blocked is for --all (a bundle of apps)');
        const [{ promote }, { reportPromotion }] = await Promise.all([import('../promotion/promote.js'), import('./reports.js')]);
        const result = await promote({ ...promotionOptions(command, io), ...flags, app, tag });
        return reportPromotion(result, io);
      }),
    );

  program
    .command('rollback')
    .description(
      'promote the previous (or named) tag back, as a new commit marked as a rollback: change Git, never the cluster. ' +
        "It follows the env's promotion mode: in a promotion: pr env it goes to the branch slipway/promote-<env>-<app> (a pull request on GitHub) " +
        'for review (slipway approve <env> <app>), unless --direct --reason "<why>"',
    )
    .argument('<app>', 'the app')
    .requiredOption('-e, --env <name>', 'the environment')
    .option('--to <tag>', 'the tag to go back to (default: the one the current tag replaced)')
    .option('--pr', 'through a pull request (a review branch), also in a promotion: direct env')
    .option(
      '--direct',
      "emergency: straight to the env repo's branch in a promotion: pr env; needs --reason (kept in the commit, printed as a warning)",
    )
    .option('--dry-run', 'print the plan and write nothing')
    .option('--force', 'roll back to a tag the env never ran; needs --reason')
    .option('--reason <text>', 'why --force or --direct is needed; it goes into the commit')
    .option('--no-push', 'commit envs/<env>.yaml in the platform repo on the checked-out branch, and push nothing there')
    .option('--no-verify', "skip the platform repo's git hooks for its commit")
    .option('--actor <name>', 'who rolls back, for the Slipway-Actor trailer')
    .action(
      action(async (command, io) => {
        const [app] = command.args as [string];
        const { crds: _crds, ...flags } = command.opts() as Omit<RollbackOptions, 'root' | 'environment' | 'log' | 'debug' | 'app'> & {
          crds?: string;
        };
        const [{ rollback }, { reportBundle, reportPromotion }] = await Promise.all([
          import('../promotion/commands.js'),
          import('./reports.js'),
        ]);
        const result = await rollback({ ...promotionOptions(command, io), ...flags, app });
        // The change rolled back was a bundle: every app of it goes back, in one commit.
        return 'apps' in result ? reportBundle(result, io) : reportPromotion(result, io);
      }),
    );

  program
    .command('approve')
    .description(
      "merge a branch waiting for review into the env repo's branch: a promotion (slipway/promote-<env>-<app>) or, with --bootstrap, " +
        'a bootstrap (slipway/bootstrap-<env>); a merge commit naming the approver (Slipway-Approved-By), for remotes without pull requests. ' +
        'On GitHub it merges the open pull request from that branch. Then slipway pull adopts the tag into envs/',
    )
    .argument('<env>', 'the environment')
    .argument('[app]', 'the app whose promotion to approve')
    .option('--bootstrap', 'approve the bootstrap branch slipway/bootstrap-<env> instead of a promotion')
    .option('--bundle', 'approve the bundle branch slipway/bundle-<env> (promote --all, track) instead of one app')
    .option('--dry-run', 'list the commits that would be merged; write nothing')
    .option('--actor <name>', "who approves, for the Slipway-Approved-By trailer (default: as promote's Slipway-Actor)")
    .action(
      action(async (command, io) => {
        const [env, app] = command.args as [string, string | undefined];
        const o = command.opts() as { bootstrap?: boolean; bundle?: boolean; dryRun?: boolean; actor?: string };
        const [{ approve }, { planJson, renderPlan }] = await Promise.all([import('../promotion/approve.js'), import('../plan/plan.js')]);
        const result = await approve({
          ...remoteContext(command, io),
          env,
          app,
          bootstrap: o.bootstrap,
          bundle: o.bundle,
          dryRun: o.dryRun,
          actor: o.actor,
        });
        if (io.json) io.emitJson({ ...result, plan: result.plan ? planJson(result.plan) : null });
        else {
          if (result.commits.length)
            io.out([`${result.branch}:`, ...result.commits.map((c) => `  ${c.sha.slice(0, 12)} ${c.title}`)].join('\n'));
          if (result.plan) io.out(renderPlan(result.plan, { color: io.color, diffs: 'all', summaryOnly: io.quiet }));
          io.out(result.message);
        }
        return EXIT.ok;
      }),
    );

  program
    .command('pull')
    .description(
      "adopt into envs/ the tags that landed in env repos (merged promotion PRs, other machines, a promotion whose platform-repo commit failed), committed and pushed to the platform repo's default branch",
    )
    .addOption(envOption())
    .option('--no-push', 'commit in the platform repo on the checked-out branch, and push nothing')
    .option('--no-verify', "skip the platform repo's git hooks for its commit")
    .action(
      action(async (command, io) => {
        const po = command.opts() as { env?: string[]; push: boolean; verify: boolean };
        const { pull } = await import('../promotion/commands.js');
        const adopted = await pull({ ...remoteContext(command, io), envs: po.env, push: po.push, verify: po.verify });
        if (io.json) io.emitJson({ adopted });
        else
          io.out(
            adopted.length
              ? adopted.map((a) => `${a.env}: ${a.app} ${a.local} → ${a.repo} (adopted from the env repo)`).join('\n')
              : 'envs/ already holds every tag the env repos have',
          );
        return EXIT.ok;
      }),
    );

  program
    .command('history')
    .description("the promotions of <app> in an environment, from its env repo's log")
    .argument('<app>', 'the app')
    .requiredOption('-e, --env <name>', 'the environment')
    .option('-n, --limit <n>', 'at most this many entries', '50')
    .action(
      action(async (command, io) => {
        const [app] = command.args as [string];
        const o = command.opts() as { env: string; limit: string };
        if (!/^[1-9]\d{0,5}$/.test(o.limit))
          throw new ConfigError(`--limit '${o.limit}': expected a whole number of entries from 1 to 999999`);
        const [{ history }, { table }] = await Promise.all([import('../promotion/read-commands.js'), import('./reports.js')]);
        const entries = await history(remoteContext(command, io), app, o.env, Number(o.limit));
        if (io.json) io.emitJson({ app, env: o.env, entries });
        else {
          io.out(
            table(
              ['when', 'what', 'from', 'to', 'who', 'commit', 'note'],
              entries.map((e) => [
                e.date.replace('T', ' ').replace(/\.\d+Z?$|Z$/, ''),
                e.kind,
                e.from ?? '',
                e.to ?? '',
                e.who,
                e.sha.slice(0, 12),
                e.forced
                  ? `forced: ${e.forced}`
                  : e.merged
                    ? `merged ${e.merged.pullRequest !== undefined ? `#${e.merged.pullRequest} ` : ''}${e.merged.branch ? `from ${e.merged.branch} ` : ''}by ${e.merged.by}${e.merged.promotedBy ? ` (promoted by ${e.merged.promotedBy})` : ''}`
                    : e.bundle
                      ? `bundle: ${e.bundle.map((b) => `${b.app} ${b.from ?? 'none'} → ${b.to}`).join(', ')}`
                      : e.kind === 'other'
                        ? e.title
                        : '',
              ]),
            ),
          );
        }
        return EXIT.ok;
      }),
    );

  program
    .command('status')
    .description(
      'app × environment: the tag in envs/, the tag in the env repo, a promotion pending review (pull request or branch), ' +
        'and where the platform repo and the env repos disagree, each with the one command that reconciles it',
    )
    .addOption(envOption())
    .option(
      '--html <file>',
      'also write the status as one self-contained web page (apps × envs in promotion order, drift, pending promotions, ' +
        "each app's recent promotions and delivery, each env's platform and clusters, the promotion graph); - writes it to stdout instead of the table",
    )
    .option('--history <n>', 'promotions listed per app and env on the --html page', '10')
    .option(
      '--registry',
      "also read each tracked app's registry (apps with a track policy): the newest tag the policy allows, as promote --latest " +
        'would pick it, beside the deployed one (column registry, --json rows[].registry, a marker on the --html page). ' +
        'Off by default: plain status reads only envs/ and the env repos. Registry credentials as for slipway track',
    )
    .action(
      action(async (command, io) => {
        const o = command.opts() as { env?: string[]; html?: string; history: string; registry?: boolean };
        const [{ statusReport }, { disagreementLines }, { table, registryCell, registryErrors }] = await Promise.all([
          import('../promotion/read-commands.js'),
          import('../promotion/two-repos.js'),
          import('./reports.js'),
        ]);
        // Input first (envs/, and charts-src/ for the images): a bad file stops here, before any remote is read.
        const readRegistry = o.registry
          ? await (await import('../registry/registry-standing.js')).registryReader({ ...remoteContext(command, io), envs: o.env })
          : undefined;
        let report: Awaited<ReturnType<typeof statusReport>>;
        let registry: Awaited<ReturnType<NonNullable<typeof readRegistry>>> | undefined;
        /** One line per env, registry and platform remote that could not be read; the worst exit code. */
        const printFailures = (r: typeof report, lookups: typeof registry) =>
          worstExitCode([
            reportEnvFailures(r.failures, io),
            registryErrors(lookups ?? [], io),
            r.platformFailure ? reportLines(r.platformFailure, io) : EXIT.ok,
          ]);
        if (o.html !== undefined) {
          if (!/^[1-9]\d{0,3}$/.test(o.history))
            throw new ConfigError(`--history '${o.history}': expected a whole number of promotions from 1 to 9999`);
          if (o.html === '-' && io.json) throw new ConfigError('--html - and --json both write to stdout: give --html a file name');
          const { writeStatusPage } = await import('../status-page/write-page.js');
          const secrets = secretsOf(process.env);
          const { redact } = await import('../publish/git-credentials.js');
          ({ report, registry } = await writeStatusPage({
            ...remoteContext(command, io),
            envs: o.env,
            target: o.html,
            historyLimit: Number(o.history),
            generatedAt: generationTime(process.env),
            redact: (text) => redact(text, secrets),
            ...(readRegistry ? { readRegistry } : {}),
          }));
          if (o.html === '-') return printFailures(report, registry);
          io.progress(`wrote the status page to ${o.html}`);
        } else {
          report = await statusReport({ ...remoteContext(command, io), envs: o.env });
          registry = await readRegistry?.(report.rows);
        }
        const registryOf = (r: { env: string; app: string }) => registry?.find((l) => l.env === r.env && l.app === r.app);
        const registryFailures = (registry ?? []).filter((l) => l.failure !== undefined);
        const code = worstExitCode([
          EXIT.ok,
          ...report.failures.map((f) => exitCodeFor(f.error)),
          ...registryFailures.map((l) => exitCodeFor(l.failure)),
          ...(report.platformFailure ? [exitCodeFor(report.platformFailure)] : []),
        ]);
        if (io.json) {
          const failed = report.failures.length ? new EnvFailuresError([], report.failures) : undefined;
          const errors = [
            ...(failed ? jsonErrors(failed) : []),
            ...registryFailures.flatMap((l) => jsonErrors(l.failure).map((e) => ({ ...e, env: l.env, app: l.app }))),
            ...(report.platformFailure ? jsonErrors(report.platformFailure) : []),
          ];
          io.emitJson({
            ...(code !== EXIT.ok ? { ok: false, exitCode: code, error: errors[0], errors } : {}),
            rows: report.rows.map((r) => (registry ? { ...r, registry: registryOf(r)?.standing ?? null } : r)),
            platform: report.platform,
            disagreements: report.disagreements,
            ...(o.html !== undefined ? { html: o.html } : {}),
          });
          return code;
        } else {
          io.out(
            table(
              ['app', 'env', 'envs/', 'env repo', 'pending', 'state', ...(registry ? ['registry'] : [])],
              report.rows.map((r) => [
                r.app,
                r.env,
                r.declared,
                r.committed ?? '(not deployed)',
                r.pending ? (r.pending.pullRequest ? `#${r.pending.pullRequest.number} (${r.pending.branch})` : r.pending.branch) : '',
                r.state,
                ...(registry ? [registryCell(registryOf(r))] : []),
              ]),
            ),
          );
          const lines = disagreementLines(report.disagreements);
          if (lines.length) io.out(['', ...lines].join('\n'));
        }
        return printFailures(report, registry);
      }),
    );

  program
    .command('track')
    .description(
      'promote, in each env, every app whose track policy says auto: true to the newest tag its registry has that the policy allows ' +
        '(as promote --latest: gating, review, history); one decision per app, with why. For a CI schedule; a run with no new tags writes nothing',
    )
    .addOption(envOption())
    .option('--dry-run', 'say what each app would get; write nothing')
    .option('--no-push', 'commit envs/ in the platform repo on the checked-out branch, and push nothing there')
    .option('--no-verify', "skip the platform repo's git hooks for its commits")
    .option('--actor <name>', 'who tracks, for the Slipway-Actor trailer (default: as promote)')
    .addHelpText('after', TRACK_HELP)
    .action(
      action(async (command, io) => {
        const o = command.opts() as { env?: string[]; dryRun?: boolean; push: boolean; verify: boolean; actor?: string };
        const [{ track }, { reportTrack }] = await Promise.all([import('../promotion/track.js'), import('./reports.js')]);
        const decisions = await track({
          ...remoteContext(command, io),
          envs: o.env,
          dryRun: o.dryRun,
          push: o.push,
          verify: o.verify,
          actor: o.actor,
        });
        return reportTrack(decisions, io);
      }),
    );

  program
    .command('bootstrap')
    .description('create each env repo if missing and commit exactly what synth generates (one commit or none); set up Argo CD read access')
    .addOption(envOption())
    .option('--dry-run', 'print the plan and write nothing')
    .option('--force', 'write envs/ tags over different ones in the env repo (normally: run slipway pull first)')
    .option('--allow-dirty', 'promotion: pr envs: put uncommitted changes of charts-src/ or envs/ up for review (normally refused)')
    .option('--handover', 'print the hand-over to Argo CD even when no env repo was created (it is printed when one is)')
    .option('--crds <dir>', 'folder of CRD YAML to validate custom resources against')
    .action(
      action(async (command, io) => {
        const [{ bootstrapEnvs }, { report }] = await Promise.all([import('../publish/bootstrap.js'), import('./reports.js')]);
        const mode = command.opts().dryRun ? 'plan' : 'bootstrap';
        const handover = Boolean(command.opts().handover);
        try {
          const results = await bootstrapEnvs({
            ...publishOptions(command, io),
            dryRun: Boolean(command.opts().dryRun),
            allowDirty: Boolean(command.opts().allowDirty),
          });
          return report(results, io, mode, [], undefined, handover);
        } catch (e) {
          // --dry-run plans every env it can reach, as plan does.
          if (!(e instanceof EnvFailuresError)) throw e;
          return report(e.results as EnvPublishResult[], io, mode, e.failures, undefined, handover);
        }
      }),
    );

  program
    .command('crds')
    .description('the CRDs of the controller versions slipway pins, so synth schema-checks every custom resource')
    .command('pull')
    .description(
      'download the pinned CRDs (Argo CD, Argo Rollouts, Istio, Knative Serving and operator) into .slipway/crds/, sha256-verified',
    )
    .argument('[component...]', 'only these: argo-cd, argo-rollouts, istio, knative-serving, knative-operator (default: all)')
    .option('--base-url <url>', 'a mirror holding each file at its upstream path (also: SLIPWAY_CRDS_BASE_URL)')
    .addHelpText(
      'after',
      `
Each file is checked against the sha256 slipway records for its pinned version; a component's
folder (.slipway/crds/<component>-<version>/) appears only once all its files verified, and a
verified one is not downloaded again. synth, validate, plan and bootstrap then validate custom
resources against it by default (--crds or package.json "slipway": {"crds"} still win).

Mirrors and air-gapped sites: --base-url (or SLIPWAY_CRDS_BASE_URL) replaces
https://raw.githubusercontent.com, the path stays: a mirror serves
  <base-url>/argoproj/argo-cd/v3.4.4/manifests/crds/application-crd.yaml
https, http or file:// (a local copy). SLIPWAY_CRDS_TIMEOUT: seconds per file (default 60).

Examples:
  slipway crds pull
  slipway crds pull argo-rollouts istio
  slipway crds pull --base-url https://artifacts.example.com/github-raw
  SLIPWAY_CRDS_BASE_URL=file:///mnt/mirror slipway crds pull`,
    )
    .action(async (components: string[], flags: { baseUrl?: string }, command: Command) => {
      const { runCrdsPull } = await import('./crds-command.js');
      run(await runCrdsPull(command, rootOf(command), components, flags));
    });

  addScaffoldCommands(program, action, rootOf);
  addExamples(program);
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

export async function main(argv: readonly string[]): Promise<number> {
  const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  // --version with --json (anywhere, as commander takes --version anywhere): the envelope, not the bare version.
  if (options.includes('--json') && (options.includes('--version') || options.includes('-V'))) {
    createIo({ command: 'version', json: true }).emitJson({ version: packageVersion() });
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed (one line) by commander.
      if (e.exitCode === 0) return EXIT.ok;
      if (options.includes('--json')) {
        const name = program.commands.find((c) => options.includes(c.name()))?.name() ?? 'slipway';
        const io = createIo({ command: name, json: true, quiet: true });
        // Already on stderr: only the document (stdout) is left to print.
        return reportError(e, { ...io, error: () => {} });
      }
      return EXIT.userError;
    }
    throw e;
  }
  return code;
}
