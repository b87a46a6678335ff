#!/usr/bin/env node
// The `slipway` executable: dist/slipway.js when it is fresh, else the TypeScript sources (launch.mjs).

const args = process.argv.slice(2);
const isVersion = (a) => a === '--version' || a === '-V';
const asJson = args.length === 2 && args.includes('--json') && args.some(isVersion);
if ((args.length === 1 && isVersion(args[0])) || asJson) {
  // Fast: package.json's version, without loading the CLI (`slipway --version` from scripts);
  // with --json, the envelope every command prints (src/cli/json.ts, indented as io.ts writes it).
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  process.stdout.write(asJson ? `${JSON.stringify({ command: 'version', ok: true, version }, null, 2)}\n` : `${version}\n`);
} else {
  // `slipway plan | head`: a closed pipe ends the output, not with a stack trace.
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const { load } = await import('./launch.mjs');
  const { main } = await load('slipway', 'src/cli/slipway.ts');
  process.exitCode = await main(args);
}
