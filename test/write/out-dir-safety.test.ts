/**
 * Synth replaces its output directory whole, so (issue 11, "Hardening"):
 *   - `--out` replaces only a directory that is missing, empty, or synth's own (the `.slipway-out`
 *     marker, or only the charts/ and envs/ of an older synth); never the platform repo, a folder
 *     holding it, its sources, a .git directory, the home directory or `/`: exit 1, one line,
 *     nothing written (every file of the sandbox hashed before and after);
 *   - synths at once on one project take turns: each exits 0 (or names the lock's holder), none
 *     prints a stack, and out/ ends up exactly one synth's tree;
 *   - the writer refuses any path that would land outside the output directory, whatever the
 *     generator made of a name, and writes nothing.
 * Everything a case could destroy lives in a throwaway sandbox (project, home, sentinel), so
 * these tests are safe to run against a slipway without the checks.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config-error.js';
import { generate, synth } from '../../src/synth.js';
import { OUT_MARKER, OUT_MARKER_TEXT, refuseForbiddenOutDir } from '../../src/write/out-dir-safety.js';
import { readTree, replaceOutDir, writeOutDir } from '../../src/write/out-dir.js';
import { makeProject, REPO_ROOT, type Project } from '../support/project-fixture.js';
import { run, type Run } from '../support/run.js';

const STACK_LINE = /^\s+at /m;
const FIX = 'give --out a directory of its own (the default is out/)';
const REPLACES = 'and synth replaces the whole output directory';

interface Sandbox {
  /** Holds everything below; removed afterwards. */
  readonly dir: string;
  readonly project: Project;
  readonly root: string;
  /** A directory outside the project no case may touch. */
  readonly sentinel: string;
  /** $HOME of the synth processes. */
  readonly home: string;
}

