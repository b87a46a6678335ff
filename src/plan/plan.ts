/**
 * The diff engine every writing command uses: what an env repo holds now against what synth
 * generates for it, shown as Terraform shows a plan.
 *
 * Ownership rule (documented in the README): slipway owns `README.md` and everything under
 * `bootstrap/`, `apps/`, `charts/`, `values/` and `manifests/`; a file there that slipway no
 * longer generates is deleted. Anything else a person adds (`.github/`, `CODEOWNERS`, docs/) is
 * left alone.
 */
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import { gitBlobSha, type RemoteTree } from '../core/env-remote.js';

const OWNED_FILES = ['README.md'];
// platform/ holds what platform components read from the env repo (the KnativeServing, Argo CD's install values).
export const OWNED_DIRS = ['bootstrap/', 'apps/', 'charts/', 'values/', 'manifests/', 'platform/'];

export function ownedBySlipway(path: string): boolean {
  return OWNED_FILES.includes(path) || OWNED_DIRS.some((d) => path.startsWith(d));
}

export type ChangeAction = 'create' | 'update' | 'delete';

export interface FileChange {
  readonly path: string;
  readonly action: ChangeAction;
  /** The Kubernetes objects in the file (`Kind/name`), when it holds any. */
  readonly objects: readonly string[];
  /** Unified diff of the change. */
  readonly diff: string;
}

export interface Plan {
  readonly env: string;
  /** Where the env repo is (no credentials). */
  readonly remote: string;
  /** The head compared against; undefined for an empty or missing repo. */
  readonly head: string | undefined;
  readonly changes: readonly FileChange[];
  /** Files in the repo that slipway does not own and leaves alone. */
  readonly untouched: readonly string[];
  readonly summary: { readonly add: number; readonly change: number; readonly destroy: number };
  /** The content to write and the paths to delete, for the commit. */
  readonly write: ReadonlyMap<string, string>;
  readonly delete: readonly string[];
}

/** Compares the repo's tree with the desired files (paths relative to the env repo root). */
export async function planEnv(env: string, remote: string, tree: RemoteTree, desired: ReadonlyMap<string, string>): Promise<Plan> {
  const changes: FileChange[] = [];
  const write = new Map<string, string>();
  const remove: string[] = [];
  for (const [path, content] of desired) {
    const current = tree.blobs.get(path);
    if (current === (await gitBlobSha(content))) continue;
    const before = current === undefined ? undefined : await tree.read(path);
    write.set(path, content);
    changes.push(change(path, current === undefined ? 'create' : 'update', before, content));
  }
  const untouched: string[] = [];
  for (const path of tree.blobs.keys()) {
    if (desired.has(path)) continue;
    if (!ownedBySlipway(path)) {
      untouched.push(path);
      continue;
    }
    remove.push(path);
    changes.push(change(path, 'delete', await tree.read(path), undefined));
  }
  changes.sort((a, b) => a.path.localeCompare(b.path));
  return {
    env,
    remote,
    head: tree.head,
    changes,
    untouched: untouched.sort(),
    summary: {
      add: changes.filter((c) => c.action === 'create').length,
      change: changes.filter((c) => c.action === 'update').length,
      destroy: changes.filter((c) => c.action === 'delete').length,
    },
    write,
    delete: remove.sort(),
  };
}

function change(path: string, action: ChangeAction, before: string | undefined, after: string | undefined): FileChange {
  return {
    path,
    action,
    objects: objectsIn(after ?? before ?? '', path),
    diff: createTwoFilesPatch(
      before === undefined ? '/dev/null' : `a/${path}`,
      after === undefined ? '/dev/null' : `b/${path}`,
      before ?? '',
      after ?? '',
      '',
      '',
      { context: 3 },
    )
      .split('\n')
      .slice(1)
      .join('\n'),
  };
}

/** `Kind/name` of each Kubernetes object in a YAML file (none for charts' templates or other files). */
function objectsIn(text: string, path: string): string[] {
  if (!/\.ya?ml$/.test(path) || path.includes('/templates/')) return [];
  try {
    return parseAllDocuments(text)
      .map((d) => d.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null)
      .filter((o) => o && typeof o.kind === 'string' && o.metadata && typeof o.metadata.name === 'string')
      .map((o) => `${String(o!.kind)}/${String(o!.metadata!.name)}`);
  } catch {
    return [];
  }
}

export interface RenderOptions {
  readonly color: boolean;
  /** Which unified diffs to show: all, only of changed and deleted files, or none. @default 'all' */
  readonly diffs?: 'all' | 'changes' | 'none';
  /** Only the summary line. */
  readonly summaryOnly?: boolean;
}

const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-' };
const COLOR: Record<ChangeAction, string> = { create: '32', update: '33', delete: '31' };

/** The plan as a person reads it. */
export function renderPlan(plan: Plan, options: RenderOptions): string {
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const summary = `Plan: ${plan.summary.add} to add, ${plan.summary.change} to change, ${plan.summary.destroy} to destroy.`;
  if (options.summaryOnly) return `${plan.env}: ${summary}\n`;
  const diffs = options.diffs ?? 'all';
  const lines = [`${paint('1', `env ${plan.env}`)}: ${plan.remote}${plan.head ? ` @ ${plan.head.slice(0, 12)}` : ' (no commit yet)'}`];
  if (plan.changes.length === 0) {
    lines.push('  No changes. The env repo holds exactly what synth generates.');
  }
  for (const c of plan.changes) {
    const what = c.objects.length ? ` (${c.objects.join(', ')})` : '';
    lines.push(paint(COLOR[c.action], `  ${SYMBOL[c.action]} ${c.action} ${c.path}${what}`));
    if (diffs === 'all' || (diffs === 'changes' && c.action !== 'create')) {
      for (const l of c.diff.split('\n').filter((l) => l !== '')) {
        const code =
          l.startsWith('+') && !l.startsWith('+++')
            ? '32'
            : l.startsWith('-') && !l.startsWith('---')
              ? '31'
              : l.startsWith('@@')
                ? '36'
                : '';
        lines.push(`      ${code ? paint(code, l) : l}`);
      }
    }
  }
  if (plan.untouched.length) lines.push(`  (left alone, not slipway's: ${plan.untouched.join(', ')})`);
  lines.push(summary);
  return lines.join('\n') + '\n';
}

/** The plan as `--json` prints it (no file contents beyond the diff). */
export function planJson(plan: Plan): Record<string, unknown> {
  return {
    env: plan.env,
    remote: plan.remote,
    head: plan.head ?? null,
    summary: plan.summary,
    changes: plan.changes.map((c) => ({ path: c.path, action: c.action, objects: c.objects, diff: c.diff })),
    untouched: plan.untouched,
  };
}
