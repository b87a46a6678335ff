/**
 * The commands that start and grow a platform repo: `init`, `add app`, `add env`, and
 * `completion`. Kept apart from slipway.ts (the publishing and promotion commands); registered
 * by it with its own `action` wrapper, so errors, --json and exit codes behave the same.
 */
import { type Command, Option } from 'commander';
import { EXIT, type Io } from './io.js';
import { packageVersion } from '../core/package-root.js';

type Action = (fn: (command: Command, io: Io) => Promise<number>) => (...args: unknown[]) => Promise<void>;

export function addScaffoldCommands(program: Command, action: Action, rootOf: (command: Command) => string): void {
  program
    .command('init')
    .argument('[dir]', 'folder of the new platform repo (default: the current directory)')
    .description('create a platform repo that uses slipway from npm: charts-src/, envs/ (staging, production), package.json, CI')
    .option('--example <name>', 'minimal: one app (podinfo); book: the three sample apps of the book', 'minimal')
    .option('--force', 'write into a non-empty folder, over the files init writes')
    .option('--no-git', 'do not run git init and the first commit')
    .addHelpText(
      'after',
      `
A folder holding only what \`npm install slipway\` leaves (package.json, package-lock.json,
node_modules/) counts as empty. Env repos start as local bare repos under .slipway/remotes/.

Examples:
  mkdir acme-platform && cd acme-platform && npx slipway init
  npx slipway init acme-platform --example book`,
    )
    .action(
      action(async (command, io) => {
        const { init } = await import('../scaffold/init.js');
        const [dir] = command.args;
        const opts = command.opts() as { example: string; force?: boolean; git: boolean };
        const r = init({ dir: dir ?? process.cwd(), example: opts.example, force: opts.force, git: opts.git, version: packageVersion() });
        if (io.json) io.emitJson({ dir: r.dir, written: r.written, apps: r.apps, envs: r.envs, commit: r.commit ?? null });
        else {
          io.out(`init: ${r.dir}: ${r.written.length} files, apps ${r.apps.join(', ')}, envs ${r.envs.join(' → ')}`);
          io.out(r.commit ? `git: first commit ${r.commit.slice(0, 12)}` : `git: no commit (${r.commitSkipped})`);
          io.out('next: npm install && npm run synth && npx slipway bootstrap');
        }
        return EXIT.ok;
      }),
    );

  const add = program.command('add').description('add an app or an environment to this platform repo');
  add
    .command('app')
    .argument('<name>', 'the app: a DNS-1035 label, also its file name (charts-src/<name>.ts)')
    .description('write charts-src/<name>.ts and add the app, with a tag, to each env chosen')
    .addOption(new Option('--delivery <kind>', 'how it is delivered').choices(['deployment', 'canary', 'knative']).default('deployment'))
    .option('--image <repository>', 'image repository, without tag (default: ghcr.io/my-org/<name>)')
    .option('--port <port>', 'container port', (v) => Number(v), 8080)
    .option('--tag <tag>', "the tag the envs start with (and the app's appVersion)", '0.1.0')
    .option('-e, --env <name...>', 'only these environments (default: every env)')
    .addHelpText(
      'after',
      '\nExamples:\n  slipway add app billing --delivery canary --port 8080\n  slipway add app docs --image ghcr.io/acme/docs --env staging',
    )
    .action(
      action(async (command, io) => {
        const { addApp } = await import('../scaffold/add.js');
        const [name] = command.args;
        const o = command.opts() as { delivery: string; image?: string; port: number; tag: string; env?: string[] };
        const r = addApp({
          root: rootOf(command),
          name: name!,
          delivery: o.delivery,
          image: o.image,
          port: o.port,
          tag: o.tag,
          envs: o.env,
        });
        if (io.json) io.emitJson({ app: name, written: r.written });
        else io.out(`add app ${name}: ${r.written.join(', ')}`);
        return EXIT.ok;
      }),
    );
  add
    .command('env')
    .argument('<name>', 'the environment: a DNS-1035 label, also its file name (envs/<name>.yaml)')
    .description("write envs/<name>.yaml; with --promotes-from, it starts with that env's apps and tags")
    .option('--promotes-from <env>', 'the env whose tags this one promotes')
    .addOption(
      new Option('--promotion <mode>', 'direct: promotions commit; pr: they open a pull request')
        .choices(['direct', 'pr'])
        .default('direct'),
    )
    .option('--repo <repo>', 'the env repo: owner/name on GitHub, a git URL or a local path (default: ./.slipway/remotes/<name>.git)')
    .option('--repo-url <url>', 'what Argo CD pulls, when --repo is a local path (default: a placeholder to edit)')
    .option('--domain <domain>', "domain of its hosts (default: the --promotes-from env's, else example.com)")
    .addHelpText(
      'after',
      '\nExamples:\n  slipway add env qa --promotes-from staging\n  slipway add env production-eu --promotes-from staging --promotion pr --repo acme/platform-production-eu',
    )
    .action(
      action(async (command, io) => {
        const { addEnv } = await import('../scaffold/add.js');
        const [name] = command.args;
        const o = command.opts() as { promotesFrom?: string; promotion: string; repo?: string; repoUrl?: string; domain?: string };
        const r = addEnv({
          root: rootOf(command),
          name: name!,
          promotesFrom: o.promotesFrom,
          promotion: o.promotion,
          repo: o.repo,
          repoURL: o.repoUrl,
          domain: o.domain,
        });
        if (io.json) io.emitJson({ env: name, written: r.written });
        else io.out(`add env ${name}: ${r.written.join(', ')}`);
        return EXIT.ok;
      }),
    );

  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('print a shell completion script for slipway')
    .addHelpText(
      'after',
      '\nExamples:\n  source <(slipway completion bash)                                # bash, this shell\n  slipway completion zsh > ~/.zfunc/_slipway  # zsh, with ~/.zfunc in fpath\n  slipway completion fish > ~/.config/fish/completions/slipway.fish # fish',
    )
    .action(
      action(async (command, io) => {
        const { completionScript } = await import('./completion.js');
        const [shell] = command.args;
        io.out(completionScript(shell!, program));
        return EXIT.ok;
      }),
    );
}
