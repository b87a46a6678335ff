#!/usr/bin/env node
// The `slipway` executable: TypeScript runs through slipway's esbuild module hooks (see ts-hooks.mjs).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
// `slipway plan | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import('./slipway.ts');
process.exitCode = await main(process.argv.slice(2));
