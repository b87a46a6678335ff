/**
 * Entry point of `npm run synth` and of `cdk8s synth` (cdk8s.yaml `app:`); `slipway synth` runs
 * the same command. Kept apart from the full CLI so the common path loads as little as possible.
 */
import { parseArgs } from 'node:util';
import { createIo, EXIT, reportError } from './io.js';
import { runSynth } from './synth-command.js';
import { componentsNeededText } from '../../generators/delivery-kinds/index.js';
import { CommanderError } from 'commander';

const USAGE = `usage: npm run synth [-- --check] [-- --crds <dir>] [-- --out <dir>]

Generates out/ from charts-src/ and envs/: a Helm chart per app (out/charts/<app>/) and the
tree of every environment repo (out/envs/<env>/).

  --check       compare out/ with what the sources generate; write nothing; exit 1 if they differ
  --crds <dir>  folder of CRD YAML (e.g. kubectl get crd -o yaml) to validate custom resources
                against; default: package.json "slipway": { "crds": ... }, else the
                pinned controllers' CRDs that slipway crds pull cached in .slipway/crds/
  --out <dir>   output folder (default: out). Synth replaces it whole, so it must be missing,
                empty, or written by an earlier synth (it holds a .slipway-out marker); never
                the platform repo, a folder holding it, envs/, charts-src/, generators/, src/,
                node_modules/, .git, your home directory or /
  --root <dir>  the platform repo (default: the current directory)
  --json        print one JSON document on stdout: {"command": "synth", "ok", ...}; errors too
                (run as npm run -s synth -- --json, so npm prints nothing of its own)
  --strict-platform  fail when an env's apps need platform components (${componentsNeededText()})
                no env on their cluster installs

Synths writing the same folder take turns (a lock file .<dir>.lock beside it); each writes the
whole tree next to it and swaps it in, so a reader sees the old tree or the new one, never a mix.

Warnings name, per cluster, what it must provide that slipway does not install (a load balancer,
a StorageClass, an ingress controller, Secrets...). Synth refuses a Knative app whose fields
Knative's webhook would reject on its cluster (a feature flag off, and no knative-serving there).

exit codes: 0 ok, 1 bad input, an --out folder synth may not replace, another synth holding
the lock for over 60 s, or --check found differences; 3 internal error`;

async function main(argv: string[]): Promise<number> {
  let io = createIo({ command: 'synth', json: argv.includes('--json') });
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        check: { type: 'boolean', default: false },
        'strict-platform': { type: 'boolean', default: false },
        crds: { type: 'string' },
        out: { type: 'string' },
        root: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    if (io.json)
      return reportError(
        new CommanderError(EXIT.userError, 'synth.usage', `${(e as Error).message} (npm run synth -- --help shows the usage)`),
        io,
      );
    io.error(`${(e as Error).message}\n${USAGE}`);
    return EXIT.userError;
  }
  io = createIo({ command: 'synth', json: args.json });
  if (args.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  try {
    return await runSynth(
      { check: args.check, crds: args.crds, out: args.out, root: args.root, strictPlatform: args['strict-platform'] },
      io,
    );
  } catch (e) {
    return reportError(e, io);
  }
}

process.exitCode = await main(process.argv.slice(2));
