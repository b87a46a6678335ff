// Runs one synth in this process and prints its figures as JSON (the parent measures wall time).
import { synth } from '../src/synth.js';

const [root, out] = process.argv.slice(2);
const started = performance.now();
const result = await synth({ root: root!, outDir: out! });
process.stdout.write(
  JSON.stringify({
    ms: Math.round(performance.now() - started),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    files: result.output.files.size,
  }) + '\n',
);
