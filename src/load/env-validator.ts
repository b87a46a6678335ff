/**
 * The env files' schema check: envs/env.schema.json compiled by ajv. Compiling it takes ~50 ms
 * of every command that reads env files (status, history, promote...), so `npm run build` writes
 * the compiled code to dist/env-schema-validate.cjs (ajv's standalone output), used while it was
 * compiled from the very schema on disk (its sha256). Otherwise, or without dist/, ajv compiles
 * the schema here, with the same options.
 */
import { sha256 } from '../core/sha256.js';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Options, ValidateFunction } from 'ajv';
import { packageFile } from '../core/package-root.js';

const SCHEMA_PATH = 'envs/env.schema.json';
const COMPILED_PATH = 'dist/env-schema-validate.cjs';

/** The options both ways compile with: every error, strict schema, each error with its schema. */
const OPTIONS: Options = { allErrors: true, strict: true, strictTypes: false, verbose: true };

const require = createRequire(import.meta.url);
let validator: ValidateFunction | undefined;

export function envValidator(): ValidateFunction {
  if (validator) return validator;
  const text = readFileSync(packageFile(SCHEMA_PATH), 'utf8');
  validator = precompiled(sha256(text)) ?? compiled(text);
  return validator;
}

/** dist's standalone validator when it was compiled from a schema with this hash. */
function precompiled(hash: string): ValidateFunction | undefined {
  const path = packageFile(COMPILED_PATH);
  if (!existsSync(path)) return undefined;
  const validate = require(path) as ValidateFunction & { schemaSha256?: string };
  return validate.schemaSha256 === hash ? validate : undefined;
}

/** ajv, loaded only now (~30 ms of module loading when the precompiled validator serves). */
function newAjv(options: Options) {
  const { Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv(options);
}

function compiled(text: string): ValidateFunction {
  return newAjv(OPTIONS).compile(JSON.parse(text));
}

/**
 * The CommonJS module `npm run build` writes to dist/env-schema-validate.cjs: ajv's standalone
 * code for the schema on disk: the validate function, with the schema's `schemaSha256` on it.
 * @public scripts/build.mjs imports it from the compiled dist/env-validator.js, which knip cannot follow.
 */
export function standaloneEnvValidator(): string {
  const text = readFileSync(packageFile(SCHEMA_PATH), 'utf8');
  const ajv = newAjv({ ...OPTIONS, code: { source: true } });
  const validate = ajv.compile(JSON.parse(text));
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js');
  return `${standaloneCode(ajv, validate)}\nmodule.exports.schemaSha256 = ${JSON.stringify(sha256(text))};\n`;
}

/** Both validators, for the test that holds dist's to ajv's own (undefined when dist has none). */
export function envValidatorsForTest(): { readonly precompiled?: ValidateFunction; readonly compiled: ValidateFunction } {
  const text = readFileSync(packageFile(SCHEMA_PATH), 'utf8');
  return { precompiled: precompiled(sha256(text)), compiled: compiled(text) };
}
