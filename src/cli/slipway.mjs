#!/usr/bin/env node
// The `slipway` executable: dist/slipway.js when it is fresh, else the TypeScript sources (launch.mjs).

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Fast: package.json's version, without loading the CLI (`slipway --version` from scripts);
  // with --json, main() prints the envelope as every command does.
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { load } = await import('./launch.mjs');
  const { main } = await load('slipway', 'src/cli/slipway.ts');
  process.exitCode = await main(args);
}
