/**
 * `slipway init [dir]`: a new platform repo that uses slipway as an installed tool. It holds only
 * the team's own files (charts-src/, envs/, package.json, ...); slipway itself comes from npm, so
 * an upgrade is `npm install slipway@<version>` followed by `slipway plan`.
 *
 * A folder holding only what `npm install slipway` leaves (package.json, package-lock.json,
 * node_modules/) counts as empty, so `npm install slipway && npx slipway init` works; anything
 * else needs --force, and even then no file outside the ones init writes is touched.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

import { ConfigError } from '../core/config-error.js';
import { packageFile } from '../core/package-root.js';
import { ENV_SCHEMA_FROM_ENVS, planAddApp, planAddEnv } from './add.js';
import { existing, writePlanned } from './files.js';
import { CDK8S_YAML, CI_WORKFLOW, GITIGNORE, initPackageJson, readme, TSCONFIG } from './templates.js';

/** What `npm install` leaves in a folder: not the user's work. */
const NPM_OWN = new Set(['package.json', 'package-lock.json', 'node_modules', '.git', '.npmrc']);

export interface InitOptions {
  readonly dir: string;
  readonly force?: boolean;
  readonly example?: string;
  /** slipway's version, for the dependency a new package.json gets. */
  readonly version: string;
  /** Runs `git init` and commits (default true). */
  readonly git?: boolean;
}

export interface InitResult {
  readonly dir: string;
  readonly written: readonly string[];
  readonly apps: readonly string[];
  readonly envs: readonly string[];
  /** The first commit, or why there is none. */
  readonly commit: string | undefined;
  readonly commitSkipped?: string;
}

export function init(o: InitOptions): InitResult {
  const dir = resolve(o.dir);
  const example = o.example ?? 'minimal';
  if (example !== 'minimal' && example !== 'book') throw new ConfigError(`--example: '${example}' is not minimal or book`);
  if (existsSync(dir)) {
    const other = readdirSync(dir).filter((f) => !NPM_OWN.has(f));
    if (other.length > 0 && !o.force) {
      throw new ConfigError(
        `${dir}: not empty (${other.slice(0, 3).join(', ')}${other.length > 3 ? ', …' : ''}); init writes into an empty folder, or pass --force`,
      );
    }
  }
  const name =
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-') || 'platform';
  const files = new Map<string, string>();
  const packageJsonPath = join(dir, 'package.json');
  const existingPackage = existsSync(packageJsonPath) ? readPackageJson(packageJsonPath) : undefined;
  files.set('package.json', initPackageJson(name, `^${o.version}`, existingPackage));
  files.set('tsconfig.json', TSCONFIG);
  files.set('cdk8s.yaml', CDK8S_YAML);
  files.set('.gitignore', GITIGNORE);
  files.set('.github/workflows/platform.yaml', CI_WORKFLOW);
  const { apps, envs } = example === 'book' ? bookExample(files) : minimalExample(files);
  files.set('README.md', readme(name, apps, envs));
  if (!o.force) {
    const clash = existing(dir, files).filter((p) => p !== 'package.json');
    if (clash.length > 0) throw new ConfigError(`${join(dir, clash[0]!)}: exists already; pass --force to write over it`);
  }
  mkdirSync(dir, { recursive: true });
  writePlanned(dir, files);
  const commit = o.git === false ? { sha: undefined, skipped: 'not asked' } : gitCommit(dir, [...files.keys()]);
  return { dir, written: [...files.keys()].sort(), apps, envs, commit: commit.sha, commitSkipped: commit.skipped };
}

function readPackageJson(path: string): Record<string, unknown> {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ConfigError(`${path}: not a JSON object; fix or remove it`);
}

/** One app (podinfo, a small demo server with health endpoints) in staging and production. */
function minimalExample(files: Map<string, string>): { apps: string[]; envs: string[] } {
  // The add commands plan against a folder; they read envs/ from files planned so far through a scratch view.
  const scratch = scratchRoot(files);
  try {
    const plan = (planned: ReadonlyMap<string, string>) => {
      for (const [p, c] of planned) files.set(p, c);
      writePlanned(scratch.root, planned);
    };
    plan(planAddEnv({ root: scratch.root, name: 'staging', repo: './.slipway/remotes/staging.git' }));
    plan(
      planAddEnv({
        root: scratch.root,
        name: 'production',
        promotesFrom: 'staging',
        promotion: 'pr',
        repo: './.slipway/remotes/production.git',
      }),
    );
    plan(planAddApp({ root: scratch.root, name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo', port: 9898, tag: '6.9.2' }));
  } finally {
    scratch.remove();
  }
  return { apps: ['podinfo'], envs: ['staging', 'production'] };
}

/** The book's three sample apps and its two envs, as this package's own sample has them. */
function bookExample(files: Map<string, string>): { apps: string[]; envs: string[] } {
  const apps = readdirSync(packageFile('charts-src'))
    .filter((f) => f.endsWith('.ts'))
    .sort();
  for (const f of apps) files.set(`charts-src/${f}`, readFileSync(packageFile(`charts-src/${f}`), 'utf8'));
  const envs = ['staging', 'production'];
  for (const env of envs) {
    const text = readFileSync(packageFile(`envs/${env}.yaml`), 'utf8');
    files.set(
      `envs/${env}.yaml`,
      text.replace(/^# yaml-language-server: \$schema=.*$/m, `# yaml-language-server: $schema=${ENV_SCHEMA_FROM_ENVS}`),
    );
  }
  return { apps: apps.map((f) => f.replace(/\.ts$/, '')), envs };
}

function scratchRoot(files: ReadonlyMap<string, string>): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'slipway-init-'));
  mkdirSync(join(root, 'envs'));
  mkdirSync(join(root, 'charts-src'));
  writePlanned(root, new Map([...files].filter(([p]) => p.startsWith('envs/') || p.startsWith('charts-src/'))));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** `git init` (unless the folder is in a repo already) and a first commit of what init wrote. */
function gitCommit(dir: string, paths: readonly string[]): { sha: string | undefined; skipped?: string } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  try {
    git('--version');
  } catch {
    return { sha: undefined, skipped: 'git is not installed' };
  }
  if (!existsSync(join(dir, '.git'))) git('init', '--quiet', '--initial-branch=main');
  git('add', '--', ...paths);
  try {
    git('commit', '--quiet', '--message', 'slipway init');
  } catch {
    // No identity configured (a fresh CI machine): the files are there, staged; say so.
    return { sha: undefined, skipped: 'git has no user.name/user.email here: the files are staged, commit them yourself' };
  }
  return { sha: git('rev-parse', 'HEAD') };
}
