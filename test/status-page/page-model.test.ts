/**
 * The status page's model and renderer on facts given by hand (the cases a sample does not
 * reach: three envs with siblings, an app absent from an env, a disabled one, an unreadable env
 * repo, GitHub and GitLab links, hostile strings), and the page's promises that do not need a
 * browser: deterministic bytes but for one element, nothing loaded from anywhere, data escaped.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/promotion/history.js';
import type { AppFacts, EnvFacts, StatusPageInput } from '../../src/status-page/page-input.js';
import { buildStatusPage, promotionOrder, type AppCell } from '../../src/status-page/page-model.js';
import { renderStatusPage } from '../../src/status-page/render-html.js';
import { repoWeb } from '../../src/status-page/web-links.js';

const promoted = (
  sha: string,
  date: string,
  from: string | undefined,
  to: string,
  who = 'ann',
  extra: Partial<HistoryEntry> = {},
): HistoryEntry => ({
  sha,
  date,
  who,
  kind: 'promote',
  ...(from ? { from } : {}),
  to,
  title: `promote x ${from} → ${to}`,
  ...extra,
});
const bootstrap = (sha: string, date: string): HistoryEntry => ({ sha, date, who: 'slipway', kind: 'other', title: 'bootstrap' });

function app(name: string, declared: string, committed: string | undefined, more: Partial<AppFacts> = {}): AppFacts {
  return { app: name, enabled: true, declared, ...(committed ? { committed } : {}), history: [], historyComplete: true, ...more };
}

function env(name: string, promotesFrom: string | undefined, apps: AppFacts[], more: Partial<EnvFacts> = {}): EnvFacts {
  return {
    name,
    promotesFrom,
    promotion: promotesFrom ? 'pr' : 'direct',
    render: 'helm',
    repo: { kind: 'github', location: `my-org/env-${name}`, branch: 'main', url: `https://github.com/my-org/env-${name}.git` },
    clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }],
    head: `${name}0000000000000000000000000000000000`.slice(0, 40),
    platform: [],
    apps,
    ...more,
  };
}

const T1 = '2026-05-01T10:00:00Z';
const T2 = '2026-05-02T11:30:00+02:00';

function sampleInput(generatedAt = '2026-05-03T08:00:00.000Z'): StatusPageInput {
  return {
    generatedAt,
    historyLimit: 2,
    disagreements: [
      { message: 'production: api is 1.1 in the env repo but 1.0 in envs/production.yaml', reconcile: 'slipway pull --env production' },
    ],
    envs: [
      // Given out of order: the model puts each after the env it promotes from.
      env('production', 'staging', [
        app('api', '1.0', '1.1', {
          history: [
            promoted('p2', T2, '1.0', '1.1', 'carol', { merged: { sha: 'p2', by: 'carol', pullRequest: 7, promotedBy: 'ann' } }),
            bootstrap('p1', T1),
          ],
        }),
        app('web', '2.0', '2.0', {
          history: [promoted('w2', T2, '1.9', '2.0')],
          pending: {
            branch: 'slipway/promote-production-web',
            head: 'b1',
            pullRequest: { number: 9, url: 'https://github.com/my-org/env-production/pull/9' },
            tag: '2.1',
          },
        }),
        { app: 'old', enabled: false, declared: '0.1', history: [], historyComplete: true },
      ]),
      env('staging', undefined, [
        app('api', '1.1', '1.1', { history: [promoted('s3', T2, '1.0', '1.1'), promoted('s2', T1, '0.9', '1.0'), bootstrap('s1', T1)] }),
        app('web', '2.1', '2.1', { history: [promoted('sw', T2, '2.0', '2.1', 'bob', { kind: 'rollback', forced: 'bad <b>build</b>' })] }),
        // Only in staging: empty in production, not an error.
        app('tool', '0.0.1', '0.0.1', { history: [bootstrap('t1', T1)] }),
      ]),
      env('qa', 'staging', [app('api', '1.1', undefined)], {
        repo: { kind: 'url', location: 'git@gitlab.com:my-org/env-qa.git', branch: 'main', url: 'https://gitlab.com/my-org/env-qa.git' },
      }),
      env('dr', 'production', [app('api', '1.0', undefined)], { unreadable: 'dr: connection refused', platform: [] }),
    ],
  };
}

const cell = (page: ReturnType<typeof buildStatusPage>, appName: string, envName: string) =>
  page.apps.find((a) => a.app === appName)!.cells[page.envs.findIndex((e) => e.name === envName)]!;

describe('promotionOrder', () => {
  it.each([
    { name: 'a chain, given backwards', envs: [['prod', 'stage'], ['stage', 'dev'], ['dev']], expected: ['dev', 'stage', 'prod'] },
    {
      name: 'siblings by name, each after its parent',
      envs: [['qa', 'dev'], ['prod', 'stage'], ['stage', 'dev'], ['dev']],
      expected: ['dev', 'qa', 'stage', 'prod'],
    },
    { name: 'an upstream not shown counts as none', envs: [['prod', 'stage']], expected: ['prod'] },
    { name: 'a cycle ends up after the rest, by name', envs: [['b', 'a'], ['a', 'b'], ['z']], expected: ['z', 'a', 'b'] },
  ])('$name', ({ envs, expected }) => {
    expect(promotionOrder(envs.map(([name, from]) => ({ name: name!, promotesFrom: from }))).map((e) => e.name)).toEqual(expected);
  });
});

describe('buildStatusPage', () => {
  const page = buildStatusPage(sampleInput());

  it('columns in promotion order, rows by app, an edge per promotesFrom', () => {
    expect(page.envs.map((e) => e.name)).toEqual(['staging', 'production', 'dr', 'qa']);
    expect(page.apps.map((a) => a.app)).toEqual(['api', 'old', 'tool', 'web']);
    expect(page.edges).toEqual([
      { from: 'staging', to: 'production' },
      { from: 'production', to: 'dr' },
      { from: 'staging', to: 'qa' },
    ]);
  });

  it('cells: drift, lag behind the upstream, a pending pull request with its tag, absent, disabled, unknown, not deployed', () => {
    expect(cell(page, 'api', 'production')).toMatchObject({ kind: 'app', running: '1.1', declared: '1.0', drift: true });
    expect((cell(page, 'api', 'production') as AppCell).lag).toBeUndefined();
    expect(cell(page, 'web', 'production')).toMatchObject({
      drift: false,
      lag: { env: 'staging', tag: '2.1' },
      pending: {
        branch: 'slipway/promote-production-web',
        tag: '2.1',
        url: 'https://github.com/my-org/env-production/pull/9',
        label: 'pull request #9',
      },
    });
    expect(cell(page, 'tool', 'production')).toEqual({ kind: 'absent' });
    expect(cell(page, 'old', 'production')).toEqual({ kind: 'disabled', declared: '0.1' });
    expect(cell(page, 'api', 'dr')).toEqual({ kind: 'unknown', declared: '1.0' });
    expect(cell(page, 'api', 'qa')).toMatchObject({ kind: 'app', running: undefined, drift: false });
    expect(page.counts).toEqual({ pending: 1, drifted: 1, lagging: 1 });
  });

  it('ahead, not lagging: the upstream runs a tag this env ran before (a hotfix here, a rollback there)', () => {
    const hotfix = buildStatusPage({
      ...sampleInput(),
      envs: [
        env('staging', undefined, [app('api', '1.0', '1.0')]),
        env('production', 'staging', [app('api', '1.1', '1.1', { history: [promoted('h', T2, '1.0', '1.1', 'bob', { forced: 'CVE' })] })]),
      ],
    });
    expect(cell(hotfix, 'api', 'production')).toMatchObject({ ahead: { env: 'staging', tag: '1.0' } });
    expect((cell(hotfix, 'api', 'production') as AppCell).lag).toBeUndefined();
    expect(hotfix.counts.lagging).toBe(0);
    expect(renderStatusPage(hotfix)).toContain('<td class="cell ahead" data-env="production" data-app="api" data-state="ahead">');
  });

  it('landed: the newest promotion to the running tag (a merge: who merged), else the first commit of a complete history', () => {
    expect((cell(page, 'api', 'production') as AppCell).landed).toEqual({
      date: T2,
      who: 'carol',
      sha: 'p2',
      kind: 'promote',
      url: 'https://github.com/my-org/env-production/commit/p2',
    });
    expect((cell(page, 'tool', 'staging') as AppCell).landed).toMatchObject({ sha: 't1', kind: 'other', who: 'slipway' });
    expect((cell(page, 'web', 'staging') as AppCell).landed).toMatchObject({ kind: 'rollback', who: 'bob' });
    // A newer promotion to another tag: the running one's landing is unknown, never a wrong one.
    const moved = buildStatusPage({
      ...sampleInput(),
      envs: [
        env('staging', undefined, [
          app('api', '1.1', '1.1', { history: [promoted('n', T2, '1.1', '1.2'), promoted('o', T1, '1.0', '1.1')] }),
        ]),
      ],
    });
    expect((cell(moved, 'api', 'staging') as AppCell).landed).toBeUndefined();
    // An incomplete history with only other commits: unknown too.
    const cut = buildStatusPage({
      ...sampleInput(),
      envs: [env('staging', undefined, [app('api', '1.1', '1.1', { history: [bootstrap('b', T1)], historyComplete: false })])],
    });
    expect((cell(cut, 'api', 'staging') as AppCell).landed).toBeUndefined();
  });

  it('history: promotions only, at most the limit, with merges, rollbacks and forced reasons', () => {
    const api = page.apps.find((a) => a.app === 'api')!;
    expect(api.history.map((h) => h.env)).toEqual(['staging', 'production', 'qa']);
    expect(api.history[0]!.entries.map((e) => e.sha)).toEqual(['s3', 's2']);
    expect(api.history[1]!.entries).toEqual([
      {
        date: T2,
        who: 'carol',
        kind: 'promote',
        from: '1.0',
        to: '1.1',
        via: '#7 merged by carol, promoted by ann',
        sha: 'p2',
        url: 'https://github.com/my-org/env-production/commit/p2',
      },
    ]);
    const web = page.apps.find((a) => a.app === 'web')!;
    expect(web.history[0]!.entries[0]).toMatchObject({ kind: 'rollback', forced: 'bad <b>build</b>' });
  });
});

describe('repoWeb', () => {
  it.each([
    {
      name: 'GitHub',
      repo: { kind: 'github', location: 'o/r' },
      commit: 'https://github.com/o/r/commit/abc',
      branch: 'https://github.com/o/r/tree/a/b',
    },
    {
      name: 'GitHub Enterprise',
      repo: { kind: 'github', location: 'o/r', githubApiUrl: 'https://ghe.example.com/api/v3' },
      commit: 'https://ghe.example.com/o/r/commit/abc',
      branch: 'https://ghe.example.com/o/r/tree/a/b',
    },
    {
      name: 'a github.com URL, credentials dropped',
      repo: { kind: 'url', location: 'https://x:tok@github.com/o/r.git' },
      commit: 'https://github.com/o/r/commit/abc',
      branch: 'https://github.com/o/r/tree/a/b',
    },
    {
      name: "GitLab over ssh (git's scp form)",
      repo: { kind: 'url', location: 'git@gitlab.com:g/s/r.git' },
      commit: 'https://gitlab.com/g/s/r/-/commit/abc',
      branch: 'https://gitlab.com/g/s/r/-/tree/a/b',
    },
    { name: 'another host: no guess', repo: { kind: 'url', location: 'https://git.example.com/o/r.git' } },
    { name: 'a local path: no page', repo: { kind: 'path', location: './.slipway/remotes/x.git' } },
    { name: 'GitHub behind an API URL of unknown shape', repo: { kind: 'github', location: 'o/r', githubApiUrl: 'http://127.0.0.1:9/' } },
  ] as const)('$name', ({ repo, name: _name, ...expected }) => {
    const web = repoWeb({ branch: 'main', url: '', ...repo });
    expect(web ? { commit: web.commit('abc'), branch: web.branch('a/b') } : {}).toEqual(expected);
  });
});

describe('renderStatusPage', () => {
  const html = renderStatusPage(buildStatusPage(sampleInput()));

  it('is the same bytes for the same facts, but for the one element that holds the generation time', () => {
    const later = renderStatusPage(buildStatusPage(sampleInput('2027-01-01T00:00:00.000Z')));
    expect(later).not.toBe(html);
    const without = (text: string) => text.replace(/<time id="generated-at"[^>]*>[^<]*<\/time>/, '');
    expect(without(later)).toBe(without(html));
    expect(html.split('2026-05-03T08:00').length - 1).toBe(1);
    expect(renderStatusPage(buildStatusPage(sampleInput()))).toBe(html);
  });

  it('loads nothing: no src, no stylesheet link, a policy that forbids every fetch', () => {
    expect(html).not.toMatch(/\ssrc=|<link\b|@import|url\(\s*['"]?https?:/i);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/=]+'/,
    );
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('data is text, never markup; links only to http(s)', () => {
    expect(html).toContain('bad &#60;b&#62;build&#60;/b&#62;');
    expect(html).not.toContain('<b>build');
    const hostile = renderStatusPage(
      buildStatusPage({
        ...sampleInput(),
        envs: [
          env('staging', undefined, [
            app('api', '"><script>alert(1)</script>', '1', {
              pending: { branch: 'b', head: 'h', pullRequest: { number: 1, url: 'javascript:alert(1)' } },
            }),
          ]),
        ],
      }),
    );
    expect(hostile).not.toContain('<script>alert');
    expect(hostile).not.toContain('href="javascript:');
    expect(hostile).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('table semantics: column and row headers, a caption per table', () => {
    expect(html).toContain('<th scope="col" id="col-staging">');
    expect(html).toContain('<th scope="row"><a href="#app-api">api</a></th>');
    expect((html.match(/<table/g) ?? []).length).toBe((html.match(/<caption>/g) ?? []).length);
  });
});

describe('status --html --registry: the registry marker', () => {
  const D = `sha256:${'ab'.repeat(32)}`;
  const input = (): StatusPageInput => ({
    ...sampleInput(),
    envs: [
      env('staging', undefined, [
        app('api', '1.1', '1.1', { registry: { policy: 'semver ~1', newest: '1.3', state: 'newer' } }),
        app('web', '2.1', `2.1@sha256:${'cd'.repeat(32)}`, { registry: { policy: 'semver ~2', newest: '2.1', digest: D, state: 'newer' } }),
        app('tool', '0.1', '0.1', { registry: { policy: 'semver ~0.1', newest: '0.1', state: 'up-to-date' } }),
        app('db', '5', '5', { registry: { policy: 'semver ~7', newest: null, state: 'no-match' } }),
        app('q', '1', '1', { registry: { policy: 'semver ~1', newest: null, state: 'error', error: 'q: connection <refused>' } }),
        app('plain', '1', '1'),
      ]),
    ],
  });
  const page = buildStatusPage(input());
  const html = renderStatusPage(page);
  const td = (a: string) => new RegExp(`<td [^>]*data-app="${a}"[^>]*>.*?</td>`).exec(html)![0];

  it('newer (digest on hover), pushed again, no match, unreadable; up to date and no policy: nothing', () => {
    expect((cell(page, 'api', 'staging') as AppCell).registry).toEqual({ kind: 'newer', tag: '1.3', repushed: false });
    expect((cell(page, 'web', 'staging') as AppCell).registry).toEqual({ kind: 'newer', tag: '2.1', digest: D, repushed: true });
    expect(td('api')).toContain('<span class="marker registry newer"><span class="tag">1.3</span> available</span>');
    expect(td('web')).toContain(`<span class="marker registry newer"><span class="tag" title="${D}">2.1</span> pushed again</span>`);
    expect(td('db')).toContain('<span class="marker registry">no registry tag matches semver ~7</span>');
    expect(td('q')).toContain('<span class="marker registry" title="q: connection &#60;refused&#62;">registry unreadable</span>');
    expect(td('tool')).not.toContain('marker registry');
    expect(td('plain')).not.toContain('marker registry');
    expect(html).toContain('<li><span class="marker registry newer">2.0 available</span>');
  });

  it('a page made without --registry has no registry legend', () => {
    expect(renderStatusPage(buildStatusPage(sampleInput()))).not.toContain('marker registry');
  });
});
