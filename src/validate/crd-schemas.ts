import { createRequire } from 'node:module';

import type { Ajv as AjvClass, ValidateFunction } from 'ajv';

import { crdVersions, listFiles, loadFile, parsedSchema, type CrdVersion } from './crd-files.js';
import { FORMATS, rootSchema, shareRepeatedSubschemas } from './crd-to-json-schema.js';
import { isRecord, type AjvLikeError } from '../core/ajv-errors.js';
import { issuesFromAjvErrors } from './schema-issue.js';
import type { SchemaIssue } from './schema-issue.js';

/*
 * Custom resources are validated against the openAPIV3Schema of their CRD, strictly, the
 * way `kubectl apply --validate=strict` does (server-side field validation): a field the
 * API server would prune is an "unknown field".
 *
 * Upstream CRD files are big and a synth only ever validates a few kinds: files are read with
 * their schema blocks cut out (crd-files.ts), and a schema is parsed, converted
 * (crd-to-json-schema.ts) and compiled the first time an object of its kind/version is
 * validated. yaml and ajv themselves are required lazily too.
 */
const require = createRequire(import.meta.url);

export interface CrdSchemasOptions {
  /** Parse every schema now instead of on first use: slower, but a broken schema fails at load time. */
  readonly eager?: boolean;
}

export class CrdSchemas {
  /** The group/kinds loaded, for messages (`argoproj.io/Rollout`). */
  readonly kinds: readonly string[];
  readonly #versions: ReadonlyMap<string, CrdVersion>;
  readonly #validators = new Map<CrdVersion, ValidateFunction>();
  #ajv: AjvClass | undefined;

  private constructor(crds: readonly (readonly CrdVersion[])[]) {
    // A CRD defined twice: the later file wins, versions and all, like a later `kubectl apply`.
    const byGroupKind = new Map<string, readonly CrdVersion[]>();
    for (const versions of crds) {
      const first = versions[0];
      if (first !== undefined) byGroupKind.set(`${first.group}/${first.kind}`, versions);
    }
    const byKey = new Map<string, CrdVersion>();
    for (const v of [...byGroupKind.values()].flat()) byKey.set(key(`${v.group}/${v.version}`, v.kind), v);
    this.#versions = byKey;
    this.kinds = [...byGroupKind.keys()].sort();
  }

  /**
   * Reads every *.yaml/*.yml/*.json file under `dir` (recursively). A file may hold several
   * YAML documents, a `kind: List` (as `kubectl get crd -o yaml` prints) or a
   * CustomResourceDefinition; other documents are ignored.
   */
  static fromDirectory(dir: string, options: CrdSchemasOptions = {}): CrdSchemas {
    let files: string[];
    try {
      files = listFiles(dir);
    } catch (error) {
      throw new Error(`cannot read CRD directory ${dir}: ${(error as Error).message}`, { cause: error });
    }
    const crds = files.flatMap(loadFile);
    if (options.eager === true) for (const v of crds.flat()) parsedSchema(v);
    return new CrdSchemas(crds);
  }

  /**
   * CRDs from folders (read as {@link fromDirectory} does) and from already-parsed objects
   * (e.g. the CustomResourceDefinitions a Helm chart renders; other objects are ignored), in
   * that order: a CRD defined twice takes its later definition, so `objects` win.
   */
  static fromSources(
    sources: { readonly directories?: readonly string[]; readonly objects?: readonly unknown[] },
    options: CrdSchemasOptions = {},
  ): CrdSchemas {
    const crds: CrdVersion[][] = [];
    for (const dir of sources.directories ?? []) {
      let files: string[];
      try {
        files = listFiles(dir);
      } catch (error) {
        throw new Error(`cannot read CRD directory ${dir}: ${(error as Error).message}`, { cause: error });
      }
      crds.push(...files.flatMap(loadFile));
    }
    for (const obj of sources.objects ?? []) {
      const name = isRecord(obj) && isRecord(obj['metadata']) ? String(obj['metadata']['name']) : '?';
      crds.push(...crdVersions([obj], `<object CustomResourceDefinition ${name}>`, []));
    }
    if (options.eager === true) for (const v of crds.flat()) parsedSchema(v);
    return new CrdSchemas(crds);
  }

  /** True when a CRD for this apiVersion (group/version) and kind was loaded and serves that version. */
  has(apiVersion: string, kind: string): boolean {
    return this.#versions.get(key(apiVersion, kind))?.served === true;
  }

  /** Validates against the version's openAPIV3Schema, strictly (unknown fields are issues). */
  validate(obj: Record<string, unknown>): SchemaIssue[] {
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      const field = typeof apiVersion !== 'string' ? 'apiVersion' : 'kind';
      return [{ path: field, message: `missing required field "${field}"` }];
    }
    const crd = this.#versions.get(key(apiVersion, kind));
    if (crd === undefined || !crd.served) {
      const known = this.kinds.length > 0 ? this.kinds.join(', ') : 'none';
      const why = crd === undefined ? 'no CRD loaded' : `the CRD (${crd.file}) does not serve version ${crd.version}`;
      return [{ path: 'apiVersion', message: `${why} for ${apiVersion} ${kind} (loaded: ${known})` }];
    }
    const validator = this.#validator(crd);
    if (validator(obj)) return [];
    return issuesFromAjvErrors((validator.errors ?? []) as AjvLikeError[], obj);
  }

  #validator(crd: CrdVersion): ValidateFunction {
    let validator = this.#validators.get(crd);
    if (validator === undefined) {
      validator = this.#getAjv().compile(shareRepeatedSubschemas(rootSchema(parsedSchema(crd))));
      this.#validators.set(crd, validator);
    }
    return validator;
  }

  #getAjv(): AjvClass {
    if (this.#ajv === undefined) {
      const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
      this.#ajv = new Ajv({
        // CRD schemas carry keywords ajv does not know (x-kubernetes-*, example...).
        strict: false,
        allErrors: true,
        // Formats the API server does not check (int32, int64, ...) are ignored without a warning.
        logger: false,
        validateSchema: false,
        // ajv's optimisation pass halves compile time of a big CRD schema when off; validation stays fast.
        code: { optimize: false },
        // Shared subschemas (see shareRepeatedSubschemas) must stay one function each.
        inlineRefs: false,
        // Errors carry their schema: lets a failed oneOf name the mutually exclusive fields.
        verbose: true,
        formats: FORMATS,
      });
    }
    return this.#ajv;
  }
}

function key(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}
