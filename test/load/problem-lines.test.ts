/**
 * Problems in env files name the line of the field they are about (`envs/x.yaml:12: apps.a.tag:
 * ...`), the way compilers do, so an editor or a CI annotation can jump there. The env files
 * here are written by hand, with every line numbered in a comment, so each expected line number
 * is read off the file, not computed by the code under test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument, LineCounter } from 'yaml';
import { problemParts } from '../../src/cli/io.js';
import { fieldPosition, fieldSegments } from '../../src/load/field-position.js';
import { makeProject, type Project } from '../support/project-fixture.js';
import { expectSynthRefused } from '../support/refused-synth.js';
import { run } from '../support/run.js';
import { REPO_ROOT } from '../support/project-fixture.js';

const PROD = 'envs/production.yaml';

/** A valid production env file; `{{apps}}` and `{{extra}}` are replaced per case. */
const prodFile = (apps: string, extra = ''): string =>
  [
    'name: production', // 1
    'namespace: production', // 2
    'domain: example.com', // 3
    'repo: ./.slipway/remotes/production.git', // 4
    'repoURL: https://git.example.com/production.git', // 5
    'promotesFrom: staging', // 6
    'pinnedTags: true', // 7
    'platform:', // 8
    '  - argo-rollouts', // 9
    '  - istio', // 10
    '  - prometheus', // 11
    '  - knative-serving', // 12
    'apps:', // 13
    apps, // 14...
    extra,
  ].join('\n') + '\n';

/** The three sample apps, lines 14–19. */
const APPS = [
  '  devops-toolkit:', // 14
  '    tag: "2.9.9"', // 15
  '  devops-paradox:', // 16
  '    tag: "1.71"', // 17
  '  go-demo-9:', // 18
  '    tag: "0.0.1"', // 19
].join('\n');

let project: Project | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

const cases: ReadonlyArray<{ name: string; text: string; expected: string[] }> = [
  {
    name: 'schema: an unknown top-level key, at its line',
    text: prodFile(APPS, 'promotion: direct\nreplica: 3'), // 20, 21
    expected: [`${PROD}:21: replica: unknown key`],
  },
  {
    name: "schema: a wrong type deep under an app, at the value's key",
    text: prodFile(APPS.replace('    tag: "1.71"', '    tag: "1.71"\n    replicas: many')), // replicas on 18
    expected: [`${PROD}:18: apps.devops-paradox.replicas: must be an integer, not string "many"`],
  },
  {
    name: 'schema: a required key missing under an app, at the app',
    text: prodFile(APPS.replace('    tag: "0.0.1"', '    replicas: 2')),
    expected: [`${PROD}:18: apps.go-demo-9.tag: required`],
  },
  {
    name: 'schema: a required top-level key missing has no line to point at',
    text: prodFile(APPS).replace('domain: example.com\n', ''),
    expected: [`${PROD}: domain: required`],
  },
  {
    name: 'policy: a floating tag where tags are pinned, at the tag',
    text: prodFile(APPS.replace('    tag: "2.9.9"', '    tag: latest')),
    expected: [`${PROD}:15: apps.devops-toolkit.tag: 'latest' floats; production pins tags (pinnedTags: true): use a version tag`],
  },
  {
    name: 'policy: an app no charts-src file defines, at its key',
    text: prodFile(`${APPS}\n  billing:\n    tag: "1.0.0"`), // billing on 20
    expected: [`${PROD}:20: apps.billing: no charts-src/billing.ts defines app 'billing'`],
  },
  {
    name: "policy: replicas far too high is the env file's, at its line",
    text: prodFile(APPS.replace('    tag: "0.0.1"', '    tag: "0.0.1"\n    replicas: 1e10')), // 20
    expected: [
      `${PROD}:20: apps.go-demo-9.replicas: 10000000000 is above 1000, the most pods slipway lets one app ask for (a guard against typos such as 1e10)`,
    ],
  },
  {
    name: 'policy: promotesFrom names no env, at its line',
    text: prodFile(APPS).replace('promotesFrom: staging', 'promotesFrom: qa'),
    expected: [`${PROD}:6: promotesFrom: no envs/qa.yaml`],
  },
  {
    name: "fleet: a cluster item's field, at the item's key",
    text: prodFile(
      APPS,
      [
        'clusters:', // 20
        '  - name: eu', // 21
        '    server: https://eu.example.com', // 22
        '  - name: eu', // 23
        '    server: https://us.example.com', // 24
      ].join('\n'),
    ),
    expected: [`${PROD}:23: clusters[1].name: 'eu' names two clusters; cluster names must be unique`],
  },
];

