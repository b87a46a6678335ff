/**
 * Saved plans, as Terraform's `plan -out`: `slipway plan --out plan.json` writes, per env, where
 * its repo is, the head the plan was made against and every file's new content or deletion;
 * `slipway apply plan.json` (publish/apply-plan.ts) commits exactly that, on exactly that head, or
 * refuses. So what a reviewer approved in CI is what lands.
 *
 * The file (JSON, UTF-8, stable key order):
 *
 *   {
 *     "format": "slipway-plan", "version": 1,
 *     "createdAt": "2025-01-01T00:00:00.000Z",
 *     "sourceCommit": "<platform repo sha>[-dirty]" | "none",
 *     "envs": [{
 *       "env": "staging",
 *       "remote": "<where the repo is, as slipway shows it>", "branch": "main",
 *       "head": "<commit the plan was made against>" | null,      (null: no commit yet)
 *       "summary": { "add": 1, "change": 1, "destroy": 1 },
 *       "changes": [
 *         { "path": "apps/web.yaml", "action": "create", "content": "..." },
 *         { "path": "values/web.yaml", "action": "update", "content": "..." },
 *         { "path": "apps/old.yaml", "action": "delete" }
 *       ]
 *     }]
 *   }
 */
import { sha256 } from '../core/sha256.js';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../core/config-error.js';
import { COMMIT_ID } from '../core/env-remote.js';
import { writeFileAtomically } from '../write/file-atomically.js';
import type { ChangeAction, FileChange, Plan } from './plan.js';

const SAVED_PLAN_FORMAT = 'slipway-plan';
const SAVED_PLAN_VERSION = 1;
/** Larger files are refused before parsing (a plan of a large fleet is a few MiB). */
const MAX_PLAN_BYTES = 256 * 1024 * 1024;

interface SavedFileChange {
  readonly path: string;
  readonly action: ChangeAction;
  /** The file's whole new content; absent for `delete`. */
  readonly content?: string;
}

export interface SavedEnvPlan {
  readonly env: string;
  /** The env repo as `Plan.remote` shows it (no credentials). */
  readonly remote: string;
  readonly branch: string;
  /** The head the plan was made against; null when the branch had no commit (or the repo did not exist). */
  readonly head: string | null;
  readonly summary: Plan['summary'];
  readonly changes: readonly SavedFileChange[];
}

export interface SavedPlan {
  readonly format: typeof SAVED_PLAN_FORMAT;
  readonly version: typeof SAVED_PLAN_VERSION;
  readonly createdAt: string;
  readonly sourceCommit: string;
  readonly envs: readonly SavedEnvPlan[];
}

/** The env repo's head moved since the plan was made: the plan no longer describes what would land. Exit 1. */
export class PlanStaleError extends Error {
  constructor(
    readonly env: string,
    readonly remote: string,
    readonly planned: string | null,
    readonly now: string | null,
  ) {
    super(
      `${env}: the env repo moved since the plan was made: the plan is against ${planned ?? '(no commit)'}, ` +
        `${remote} is at ${now ?? '(no commit)'}; nothing was applied: run slipway plan --out again and review the new plan`,
    );
    this.name = 'PlanStaleError';
  }
}

/** The saved form of plans made by `planEnvs` (the content to write is in `plan.write`). */
export function toSavedPlan(
  plans: ReadonlyArray<{ readonly plan: Plan; readonly branch: string }>,
  sourceCommit: string,
  now: Date = new Date(),
): SavedPlan {
  return {
    format: SAVED_PLAN_FORMAT,
    version: SAVED_PLAN_VERSION,
    createdAt: now.toISOString(),
    sourceCommit,
    envs: plans.map(({ plan, branch }) => ({
      env: plan.env,
      remote: plan.remote,
      branch,
      head: plan.head ?? null,
      summary: plan.summary,
      changes: plan.changes.map((c) =>
        c.action === 'delete' ? { path: c.path, action: c.action } : { path: c.path, action: c.action, content: contentOf(plan, c) },
      ),
    })),
  };
}

function contentOf(plan: Plan, change: FileChange): string {
  const content = plan.write.get(change.path);
  if (content === undefined) throw new Error(`plan of ${plan.env}: no content for ${change.path}`);
  return content;
}

/** Writes the plan file whole or not at all (a temporary file beside it, then a rename). */
export function writeSavedPlan(file: string, plan: SavedPlan): void {
  const parent = dirname(file);
  try {
    if (!statSync(parent).isDirectory()) throw new ConfigError(`--out ${file}: ${parent} is not a folder`);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`--out ${file}: the folder ${parent} does not exist`);
  }
  writeFileAtomically(
    file,
    `${JSON.stringify(plan, null, 2)}\n`,
    (reason) => new ConfigError(`--out ${file}: cannot write the plan: ${reason}`),
  );
}

export interface LoadedSavedPlan {
  readonly plan: SavedPlan;
  /** sha256 of the file's bytes: names the plan in commit trailers (`Slipway-Plan`). */
  readonly digest: string;
}

