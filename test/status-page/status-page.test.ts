/**
 * `slipway status --html` on the sample after a few promotions (test/support/status-sample.ts:
 * real git, env repos with known histories): the model the page is made from, the command's
 * contract (atomic file, stdout, refused input, determinism, no token), and the page in headless
 * Chromium as a person sees it, with a screenshot kept in test/.artifacts/ and no network request.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherStatusPage } from '../../src/status-page/gather.js';
import type { StatusPageInput } from '../../src/status-page/page-input.js';
import { buildStatusPage, type AppCell, type StatusPage } from '../../src/status-page/page-model.js';
import { renderStatusPage } from '../../src/status-page/render-html.js';
import { CHROMIUM, CHROMIUM_MISSING, openChromium } from '../support/chromium.js';
import { makeProject, REPO_ROOT } from '../support/project-fixture.js';
import { git } from '../support/git-id.js';
import { commitAsPlatformRepo } from '../support/platform-origin.js';
import { run } from '../support/run.js';
import { makeStatusSample, type StatusSample } from '../support/status-sample.js';

const ARTIFACTS = join(REPO_ROOT, 'test', '.artifacts');
const browserTest = CHROMIUM || process.env.CI ? it : it.skip;
if (!CHROMIUM && !process.env.CI) console.log(`[slipway] ${CHROMIUM_MISSING}: the status page's browser test is skipped`);

let sample: StatusSample;
let input: StatusPageInput;
let page: StatusPage;

beforeAll(async () => {
  sample = await makeStatusSample();
  ({ input } = await gatherStatusPage({
    root: sample.root,
    environment: process.env,
    log: () => {},
    historyLimit: 10,
    generatedAt: '2026-01-01T00:00:00.000Z',
  }));
  page = buildStatusPage(input);
}, 300_000);
afterAll(() => sample?.cleanup());

const cellOf = (app: string, env: string) =>
  page.apps.find((a) => a.app === app)!.cells[page.envs.findIndex((e) => e.name === env)] as AppCell;
const envHead = (env: string) => input.envs.find((e) => e.name === env)!.head!;

/** `slipway status --html <root>/status.html -q` on a platform repo: the run and the page's path. */
async function statusHtml(root: string) {
  const file = join(root, 'status.html');
  const r = await run(process.execPath, [
    join(REPO_ROOT, 'src/cli/slipway.mjs'),
    '--root',
    root,
    '--no-color',
    'status',
    '--html',
    file,
    '-q',
  ]);
  return { r, file };
}

