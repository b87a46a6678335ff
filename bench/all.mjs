// `npm run bench`: every speed and size figure the README's Speed section shows, in one run, one
// script after another (never side by side: they would time each other). Each prints its own
// baseline beside its figures; this adds nothing but the order and the header.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const scripts = ['cli.ts', 'promote.ts', 'synth.ts', 'install-size.ts'];
console.log(
  `slipway bench: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${new Date().toISOString()}`,
);
for (const script of scripts) {
  console.log(`\n== bench/${script}`);
  const r = spawnSync(process.execPath, ['--import', './src/cli/register-ts.mjs', `bench/${script}`], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