/** Reads and checks a plan file; anything wrong with it is a `ConfigError` naming the file and field. */
export function readSavedPlan(file: string, label = file): LoadedSavedPlan {
  let bytes: Buffer;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ConfigError(`${label}: not a file`);
    if (stat.size > MAX_PLAN_BYTES) throw new ConfigError(`${label}: ${stat.size} bytes, more than a plan can be (${MAX_PLAN_BYTES})`);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(
      `${label}: cannot read the plan: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ConfigError(
      `${label}: not a slipway plan (invalid JSON: ${(e as Error).message}); make one with slipway plan --out ${label}`,
    );
  }
  return { plan: checkSavedPlan(data, label), digest: sha256(bytes) };
}

const ENV_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks the parsed file field by field; every problem is reported at once. */
export function checkSavedPlan(data: unknown, label: string): SavedPlan {
  const problems: string[] = [];
  const bad = (field: string, message: string): void => {
    problems.push(`${label}: ${field}: ${message}`);
  };
  if (!isObject(data))
    throw new ConfigError(`${label}: not a slipway plan (a JSON object is expected); make one with slipway plan --out ${label}`);
  if (data.format !== SAVED_PLAN_FORMAT) {
    throw new ConfigError(
      `${label}: format: not a slipway plan (expected "${SAVED_PLAN_FORMAT}"); make one with slipway plan --out ${label}`,
    );
  }
  if (data.version !== SAVED_PLAN_VERSION) {
    throw new ConfigError(
      `${label}: version: ${JSON.stringify(data.version)} is not a plan version this slipway reads (${SAVED_PLAN_VERSION}); plan again with this slipway`,
    );
  }
  if (typeof data.createdAt !== 'string') bad('createdAt', 'must be a string');
  if (typeof data.sourceCommit !== 'string') bad('sourceCommit', 'must be a string');
  if (!Array.isArray(data.envs)) {
    bad('envs', 'must be a list');
    throw new ConfigError(problems);
  }
  const seen = new Set<string>();
  data.envs.forEach((env: unknown, i: number) => {
    const at = `envs[${i}]`;
    if (!isObject(env)) {
      bad(at, 'must be an object');
      return;
    }
    if (typeof env.env !== 'string' || !ENV_NAME.test(env.env)) bad(`${at}.env`, 'must be an environment name');
    else if (seen.has(env.env)) bad(`${at}.env`, `'${env.env}' is planned twice`);
    else seen.add(env.env);
    if (typeof env.remote !== 'string' || env.remote === '') bad(`${at}.remote`, 'must be a string');
    if (typeof env.branch !== 'string' || env.branch === '') bad(`${at}.branch`, 'must be a string');
    if (env.head !== null && (typeof env.head !== 'string' || !COMMIT_ID.test(env.head))) bad(`${at}.head`, 'must be a commit id or null');
    const summary = env.summary;
    if (!isObject(summary) || !['add', 'change', 'destroy'].every((k) => Number.isInteger(summary[k]))) {
      bad(`${at}.summary`, 'must hold the counts add, change and destroy');
    }
    if (!Array.isArray(env.changes)) {
      bad(`${at}.changes`, 'must be a list');
      return;
    }
    const paths = new Set<string>();
    env.changes.forEach((change: unknown, j: number) => {
      const c = `${at}.changes[${j}]`;
      if (!isObject(change)) {
        bad(c, 'must be an object');
        return;
      }
      if (typeof change.path !== 'string' || !safeRepoPath(change.path))
        bad(`${c}.path`, `${JSON.stringify(change.path)} is not a relative path inside the env repo`);
      else if (paths.has(change.path)) bad(`${c}.path`, `${change.path} changes twice`);
      else paths.add(change.path);
      if (change.action === 'delete') {
        if (change.content !== undefined) bad(`${c}.content`, 'a deletion has no content');
      } else if (change.action === 'create' || change.action === 'update') {
        if (typeof change.content !== 'string') bad(`${c}.content`, `must be the file's new content (a string)`);
      } else {
        bad(`${c}.action`, 'must be create, update or delete');
      }
    });
    if (problems.length === 0 && isObject(summary)) {
      const count = (a: string) => (env.changes as SavedFileChange[]).filter((x) => x.action === a).length;
      if (summary.add !== count('create') || summary.change !== count('update') || summary.destroy !== count('delete')) {
        bad(`${at}.summary`, 'does not match its changes');
      }
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return data as unknown as SavedPlan;
}

/** A repo-relative path that stays inside the repo: no absolute path, `..`, `.git`, empty segment or control character. */
function safeRepoPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || /[\u0000-\u001f\u007f]/.test(path)) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part.toLowerCase() !== '.git');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A saved env plan as a `Plan` (for rendering it and for the commit message); no diffs. */
export function savedToPlan(saved: SavedEnvPlan): Plan {
  const write = new Map<string, string>();
  for (const c of saved.changes) if (c.content !== undefined) write.set(c.path, c.content);
  return {
    env: saved.env,
    remote: saved.remote,
    head: saved.head ?? undefined,
    changes: saved.changes.map((c) => ({ path: c.path, action: c.action, objects: [], diff: '' })),
    untouched: [],
    summary: saved.summary,
    write,
    delete: saved.changes.filter((c) => c.action === 'delete').map((c) => c.path),
  };
}