describe('the model, from the sample env repos', () => {
  it('envs in promotion order; the tags each env repo holds, drift from envs/, lag behind staging, the pending promotion', () => {
    expect(page.envs.map((e) => e.name)).toEqual(['staging', 'production']);
    expect(page.edges).toEqual([{ from: 'staging', to: 'production' }]);
    const running = Object.fromEntries(page.apps.map((a) => [a.app, a.cells.map((c) => (c as AppCell).running)]));
    expect(running).toEqual({
      'devops-paradox': ['1.71', '1.72'],
      'devops-toolkit': ['2.9.18', '2.9.18'],
      'go-demo-9': ['0.0.2', '0.0.1'],
    });
    expect(cellOf('devops-toolkit', 'production')).toMatchObject({
      declared: '2.9.9',
      drift: true,
      landed: { who: 'carol', kind: 'promote' },
    });
    expect(cellOf('devops-toolkit', 'production').lag).toBeUndefined();
    expect(cellOf('go-demo-9', 'production')).toMatchObject({
      drift: false,
      lag: { env: 'staging', tag: '0.0.2' },
      pending: { branch: 'slipway/promote-production-go-demo-9', tag: '0.0.2', label: 'slipway/promote-production-go-demo-9' },
      landed: { who: 'slipway', kind: 'other' },
    });
    // A local path has no web page: nothing to link to.
    expect(cellOf('go-demo-9', 'production').pending!.url).toBeUndefined();
    expect(cellOf('go-demo-9', 'staging')).toMatchObject({ drift: false, landed: { who: 'bob', kind: 'rollback' } });
    // The forced hotfix moved production past the tag staging runs: ahead, not lagging.
    expect(cellOf('devops-paradox', 'production')).toMatchObject({ ahead: { env: 'staging', tag: '1.71' }, landed: { who: 'bob' } });
    expect(cellOf('devops-paradox', 'production').lag).toBeUndefined();
    expect(page.counts).toEqual({ pending: 1, drifted: 1, lagging: 1 });
    expect(page.disagreements.map((d) => d.reconcile)).toEqual(['slipway pull --env production']);
  });

  it("each app's promotions per env, newest first, with rollbacks, merges and forced reasons; delivery and platform as committed", () => {
    const history = (app: string, env: string) => page.apps.find((a) => a.app === app)!.history.find((h) => h.env === env)!.entries;
    expect(history('go-demo-9', 'staging').map((e) => [e.kind, e.from, e.to, e.who])).toEqual([
      ['rollback', '0.0.3', '0.0.2', 'bob'],
      ['promote', '0.0.2', '0.0.3', 'ann'],
      ['promote', '0.0.1', '0.0.2', 'ann'],
    ]);
    expect(history('go-demo-9', 'production')).toEqual([]);
    expect(history('devops-paradox', 'production')).toMatchObject([
      { kind: 'promote', from: '1.71', to: '1.72', who: 'bob', forced: 'CVE-2026-0001 hotfix, verified by hand' },
    ]);
    expect(history('devops-toolkit', 'production')).toMatchObject([
      { from: '2.9.9', to: '2.9.18', who: 'carol', via: 'slipway/promote-production-devops-toolkit merged by carol, promoted by ann' },
    ]);
    expect(history('devops-toolkit', 'production')[0]!.sha).toBe(envHead('production'));
    const delivery = (app: string) => Object.fromEntries(page.apps.find((a) => a.app === app)!.delivery.map((d) => [d.env, d.delivery]));
    expect(delivery('devops-toolkit').staging).toEqual({
      kind: 'canary',
      steps: [{ setWeight: 20 }, { pause: '10s' }, { setWeight: 60 }, { pause: '10s' }],
      analysis: undefined,
    });
    expect(delivery('devops-paradox')).toEqual({
      staging: { kind: 'knative', minScale: 0, maxScale: 3 },
      production: { kind: 'knative', minScale: 1, maxScale: 5 },
    });
    const production = page.envs[1]!;
    expect(production.platform.map((p) => p.component)).toEqual([
      'argo-cd',
      'argo-rollouts',
      'grafana',
      'istio',
      'knative-serving',
      'loki',
      'prometheus',
    ]);
    expect(production.platform.find((p) => p.component === 'istio')!.pins.map((p) => `${p.chart}@${p.version}`)).toEqual([
      'base@1.30.3',
      'gateway@1.30.3',
      'istiod@1.30.3',
    ]);
    expect(page.envs[0]!.platform).toEqual([]);
    expect(production.clusters).toEqual([{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }]);
  });
});