const sandboxes: string[] = [];
// afterAll, not afterEach: the concurrent tests below would remove each other's sandboxes.
afterAll(() => {
  for (const d of sandboxes.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A sandbox holding a copy of the sample platform repo, a sentinel directory and a home directory. */
function makeSandbox(): Sandbox {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-safety-')));
  sandboxes.push(dir);
  // makeProject creates its temp dir in os.tmpdir(), which reads TMPDIR: put the project inside the sandbox.
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  let project: Project;
  try {
    project = makeProject();
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  const sentinel = path.join(dir, 'sentinel');
  fs.mkdirSync(sentinel);
  fs.writeFileSync(path.join(sentinel, 'keep.txt'), 'keep\n');
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(home, '.profile'), 'export EDITOR=vi\n');
  return { dir, project, root: project.root, sentinel, home };
}

/** Every entry under `dir`: sha256 of a file's bytes, `dir`, or a link's target (links are not followed). */
function snapshot(dir: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      const stat = fs.lstatSync(p);
      if (stat.isSymbolicLink()) entries.set(rel, `-> ${fs.readlinkSync(p)}`);
      else if (stat.isDirectory()) {
        entries.set(rel, 'dir');
        walk(p);
      } else entries.set(rel, createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return entries;
}

/** The snapshot without what lies in `under` (relative paths). */
function outside(snap: Map<string, string>, under: string): Map<string, string> {
  return new Map([...snap].filter(([p]) => p !== under && !p.startsWith(`${under}/`)));
}

/** `npm run synth -- <args>` run in `cwd` (the project, unless --root says otherwise), with $HOME set. */
function synthCli(args: readonly string[], cwd: string, home: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', HOME: home };
  delete env.CDK8S_OUTDIR;
  return run(
    process.execPath,
    ['--import', path.join(REPO_ROOT, 'src/cli/register-ts.mjs'), path.join(REPO_ROOT, 'src/cli/synth-main.ts'), ...args],
    { cwd, env },
  );
}

/** What one synth of the unmodified sample generates. */
let expected: Map<string, string>;
beforeAll(async () => {
  const s = makeSandbox();
  expected = new Map((await generate({ root: s.root, validate: false })).output.files);
  fs.rmSync(s.dir, { recursive: true, force: true });
});

interface Refusal {
  readonly name: string;
  /** The --out value as typed in the project folder (absolute when outside it); none: the default out/. */
  readonly out?: (s: Sandbox) => string;
  readonly setup?: (s: Sandbox) => void;
  /** The one error line. */
  readonly line: (s: Sandbox) => string;
}

const refusals: readonly Refusal[] = [
  {
    name: '--out . (the platform repo itself)',
    out: () => '.',
    line: (s) => `${s.root}/: refusing to use as the output directory: it is the platform repo (--root) itself, ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out .. (a folder holding the platform repo)',
    out: () => '..',
    line: (s) => `${s.dir}/: refusing to use as the output directory: it holds the platform repo (--root), ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out envs',
    out: () => 'envs',
    line: () => `envs/: refusing to use as the output directory: it is the platform repo's envs/, ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out envs/rendered (inside envs/, not there yet)',
    out: () => 'envs/rendered',
    line: () => `envs/rendered/: refusing to use as the output directory: it is inside the platform repo's envs/; ${FIX}`,
  },
  {
    name: '--out charts-src',
    out: () => 'charts-src',
    line: () => `charts-src/: refusing to use as the output directory: it is the platform repo's charts-src/, ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out generators (a symbolic link to the slipway checkout)',
    out: () => 'generators',
    line: () => `generators/: refusing to use as the output directory: it is the platform repo's generators/, ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out src',
    setup: (s) => s.project.write('src/local.ts', 'export {};\n'),
    out: () => 'src',
    line: () => `src/: refusing to use as the output directory: it is the platform repo's src/, ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out node_modules',
    out: () => 'node_modules',
    line: () => `node_modules/: refusing to use as the output directory: it is the platform repo's node_modules/, ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out .git',
    setup: (s) => s.project.write('.git/HEAD', 'ref: refs/heads/main\n'),
    out: () => '.git',
    line: () => `.git/: refusing to use as the output directory: it is the platform repo's .git/, ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out .git/objects (inside .git)',
    setup: (s) => s.project.write('.git/objects/info/packs', '\n'),
    out: () => '.git/objects',
    line: () => `.git/objects/: refusing to use as the output directory: it is inside the platform repo's .git/; ${FIX}`,
  },
  {
    name: "--out inside another repository's .git",
    setup: (s) => fs.mkdirSync(path.join(s.dir, 'other/.git'), { recursive: true }),
    out: (s) => path.join(s.dir, 'other/.git/out'),
    line: (s) => `${s.dir}/other/.git/out/: refusing to use as the output directory: it is inside a .git directory; ${FIX}`,
  },
  {
    name: '--out ~ (even carrying the marker)',
    setup: (s) => fs.writeFileSync(path.join(s.home, OUT_MARKER), OUT_MARKER_TEXT),
    out: (s) => s.home,
    line: (s) => `${s.home}/: refusing to use as the output directory: it is your home directory; ${FIX}`,
  },
  {
    name: '--out <a link to the platform repo>',
    setup: (s) => fs.symlinkSync(s.root, path.join(s.root, 'link')),
    out: () => 'link',
    line: () => `link/: refusing to use as the output directory: it is the platform repo (--root) itself, ${REPLACES}; ${FIX}`,
  },
  {
    name: '--out package.json (a file)',
    out: () => 'package.json',
    line: () => `package.json/: refusing to use as the output directory: it is a file, not a directory; ${FIX}`,
  },
  {
    name: '--out docs (a folder synth did not write)',
    setup: (s) => {
      s.project.write('docs/README.md', '# docs\n');
      s.project.write('docs/notes.txt', 'mine\n');
    },
    out: () => 'docs',
    line: () =>
      'docs/: refusing to replace a directory slipway synth did not write: it holds README.md, notes.txt and no .slipway-out marker; ' +
      'give --out a new or empty directory, or empty this one yourself',
  },
  {
    name: "--out <a folder outside the repo, not synth's>",
    setup: (s) => fs.mkdirSync(path.join(s.dir, 'elsewhere/a/b'), { recursive: true }),
    out: (s) => path.join(s.dir, 'elsewhere'),
    line: (s) =>
      `${s.dir}/elsewhere/: refusing to replace a directory slipway synth did not write: it holds a and no .slipway-out marker; ` +
      'give --out a new or empty directory, or empty this one yourself',
  },
  {
    name: 'out/ without the marker holding more than charts/ and envs/',
    setup: (s) => {
      s.project.write('out/charts/app/Chart.yaml', 'old\n');
      s.project.write('out/envs/production/README.md', 'old\n');
      s.project.write('out/notes.txt', 'mine\n');
    },
    line: () =>
      'out/: refusing to replace a directory slipway synth did not write: it holds charts, envs, notes.txt and no .slipway-out marker; ' +
      'give --out a new or empty directory, or empty this one yourself',
  },
  {
    name: '--out build holding only envs/, but env files rather than env trees',
    setup: (s) => s.project.write('build/envs/production.yaml', 'apps: {}\n'),
    out: () => 'build',
    line: () =>
      'build/: refusing to replace a directory slipway synth did not write: it holds envs and no .slipway-out marker; ' +
      'give --out a new or empty directory, or empty this one yourself',
  },
];

describe.concurrent('synth --out: refuses a directory it must not replace (exit 1, one line, nothing written)', () => {
  for (const c of refusals) {
    it(c.name, async ({ expect }) => {
      const s = makeSandbox();
      c.setup?.(s);
      const before = snapshot(s.dir);

      const result = await synthCli(c.out ? ['--out', c.out(s)] : [], s.root, s.home);

      expect(result.stderr).toBe(`error: ${c.line(s)}\n`);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(1);
      expect(snapshot(s.dir)).toEqual(before); // project, home and sentinel: every file, byte for byte
    });
  }

  it('/ (the filesystem root), checked without running a synth on it', ({ expect }) => {
    const s = makeSandbox();
    const before = snapshot(s.dir);
    const thrown = catchError(() => refuseForbiddenOutDir('/', s.root, '/'));
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([`/: refusing to use as the output directory: it is the filesystem root; ${FIX}`]);
    expect(snapshot(s.dir)).toEqual(before);
  });
});

interface Accepted {
  readonly name: string;
  readonly setup?: (s: Sandbox) => void;
  /** The --out value; none: the default out/. */
  readonly out?: (s: Sandbox) => string;
  /** Where out/ is, relative to the sandbox. */
  readonly at: string;
  /** How the success line names it. */
  readonly label: (s: Sandbox) => string;
}

const accepted: readonly Accepted[] = [
  { name: 'no out/ yet', at: 'REPO/out', label: () => 'out/' },
  {
    name: 'an empty folder (--out build)',
    setup: (s) => fs.mkdirSync(path.join(s.root, 'build')),
    out: () => 'build',
    at: 'REPO/build',
    label: () => 'build/',
  },
  {
    name: 'an out/ of an older slipway: only charts/<app>/ and envs/<env>/, no marker',
    setup: (s) => {
      s.project.write('out/charts/retired-app/Chart.yaml', 'old\n');
      s.project.write('out/envs/production/apps/retired-app.yaml', 'old\n');
    },
    at: 'REPO/out',
    label: () => 'out/',
  },
  {
    name: 'an out/ from an earlier synth (marker), with files that left the model',
    setup: (s) => {
      s.project.write(`out/${OUT_MARKER}`, OUT_MARKER_TEXT);
      s.project.write('out/stale.txt', 'gone\n');
      s.project.write('out/envs/retired/README.md', 'gone\n');
    },
    at: 'REPO/out',
    label: () => 'out/',
  },
  {
    name: 'a folder outside the repo, not there yet',
    setup: (s) => fs.mkdirSync(path.join(s.dir, 'elsewhere')),
    out: (s) => path.join(s.dir, 'elsewhere/out'),
    at: 'elsewhere/out',
    label: (s) => `${s.dir}/elsewhere/out/`,
  },
];

describe.concurrent('synth --out: replaces a directory that is missing, empty or its own', () => {
  for (const c of accepted) {
    it(c.name, async ({ expect }) => {
      const s = makeSandbox();
      c.setup?.(s);
      const at = c.at.replace('REPO', path.relative(s.dir, s.root));
      const before = outside(snapshot(s.dir), at);

      const result = await synthCli(c.out ? ['--out', c.out(s)] : [], s.root, s.home);

      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(result.stderr).not.toMatch(/^(error|internal error):/m);
      expect(result.stdout).toMatch(new RegExp(`^synth: 3 apps × 2 envs → ${expected.size} files in ${escapeRegExp(c.label(s))} \\(`));
      expect(result.code).toBe(0);
      const out = path.join(s.dir, at);
      expect(readTree(out)).toEqual(expected);
      expect(fs.readFileSync(path.join(out, OUT_MARKER), 'utf8')).toBe(OUT_MARKER_TEXT);
      expect(outside(snapshot(s.dir), at)).toEqual(before); // nothing else written, no .out.new/.old/.lock left
    });
  }

  it('a second synth over its own out/ leaves it byte-identical, marker included, and --check agrees', async ({ expect }) => {
    const s = makeSandbox();
    const first = await synthCli([], s.root, s.home);
    expect(first.code).toBe(0);
    const once = snapshot(path.join(s.root, 'out'));
    const second = await synthCli([], s.root, s.home);
    expect(second.code).toBe(0);
    expect(snapshot(path.join(s.root, 'out'))).toEqual(once);
    const check = await synthCli(['--check'], s.root, s.home);
    expect(check.stdout).toBe(`out/ is up to date (${expected.size} files)\n`);
    expect(check.code).toBe(0);
  });
});

describe('synths at once on one project', () => {
  for (const existing of [false, true]) {
    it(`six at once${existing ? ' over an existing out/' : ', no out/ yet'}: each exits 0 or names the lock holder, none prints a stack, out/ is exactly one synth's tree`, async () => {
      const s = makeSandbox();
      const out = path.join(s.root, 'out');
      if (existing) await synth({ root: s.root, validate: false });

      const runs = await Promise.all(Array.from({ length: 6 }, () => synthCli(['--root', s.root], REPO_ROOT, s.home)));

      for (const r of runs) {
        const shown = `exit ${r.code}\n${r.stdout}${r.stderr}`;
        expect(r.stderr, shown).not.toMatch(STACK_LINE);
        expect(r.stderr, shown).not.toMatch(/internal error/);
        if (r.code === 0) {
          expect(r.stdout, shown).toMatch(new RegExp(`^synth: 3 apps × 2 envs → ${expected.size} files in out/ \\(`));
        } else {
          expect(r.code, shown).toBe(1);
          expect(r.stderr, shown).toMatch(
            /^error: \S+\/\.out\.lock: another slipway synth \(pid \d+\) has been writing out\/ for over \d+ s; /,
          );
        }
      }
      expect(runs.filter((r) => r.code === 0).length).toBeGreaterThan(0);
      expect(readTree(out)).toEqual(expected);
      expect(fs.readFileSync(path.join(out, OUT_MARKER), 'utf8')).toBe(OUT_MARKER_TEXT);
      expect(fs.readdirSync(s.root).filter((e) => e.startsWith('.out'))).toEqual([]);
    });
  }

  it('a lock held by a live process: waits (bounded), then names the lock file and its holder; nothing written', async () => {
    const s = makeSandbox();
    const out = path.join(s.root, 'out');
    const lock = path.join(s.root, '.out.lock');
    fs.writeFileSync(lock, String(process.pid));
    const before = snapshot(s.dir);

    const thrown = await replaceOutDir(out, expected, { root: s.root, label: 'out/', lockTimeoutMs: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([
      `${lock}: another slipway synth (pid ${process.pid}) has been writing out/ for over 1 s; wait for it to finish, or delete this lock file if no slipway is running`,
    ]);
    expect(snapshot(s.dir)).toEqual(before);
  });

  it('a lock left by a synth that is gone is taken over', async () => {
    const s = makeSandbox();
    const out = path.join(s.root, 'out');
    const gone = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(path.join(s.root, '.out.lock'), gone.stdout);

    await replaceOutDir(out, expected, { root: s.root, lockTimeoutMs: 1000 });

    expect(readTree(out)).toEqual(expected);
    expect(fs.existsSync(path.join(s.root, '.out.lock'))).toBe(false);
  });
});

describe('the writer confines every path to the output directory', () => {
  interface BadPath {
    readonly name: string;
    readonly path: (s: Sandbox) => string;
    readonly reason: string;
    /** Other files of the tree. */
    readonly with?: Record<string, string>;
  }
  const bad: readonly BadPath[] = [
    { name: 'a path up to a sibling', path: () => '../../sentinel/pwned.yaml', reason: "it contains '..'" },
    { name: 'a name that climbs out (x/../../../sentinel)', path: () => 'x/../../../sentinel/pwned.yaml', reason: "it contains '..'" },
    {
      name: 'a hostile object name reaching an absolute place (x/../../…/<sentinel>)',
      path: (s) => `envs/production/manifests/x/${'../'.repeat(40)}${s.sentinel.slice(1)}/pwned.yaml`,
      reason: "it contains '..'",
    },
    { name: 'an absolute path', path: (s) => `${s.sentinel}/pwned.yaml`, reason: 'it is absolute' },
    { name: 'a NUL byte', path: () => 'envs/production/apps/x\0.yaml', reason: 'it contains a NUL byte' },
    { name: 'a backslash', path: () => '..\\..\\sentinel\\pwned.yaml', reason: 'it contains a backslash' },
    { name: 'an empty path', path: () => '', reason: "it is not a plain relative path (an empty or '.' part)" },
    { name: 'an empty part', path: () => 'envs//pwned.yaml', reason: "it is not a plain relative path (an empty or '.' part)" },
    { name: 'a . part', path: () => './pwned.yaml', reason: "it is not a plain relative path (an empty or '.' part)" },
    { name: 'a trailing slash', path: () => 'envs/production/', reason: "it is not a plain relative path (an empty or '.' part)" },
    { name: "synth's marker", path: () => OUT_MARKER, reason: "it is the name of synth's own marker file" },
    {
      name: 'a file inside another file',
      path: () => 'envs/production/apps/x.yaml/y.yaml',
      with: { 'envs/production/apps/x.yaml': 'x\n' },
      reason: '"envs/production/apps/x.yaml" is also written as a file',
    },
  ];

  for (const c of bad) {
    it(`refuses ${c.name}: ConfigError, one line, nothing written inside or outside`, () => {
      const s = makeSandbox();
      const out = path.join(s.dir, 'a', 'out');
      writeOutDir(out, new Map([['charts/app/Chart.yaml', 'before\n']]));
      const before = snapshot(s.dir);
      const p = c.path(s);
      const files = new Map([['charts/app/Chart.yaml', 'after\n'], ...Object.entries(c.with ?? {}), [p, 'pwned\n']]);

      const thrown = catchError(() => writeOutDir(out, files));

      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).problems).toEqual([
        `${out}/: refusing to write ${JSON.stringify(p)}: ${c.reason}; nothing was written ` +
          '(generated paths come from app, env and object names: check charts-src/ and envs/)',
      ]);
      expect(snapshot(s.dir)).toEqual(before);
      expect(fs.readdirSync(s.sentinel)).toEqual(['keep.txt']);
    });
  }

  it('through synth: a refused path leaves out/ and the project as they were', async () => {
    const s = makeSandbox();
    await synth({ root: s.root, validate: false });
    const before = snapshot(s.dir);
    const files = new Map([...expected, ['envs/production/manifests/x/../../../../../sentinel/pwned.yaml', 'pwned\n']]);

    const thrown = await replaceOutDir(path.join(s.root, 'out'), files, { root: s.root, label: 'out/' }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toHaveLength(1);
    expect((thrown as ConfigError).problems[0]).toMatch(
      /^out\/: refusing to write "envs\/production\/manifests\/x\/\.\.\/.*": it contains '\.\.'; nothing was written /,
    );
    expect(snapshot(s.dir)).toEqual(before);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
