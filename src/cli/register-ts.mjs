// `node --import ./src/cli/register-ts.mjs file.ts`: see ts-hooks.mjs. Runs slipway's sources; app
// files' imports of 'slipway' get this checkout's generators (the sources), as from launch.mjs.
import { register } from 'node:module';

const generators = new URL('../../generators/index.ts', import.meta.url);
register('./ts-hooks.mjs', import.meta.url, {
  data: { generators: { sourceUrl: generators.href } },
});