describe('slipway status --html', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', sample.root, '--no-color', ...args], {
      env: { ...process.env, ...env },
    });

  it('writes the file whole (no temporary left) and still prints the table; - prints the page alone; same bytes but the generation time', async () => {
    const dir = join(sample.root, '.slipway', 'pages');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'status.html');
    writeFileSync(file, 'old');
    const written = await cli(['status', '--html', file], { SOURCE_DATE_EPOCH: '1767225600' });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/^app\s+env\s+envs\/\s+env repo\s+pending\s+state$/m);
    expect(written.stderr).toContain(`wrote the status page to ${file}`);
    expect(readdirSync(dir)).toEqual(['status.html']);
    const first = readFileSync(file, 'utf8');
    expect(first).toContain('<time id="generated-at" datetime="2026-01-01T00:00:00.000Z">2026-01-01 00:00 UTC</time>');

    const piped = await cli(['status', '--html', '-'], { SOURCE_DATE_EPOCH: '1767312000' });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(piped.stdout).not.toMatch(/^app\s+env/m);
    const without = (html: string) => html.replace(/<time id="generated-at"[^>]*>[^<]*<\/time>/, '');
    expect(piped.stdout).not.toBe(first);
    expect(without(piped.stdout)).toBe(without(first));
  }, 120_000);

  it('fetches no env repo branch again: the page and its histories read on from what status fetched', async () => {
    // --verbose names each git command after its env; status alone is the yardstick, and the page
    // adds one read of each distinct branch pending review (the tag it would bring).
    const fetches = (stderr: string, env: string) => stderr.split('\n').filter((l) => l.startsWith(`${env}: git fetch `)).length;
    const plain = await cli(['status', '--verbose']);
    const page = await cli(['status', '--html', '-', '--verbose']);
    const json = await cli(['status', '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(page.code, page.stderr).toBe(0);
    const rows = (JSON.parse(json.stdout) as { rows: Array<{ env: string; pending?: { branch: string } }> }).rows;
    for (const env of ['staging', 'production']) {
      const pending = new Set(rows.filter((r) => r.env === env && r.pending).map((r) => r.pending!.branch));
      expect(fetches(plain.stderr, env), env).toBeGreaterThan(0);
      expect(fetches(page.stderr, env), env).toBe(fetches(plain.stderr, env) + pending.size);
    }
    expect(rows.some((r) => r.pending)).toBe(true); // the sample has a branch pending review
  }, 120_000);

  it('refuses bad input with one line and writes nothing: a missing folder, --history out of range, --html - with --json', async () => {
    const missing = await cli(['status', '--html', join(sample.root, 'no-such-dir', 'x.html')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([
      `error: --html ${join(sample.root, 'no-such-dir', 'x.html')}: the folder ${join(sample.root, 'no-such-dir')} does not exist`,
    ]);
    const history = await cli(['status', '--html', '-', '--history', '0']);
    expect(history.code).toBe(1);
    expect(history.stdout).toBe('');
    expect(history.stderr).toContain("--history '0': expected a whole number of promotions from 1 to 9999");
    const json = await cli(['status', '--html', '-', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error.message).toBe('--html - and --json both write to stdout: give --html a file name');
  }, 120_000);

  it("env repos that cannot be read: one error line each, status's exit code, and the page still written, saying so", async () => {
    const fresh = makeProject();
    try {
      const { r, file } = await statusHtml(fresh.root);
      expect(r.code).toBe(1);
      expect(
        r.stderr
          .trim()
          .split('\n')
          .map((l) => l.replace(/^(error: [^:]+):.*/, '$1')),
      ).toEqual(['error: production', 'error: staging']);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('<td class="cell unknown" data-env="production" data-app="go-demo-9" data-state="unknown">');
      expect(html).toMatch(/<dt>read<\/dt><dd class="marker lag">could not be read: [^<]*production\.git/);
    } finally {
      fresh.cleanup();
    }
  }, 120_000);

  it("a platform repo whose remote cannot be read: status's line, and the page says it too", async () => {
    const fresh = makeProject();
    try {
      commitAsPlatformRepo(fresh.root);
      // The env repos bootstrapped first: the exit code then comes from the platform remote alone.
      const boot = await run(process.execPath, [join(REPO_ROOT, 'src/cli/slipway.mjs'), '--root', fresh.root, 'bootstrap', '-q']);
      expect(boot.code, boot.stderr).toBe(0);
      git(fresh.root, 'remote', 'add', 'origin', join(fresh.root, 'no-such-platform.git'));
      const { r, file } = await statusHtml(fresh.root);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: .*no-such-platform\.git/m);
      const html = readFileSync(file, 'utf8');
      expect(html).toMatch(/the platform repo(&#39;|&#x27;|')s remote could not be read: [^<]*no-such-platform\.git/);
    } finally {
      fresh.cleanup();
    }
  }, 120_000);

  it('a token slipway holds never reaches the page', async () => {
    const token = 'CVE-2026-0001 hotfix';
    const r = await cli(['status', '--html', '-', '-q'], { SLIPWAY_GIT_TOKEN: token });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('***, verified by hand');
    expect(r.stdout).not.toContain(token);
  }, 120_000);
});

describe('in a browser', () => {
  browserTest(
    'what a person sees: the matrix, its markers, the links, the history, the graph; light and dark; no network request',
    async () => {
      if (!CHROMIUM) throw new Error(`${CHROMIUM_MISSING}; with CI set that fails instead of skipping`);
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = join(ARTIFACTS, 'status-page.html');
      writeFileSync(file, renderStatusPage(page));
      // The same env repos as if they lived on GitHub: commits and branches get links.
      const onGitHub = buildStatusPage({
        ...input,
        envs: input.envs.map((e) => ({ ...e, repo: { ...e.repo, kind: 'github' as const, location: `my-org/slipway-${e.name}` } })),
      });
      const linked = join(ARTIFACTS, 'status-page-github.html');
      writeFileSync(linked, renderStatusPage(onGitHub));

      for (const scheme of ['light', 'dark'] as const) {
        const browser = await openChromium({ colorScheme: scheme });
        try {
          const tab = await browser.context.newPage();
          const requests: string[] = [];
          const refused: string[] = [];
          tab.on('request', (r) => requests.push(r.url()));
          tab.on('console', (m) => refused.push(m.text()));
          await tab.goto(`file://${file}`);

          // The matrix: columns in promotion order, one row per app.
          expect(await tab.locator('table.matrix thead th').allInnerTexts()).toEqual(['App', 'staging', 'production ← staging']);
          expect(await tab.locator('table.matrix tbody th[scope="row"]').allInnerTexts()).toEqual([
            'devops-paradox',
            'devops-toolkit',
            'go-demo-9',
          ]);
          const td = (app: string, env: string) => tab.locator(`td[data-app="${app}"][data-env="${env}"]`);

          // Pending in production, lagging staging.
          const pending = td('go-demo-9', 'production');
          expect(await seen(pending.locator('.tag').first())).toBe('0.0.1');
          expect(await seen(pending.locator('.marker.lag'))).toBe('↓ behind staging, which runs 0.0.2');
          expect(await seen(pending.locator('.marker.pending'))).toBe('… pending 0.0.2: slipway/promote-production-go-demo-9');
          expect(await pending.getAttribute('data-state')).toBe('lagging pending');
          // Drifted: the env repo has what envs/ does not.
          const drifted = td('devops-toolkit', 'production');
          expect(await seen(drifted.locator('.marker.drift'))).toBe('≠ envs/ has 2.9.9');
          expect(await seen(drifted.locator('.landed'))).toMatch(/^(just now|\d+ (minute|hour)s? ago) by carol$/);
          expect(await seen(td('go-demo-9', 'staging').locator('.landed'))).toMatch(/^rolled back .* by bob$/);
          // Lagging cells look different from the others (not by colour alone: the marker says it).
          expect(await seen(td('devops-paradox', 'production').locator('.marker.ahead'))).toBe(
            '↑ ahead of staging, which runs 1.71 (ran here before)',
          );
          const shadow = (app: string, env: string) =>
            td(app, env).evaluate((el) => (globalThis as any).getComputedStyle(el).boxShadow as string);
          expect(await shadow('go-demo-9', 'production')).not.toBe('none');
          expect(await shadow('devops-toolkit', 'production')).toBe('none');
          expect(await shadow('devops-paradox', 'production')).toBe('none');

          // Markers and text readable: WCAG AA contrast in both schemes.
          for (const selector of ['.marker.drift', '.marker.lag', '.marker.ahead', '.marker.pending', '.landed', 'caption', 'td .tag']) {
            const ratio = await tab.locator(selector).first().evaluate(contrastRatio);
            expect(ratio, `${selector} (${scheme})`).toBeGreaterThanOrEqual(4.5);
          }

          // In-page links work; history and the graph are there.
          await tab.locator('table.matrix a[href="#app-go-demo-9"]').click();
          expect(await tab.evaluate(() => (globalThis as any).location.hash as string)).toBe('#app-go-demo-9');
          const rows = tab.locator('table.history[data-app="go-demo-9"][data-env="staging"] tbody tr');
          expect(await rows.count()).toBe(3);
          expect(await seen(rows.first())).toMatch(/0\.0\.3 → 0\.0\.2\s+bob\s+rollback/);
          expect(await seen(tab.locator('table.history[data-app="devops-paradox"][data-env="production"]'))).toContain(
            'forced: CVE-2026-0001 hotfix, verified by hand',
          );
          expect(await tab.locator('svg.graph title').textContent()).toBe('Promotion graph: staging promotes to production');
          expect(await tab.locator('svg.graph .node-name').allTextContents()).toEqual(['staging', 'production']);
          // Printing hides the navigation and keeps the tables.
          await tab.emulateMedia({ media: 'print' });
          expect(await tab.locator('nav').isVisible()).toBe(false);
          expect(await tab.locator('table.matrix').isVisible()).toBe(true);
          await tab.emulateMedia({ media: 'screen' });
          await tab.screenshot({ path: join(ARTIFACTS, `status-page-${scheme}.png`), fullPage: true });

          // With a web host, commits and pending branches link to it.
          await tab.goto(`file://${linked}`);
          const head = envHead('production');
          expect(await tab.locator(`a[href="https://github.com/my-org/slipway-production/commit/${head}"]`).count()).toBeGreaterThanOrEqual(
            2,
          );
          expect(await tab.locator('td[data-app="go-demo-9"][data-env="production"] .marker.pending a').getAttribute('href')).toBe(
            'https://github.com/my-org/slipway-production/tree/slipway/promote-production-go-demo-9',
          );

          // Only the two files themselves were requested; nothing was refused by the page's policy.
          expect(requests).toEqual([`file://${file}`, `file://${linked}`]);
          expect(refused).toEqual([]);
        } finally {
          await browser.close();
        }
      }
    },
    180_000,
  );
});

/** The text as rendered (CSS applied, hidden parts left out): what a person reads, not the DOM's text. */
function seen(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point here
  return locator.innerText();
}

/** WCAG contrast of an element's text against its (first non-transparent) background, in the browser. */
function contrastRatio(el: any): number {
  const getComputedStyle = (e: any) => (globalThis as any).getComputedStyle(e);
  const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
  let bg: number[] = [];
  for (let e: any = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3]! > 0)) {
      bg = c;
      break;
    }
  }
  if (bg.length === 0) bg = [255, 255, 255];
  const lum = ([r, g, b]: number[]) =>
    [r!, g!, b!]
      .map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
