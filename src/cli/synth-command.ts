/** `npm run synth` and `slipway synth`: generate out/ (or --out), or check it (--check). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { toYamlDocuments } from '../../generators/yaml-emitter.js';
import { missingPlatformLines, prerequisiteLines, synth } from '../synth.js';
import { assertConfinedPaths } from '../write/confine-path.js';
import { EXIT, type Io } from './io.js';

export interface SynthCommandOptions {
  readonly root?: string;
  readonly out?: string;
  readonly crds?: string;
  readonly check?: boolean;
  readonly strictPlatform?: boolean;
}

/** `~ envs/x/README.md` (from diffTrees) → `{ action: 'update', path }`. */
function difference(line: string): { action: 'create' | 'update' | 'delete'; path: string } {
  const action = line.startsWith('+') ? 'create' : line.startsWith('-') ? 'delete' : 'update';
  return { action, path: line.slice(2) };
}

export async function runSynth(options: SynthCommandOptions, io: Io): Promise<number> {
  const root = resolve(options.root ?? process.cwd());
  const started = performance.now();
  const result = await synth({
    root,
    outDir: options.out ? resolve(options.out) : undefined,
    crdsDir: options.crds ? resolve(options.crds) : undefined,
    check: options.check,
    strictPlatform: options.strictPlatform,
  });
  const { output, validation, differences, outLabel } = result;
  for (const line of result.project.warnings) io.warn(line);
  for (const line of missingPlatformLines(output, result.project.envFiles)) io.warn(line);
  for (const line of prerequisiteLines(output)) io.warn(line);
  if (validation.unchecked.length > 0 && !io.quiet) {
    process.stderr.write(
      `note: no CRDs for these kinds, so they were not schema-checked: ${validation.unchecked.join(', ')} (slipway crds pull fetches the pinned controllers' CRDs; or --crds <dir>)\n`,
    );
  }
  const warnings = [...result.project.warnings, ...missingPlatformLines(output, result.project.envFiles), ...prerequisiteLines(output)];
  if (options.check) {
    if (differences.length > 0) {
      const message = `${outLabel} is not what the sources generate (run npm run synth)`;
      io.error(`${message}:\n${differences.map((d) => `  ${d}`).join('\n')}`);
      if (io.json) {
        const error = { code: 'out_of_date', message, exitCode: EXIT.userError, file: outLabel };
        io.emitJson({
          ok: false,
          exitCode: EXIT.userError,
          error,
          errors: [error],
          check: true,
          upToDate: false,
          outDir: outLabel,
          differences: differences.map(difference),
          warnings,
        });
      }
      return EXIT.userError;
    }
    if (io.json) io.emitJson({ check: true, upToDate: true, outDir: outLabel, files: output.files.size, differences: [], warnings });
    io.out(`${outLabel} is up to date (${output.files.size} files)`);
    return EXIT.ok;
  }
  // `cdk8s synth` sets CDK8S_OUTDIR and reads plain manifests from it: give it each env's render.
  const cdk8sOut = process.env.CDK8S_OUTDIR;
  if (cdk8sOut) {
    const renders = new Map(
      output.envs.flatMap(({ env, apps }) =>
        apps.map(({ app, objects }) => [`${env.name}/${app}.k8s.yaml`, toYamlDocuments(objects)] as const),
      ),
    );
    assertConfinedPaths(renders.keys(), `${cdk8sOut.replace(/\/+$/, '')}/`);
    for (const [path, text] of renders) {
      mkdirSync(dirname(join(cdk8sOut, path)), { recursive: true });
      writeFileSync(join(cdk8sOut, path), text);
    }
  }
  const ms = Math.round(performance.now() - started);
  if (io.json) {
    io.emitJson({
      outDir: outLabel,
      apps: result.project.model.apps.length,
      envs: output.envs.map((e) => e.env.name),
      files: output.files.size,
      objectsValidated: validation.objectsChecked,
      unchecked: validation.unchecked,
      warnings,
      ms,
    });
  }
  io.out(
    `synth: ${result.project.model.apps.length} apps × ${output.envs.length} envs → ${output.files.size} files in ${outLabel} (${validation.objectsChecked} objects validated, ${ms} ms)`,
  );
  return EXIT.ok;
}