describe('env-file problems carry the line of their field', () => {
  it.each(cases)('$name', async ({ text, expected }) => {
    project = makeProject((p) => p.write(PROD, text));
    // Every expected line is compared as is: with its line number, or (where none) without one.
    await expectSynthRefused(project, expected, { exactPositions: true });
  });

  it('a refusal from generation (Knative feature without a KnativeServing) points at the app in each env file', async () => {
    project = makeProject((p) => p.write(PROD, prodFile(APPS).replace('  - knative-serving\n', '')));
    const error = await import('../../src/synth.js')
      .then(({ synth }) => synth({ root: project!.root, outDir: `${project!.root}/out`, validate: false }))
      .then(
        () => undefined,
        (e: { problems?: string[] }) => e,
      );
    const problems = error?.problems ?? [];
    expect(problems.length, String(error)).toBeGreaterThan(0);
    // Without the knative-serving line, devops-paradox is on line 15 of this production file.
    expect(problems.filter((l) => l.startsWith(`${PROD}:`))).toEqual([
      expect.stringMatching(/^envs\/production\.yaml:15: apps\.devops-paradox: uses .*capabilities\.add/),
    ]);
  });

  it("--strict-platform: an app whose delivery needs a component nobody installs, at the app's line", async () => {
    // No env on the cluster installs argo-rollouts, which devops-toolkit's canary needs; staging too.
    project = makeProject((p) => p.write(PROD, prodFile(APPS).replace('  - argo-rollouts\n', '')));
    const { synth } = await import('../../src/synth.js');
    const error = await synth({ root: project.root, outDir: `${project.root}/out`, validate: false, strictPlatform: true }).then(
      () => undefined,
      (e: { problems?: string[] }) => e,
    );
    // Without the argo-rollouts line, devops-toolkit is on line 13 of this production file.
    expect(error?.problems?.filter((l) => l.startsWith(`${PROD}:`))).toEqual([
      expect.stringMatching(/^envs\/production\.yaml:13: apps\.devops-toolkit: needs argo-rollouts on cluster /),
    ]);
  });

  it('synth --json: the error document has file, line and field; stderr shows the same line', async () => {
    project = makeProject((p) => p.write(PROD, prodFile(APPS.replace('    tag: "2.9.9"', '    tag: latest'))));
    const r = await run(process.execPath, [`${REPO_ROOT}/src/cli/slipway.mjs`, '--root', project.root, 'synth', '--json'], {
      cwd: project.root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.error).toMatchObject({ code: 'invalid_input', file: PROD, line: 15, field: 'apps.devops-toolkit.tag' });
    expect(doc.error).not.toHaveProperty('column');
  }, 60_000);
});

describe('problemParts: the JSON fields of a problem line', () => {
  it.each([
    ['envs/x.yaml:12: apps.web.tag: required', { file: 'envs/x.yaml', line: 12, field: 'apps.web.tag' }],
    ['envs/x.yaml:8:16: malformed YAML: Missing closing "quote', { file: 'envs/x.yaml', line: 8, column: 16 }],
    ['envs/x.yaml: domain: required', { file: 'envs/x.yaml', field: 'domain' }],
    ['charts-src/web.ts:3:7: cannot be loaded: Expected ";"', { file: 'charts-src/web.ts', line: 3, column: 7 }],
    ['staging: nothing answers there', {}],
  ])('%s', (line, parts) => {
    expect(problemParts(line)).toEqual(parts);
  });
});

describe("fieldPosition: a message's field path → its line in the YAML document", () => {
  const text = [
    'name: x', // 1
    'apps:', // 2
    '  web:', // 3
    '    tag: "1"', // 4
    '    delivery:', // 5
    '      canary:', // 6
    '        steps:', // 7
    '          - setWeight: 20', // 8
    '          - pause: {}', // 9
    'clusters:', // 10
    '  - name: a', // 11
  ].join('\n');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  it.each([
    ['name', 1],
    ['apps.web', 3],
    ['apps.web.tag', 4],
    ['apps.web.delivery.canary.steps[1]', 9],
    ['apps.web.delivery.canary.steps[1].pause', 9],
    ['apps.web.delivery.canary.steps[7]', 7], // no such step: the list
    ['apps.web.replicas', 3], // missing: the app it belongs to
    ['clusters[0].name', 11],
  ] as const)('%s → line %i', (field, line) => {
    expect(fieldPosition(doc, lineCounter, field)).toEqual({ line });
  });
  it('a path with no part in the document has no position', () => {
    expect(fieldPosition(doc, lineCounter, 'domain')).toBeUndefined();
    expect(fieldSegments('a.b[2][3].c')).toEqual(['a', 'b', 2, 3, 'c']);
  });
});
