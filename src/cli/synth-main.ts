/**
 * Entry point of `npm run synth` and of `cdk8s synth` (cdk8s.yaml `app:`).
 *
 *   npm run synth [-- --check] [-- --crds <dir>] [-- --out <dir>]
 *
 * Exit codes: 0 done (or out/ up to date with --check); 1 bad input, nothing written, or with
 * --check out/ differs from what the sources generate; 3 internal error.
 */
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../load/config-error.js';
import { synth } from '../synth.js';
import { toYamlDocuments } from '../../generators/yaml-emitter.js';

const USAGE = `usage: npm run synth [-- --check] [-- --crds <dir>] [-- --out <dir>]

Generates out/ from charts-src/ and envs/: a Helm chart per app (out/charts/<app>/) and the
tree of every environment repo (out/envs/<env>/).

  --check       compare out/ with what the sources generate; write nothing; exit 1 if they differ
  --crds <dir>  folder of CRD YAML (e.g. kubectl get crd -o yaml) to validate custom resources
                against; default: package.json "slipway": { "crds": ... }
  --out <dir>   output folder (default: out)
  --root <dir>  the platform repo (default: the current directory)

exit codes: 0 ok, 1 bad input or --check found differences, 3 internal error`;

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        check: { type: 'boolean', default: false },
        crds: { type: 'string' },
        out: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const root = resolve(args.root ?? process.cwd());
  const started = performance.now();
  const result = await synth({
    root,
    outDir: args.out ? resolve(args.out) : undefined,
    crdsDir: args.crds ? resolve(args.crds) : undefined,
    check: args.check,
  });
  const { output, validation, differences } = result;
  if (validation.unchecked.length > 0) {
    process.stderr.write(`note: no CRDs given (--crds), so these kinds were not schema-checked: ${validation.unchecked.join(', ')}\n`);
  }
  if (args.check) {
    if (differences.length > 0) {
      process.stderr.write(`out/ is not what the sources generate (run npm run synth):\n${differences.map((d) => `  ${d}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write(`out/ is up to date (${output.files.size} files)\n`);
    return 0;
  }
  // `cdk8s synth` sets CDK8S_OUTDIR and reads plain manifests from it: give it each env's render.
  const cdk8sOut = process.env.CDK8S_OUTDIR;
  if (cdk8sOut) {
    for (const { env, apps } of output.envs) {
      mkdirSync(join(cdk8sOut, env.name), { recursive: true });
      for (const { app, objects } of apps) writeFileSync(join(cdk8sOut, env.name, `${app}.k8s.yaml`), toYamlDocuments(objects));
    }
  }
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`synth: ${result.project.model.apps.length} apps × ${output.envs.length} envs → ${output.files.size} files in out/ (${validation.objectsChecked} objects validated, ${ms} ms)\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(error.problems.map((p) => `error: ${p}`).join('\n') + '\n');
      process.exitCode = 1;
    } else {
      process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 3;
    }
  },
);
