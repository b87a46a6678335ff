#!/usr/bin/env node
// The `slipway` executable: TypeScript runs through slipway's esbuild module hooks (see ts-hooks.mjs).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
const { main } = await import('./slipway.ts');
process.exitCode = await main(process.argv.slice(2));
