/**
 * Hostile or careless input (issue 11, "Hardening"), one mistake at a time, as in
 * bad-input.test.ts: slipway answers with exact one-line problems naming file and field (and
 * line, for YAML), exit 1 rather than a stack trace or a hang, and writes nothing.
 *
 *   - two envs writing one env repo (however its location is spelled);
 *   - a second definition shadowing the first (`go-demo-9.js` beside `go-demo-9.ts`);
 *   - names that collide: reserved app names, Argo CD objects, objects in one namespace;
 *   - control characters, in env files (raw or escaped) and in app definitions;
 *   - files that are not regular files, or too large; counts far beyond sense;
 *   - YAML that expands (alias bombs), aliases without anchors, empty files;
 *   - messages that must name the key, the line, the file that is really at fault.
 *
 * Then what must keep working (a shared repo on another branch, an env file symlinked to a regular
 * file, newlines in values, modest aliases), and the warnings loadProject returns.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES } from '../../src/load/input-guards.js';
import { loadProject } from '../../src/load/load-project.js';
import { synth } from '../../src/synth.js';
import { makeProject, type Mutate, type Project } from '../support/project-fixture.js';
import { expectSynthRefused } from '../support/refused-synth.js';

interface HardeningCase {
  readonly name: string;
  readonly mutate: Mutate;
  /** Every line `problems` must hold, and nothing else. */
  readonly expected: readonly string[];
}

const PROD = 'envs/production.yaml';
const STAGING = 'envs/staging.yaml';
const TOOLKIT = 'charts-src/devops-toolkit.ts';
const GO_DEMO = 'charts-src/go-demo-9.ts';
const PARADOX = 'charts-src/devops-paradox.ts';

const CONTROL_RULE = 'strings may hold no control characters but tab and newline';
const CEILING = 'is above 1000, the most pods slipway lets one app ask for (a guard against typos such as 1e10)';
const SAME_REPO = "bootstrap and promotions would overwrite one env's repo with the other's: give each env its own repo (or branch)";
const RENAME = 'one would replace the other: rename the app or the env';
const NOT_REGULAR = 'env files must be regular files (a symlink to one is fine)';

/** Head of a small, otherwise valid production env file (line numbers stay put). */
const PROD_HEAD =
  [
    'name: production', // 1
    'namespace: production', // 2
    'domain: example.com', // 3
    'repo: my-org/production', // 4
    'pinnedTags: true', // 5
    'apps:', // 6
  ].join('\n') + '\n';

/** A new app `name` in charts-src, a copy of go-demo-9 (a plain Deployment app). */
function addApp(p: Project, name: string): void {
  p.write(`charts-src/${name}.ts`, p.read(GO_DEMO).replace("name: 'go-demo-9',", `name: '${name}',`));
}

/** A new env file `envs/<name>.yaml` on its own GitHub repo and namespace, deploying `apps` (tag 1.0.0). */
function addEnv(p: Project, name: string, apps: readonly string[], extra = ''): void {
  p.write(
    `envs/${name}.yaml`,
    [
      `name: ${name}`,
      `namespace: ${name}`,
      'domain: example.com',
      `repo: my-org/${name}`,
      ...(extra ? [extra] : []),
      apps.length ? 'apps:' : 'apps: {}',
      ...apps.map((a) => `  ${a}:\n    tag: "1.0.0"`),
    ].join('\n') + '\n',
  );
}

/** `relPath` becomes a symlink to `target`. */
function symlink(p: Project, relPath: string, target: string): void {
  p.remove(relPath);
  fs.symlinkSync(target, path.join(p.root, relPath));
}

/** Seven levels of nine: 9^7 (4.8 million) strings from 70 lines. */
const BILLION_LAUGHS =
  [
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    'g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
  ].join('\n') + '\n';

const cases: readonly HardeningCase[] = [
  // --- (3) two envs, one env repo ---------------------------------------------------------------
  {
    name: 'two envs with the same local repo path',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.repo = './.slipway/remotes/production.git';
      }),
    expected: [`${STAGING}: repo: './.slipway/remotes/production.git' (branch main) is also the env repo of ${PROD}; ${SAME_REPO}`],
  },
  {
    name: 'the same local repo, spelled another way (.., trailing slash)',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.repo = './.slipway/../.slipway/remotes/production.git/';
      }),
    expected: [
      `${STAGING}: repo: './.slipway/../.slipway/remotes/production.git/' (branch main) is also the env repo of ${PROD} ('./.slipway/remotes/production.git'); ${SAME_REPO}`,
    ],
  },
  {
    name: 'the same local repo, as an absolute path and as a file:// URL',
    mutate: (p) => {
      p.editYaml(PROD, (d) => {
        d.repo = path.join(p.root, '.slipway/remotes/shared.git');
      });
      p.editYaml(STAGING, (d) => {
        d.repo = `file://${path.join(p.root, '.slipway/remotes/shared.git')}`;
      });
    },
    expected: [], // filled in below: the paths hold the temp dir
  },
  {
    name: 'the same GitHub repo, in other letter case',
    mutate: (p) => {
      p.editYaml(PROD, (d) => {
        d.repo = 'My-Org/Slipway-Env';
        delete d.repoURL;
      });
      p.editYaml(STAGING, (d) => {
        d.repo = 'my-org/slipway-env';
        delete d.repoURL;
      });
    },
    expected: [`${STAGING}: repo: 'my-org/slipway-env' (branch main) is also the env repo of ${PROD} ('My-Org/Slipway-Env'); ${SAME_REPO}`],
  },
  {
    name: 'the same GitHub repo, as owner/name and as an https URL with .git',
    mutate: (p) => {
      p.editYaml(PROD, (d) => {
        d.repo = 'my-org/slipway-env';
        delete d.repoURL;
      });
      p.editYaml(STAGING, (d) => {
        d.repo = 'https://github.com/My-Org/slipway-env.git';
        delete d.repoURL;
      });
    },
    expected: [
      `${STAGING}: repo: 'https://github.com/My-Org/slipway-env.git' (branch main) is also the env repo of ${PROD} ('my-org/slipway-env'); ${SAME_REPO}`,
    ],
  },
  {
    name: 'the same git URL over https and ssh, trailing slash',
    mutate: (p) => {
      p.editYaml(PROD, (d) => {
        d.repo = 'git@git.example.com:team/env.git';
        d.branch = 'live';
      });
      p.editYaml(STAGING, (d) => {
        d.repo = 'https://git.example.com/team/env/';
        d.branch = 'live';
      });
    },
    expected: [
      `${STAGING}: repo: 'https://git.example.com/team/env/' (branch live) is also the env repo of ${PROD} ('git@git.example.com:team/env.git'); ${SAME_REPO}`,
    ],
  },

  // --- (8) a second definition shadowing the first ---------------------------------------------
  {
    name: 'go-demo-9.js beside go-demo-9.ts',
    mutate: (p) => p.write('charts-src/go-demo-9.js', p.read(GO_DEMO)),
    expected: [
      `charts-src/go-demo-9.js: defines app 'go-demo-9', as ${GO_DEMO} does; one would silently replace the other: keep one of the two files`,
    ],
  },
  {
    name: 'production.yml beside production.yaml',
    mutate: (p) => p.write('envs/production.yml', p.read(PROD).replace('promotion: pr', 'promotion: direct')),
    expected: [
      `${PROD}: defines env 'production', as envs/production.yml does; one would silently replace the other: keep one of the two files`,
    ],
  },

  // --- (7) names that collide -------------------------------------------------------------------
  {
    name: "an app named 'platform-…' (env repos keep apps/platform-*.yaml for platform components)",
    mutate: (p) => addApp(p, 'platform-argo-cd'),
    expected: [
      "charts-src/platform-argo-cd.ts: name: 'platform-argo-cd' starts with 'platform-', which slipway keeps for itself: env repos hold platform components' " +
        "Applications in apps/platform-<component>.yaml, so this app's apps/platform-argo-cd.yaml could be one of them; rename the app",
    ],
  },
  {
    name: "Application names: app 'devops' in env 'toolkit-production' is app 'devops-toolkit' in 'production'",
    mutate: (p) => {
      addApp(p, 'devops');
      addEnv(p, 'toolkit-production', ['devops']);
    },
    expected: [
      "envs/toolkit-production.yaml: apps.devops: Application 'devops-toolkit-production' (Argo CD namespace argocd) would be both the Application of app 'devops' " +
        `in env 'toolkit-production' and the Application of app 'devops-toolkit' in env 'production' (${PROD}); ${RENAME}`,
    ],
  },
  {
    name: "Application names: app 'staging' in env 'root' is env staging's root Application",
    mutate: (p) => {
      addApp(p, 'staging');
      addEnv(p, 'root', ['staging']);
    },
    expected: [
      "envs/root.yaml: apps.staging: Application 'staging-root' (Argo CD namespace argocd) would be both the Application of app 'staging' in env 'root' " +
        `and the root Application of env 'staging' (${STAGING}); ${RENAME}`,
    ],
  },
  {
    name: "Application names: app 'production-argo' in env 'cd' is production's argo-cd platform Application",
    mutate: (p) => {
      addApp(p, 'production-argo');
      addEnv(p, 'cd', ['production-argo']);
    },
    expected: [
      "envs/cd.yaml: apps.production-argo: Application 'production-argo-cd' (Argo CD namespace argocd) would be both the Application of app 'production-argo' " +
        `in env 'cd' and the Application of platform component argo-cd in env 'production' (${PROD}); ${RENAME}`,
    ],
  },
  {
    name: "AppProject names: env 'staging-root' is env staging's root AppProject",
    mutate: (p) => addEnv(p, 'staging-root', ['go-demo-9']),
    expected: [
      "envs/staging-root.yaml: name: AppProject 'staging-root' (Argo CD namespace argocd) would be both the AppProject of env 'staging-root' " +
        `and the root AppProject of env 'staging' (${STAGING}); ${RENAME}`,
    ],
  },
  {
    name: "app 'devops-toolkit-canary' beside canary app devops-toolkit: one Service name",
    mutate: (p) => {
      addApp(p, 'devops-toolkit-canary');
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit-canary'] = { tag: '1.0.0' };
      });
    },
    expected: [
      `${PROD}: apps.devops-toolkit: 'devops-toolkit-canary' (namespace production on cluster https://kubernetes.default.svc) would be both ` +
        "the canary Service of app 'devops-toolkit' and the objects of app 'devops-toolkit-canary': rename one of the apps",
    ],
  },
  {
    name: 'two envs deploying the same apps to one namespace of one cluster',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.namespace = 'production';
      }),
    expected: [
      `${STAGING}: namespace: 'production' on cluster https://kubernetes.default.svc is also the namespace of ${PROD}, and both deploy ` +
        'devops-paradox, devops-toolkit, go-demo-9: their objects would be the same objects; give each env its own namespace (or cluster)',
    ],
  },

  // --- (9) control characters ---------------------------------------------------------------------
  {
    name: "an env value holding U+0001 (the chart emitter's marker)",
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['go-demo-9'].env = { GREETING: 'hi \u0001name\u0002' };
      }),
    expected: [`${STAGING}: apps.go-demo-9.env.GREETING: 'hi \\u0001name\\u0002' holds control character U+0001; ${CONTROL_RULE}`],
  },
  {
    name: 'an env-variable name holding an escape (ESC)',
    mutate: (p) =>
      p.editYaml(STAGING, (d) => {
        d.apps['go-demo-9'].env = { 'A\u001b': 'x' };
      }),
    expected: [`${STAGING}: apps.go-demo-9.env: key 'A\\u001b' holds control character U+001B; ${CONTROL_RULE}`],
  },
  {
    name: 'a raw control character in the env file text: line and column',
    mutate: (p) => p.replace(PROD, 'domain: devopstoolkitseries.com', 'domain: devops\u0002toolkitseries.com'),
    expected: [`${PROD}:5:15: control character U+0002; env files may hold no control characters but tab and newline`],
  },
  {
    name: 'raw control characters on several lines: the first, and how many more',
    mutate: (p) => p.write(PROD, `${PROD_HEAD}  go-demo-9:\n    tag: "0.0.1\u0007"\n    env: { A: "\u0000" }\n`),
    expected: [`${PROD}:8:16: control character U+0007 (and on 1 more line); env files may hold no control characters but tab and newline`],
  },
  {
    name: 'charts-src description holding U+0002',
    mutate: (p) => p.replace(TOOLKIT, "description: 'The DevOps Toolkit site',", "description: 'The DevOps Toolkit site\\u0002',"),
    expected: [`${TOOLKIT}: description: 'The DevOps Toolkit site\\u0002' holds control character U+0002; ${CONTROL_RULE}`],
  },
  {
    name: 'charts-src: control characters in an env value, a Secret reference, an annotation, probePath',
    mutate: (p) => {
      p.replace(GO_DEMO, "DB_PORT: '5432',", "DB_PORT: '54\\r32',");
      p.replace(
        GO_DEMO,
        "DB_PASS: { secret: 'go-demo-9-db', key: 'password' },",
        "DB_PASS: { secret: 'go-demo-9-db\\u007f', key: 'password' },",
      );
      p.replace(
        GO_DEMO,
        "ingress: { className: 'nginx',",
        "ingress: { annotations: { 'a\\u0000': 'x', b: 'y\\u009b' }, className: 'nginx',",
      );
      p.replace(GO_DEMO, "probePath: '/demo/hello',", "probePath: '/demo/\\u0001hello',");
    },
    expected: [
      `${GO_DEMO}: probePath: '/demo/\\u0001hello' holds control character U+0001; ${CONTROL_RULE}`,
      `${GO_DEMO}: ingress.annotations: key 'a\\u0000' holds control character U+0000; ${CONTROL_RULE}`,
      `${GO_DEMO}: ingress.annotations.b: 'y\\u009b' holds control character U+009B; ${CONTROL_RULE}`,
      `${GO_DEMO}: env.DB_PORT: '54\\r32' holds control character U+000D; ${CONTROL_RULE}`,
      `${GO_DEMO}: env.DB_PASS.secret: 'go-demo-9-db\\u007f' holds control character U+007F; ${CONTROL_RULE}`,
    ],
  },
  {
    name: 'charts-src canary step duration holding a control character: named as defineApp takes it',
    mutate: (p) =>
      p.replace(
        TOOLKIT,
        'delivery: Delivery.canary({ analysis: { successRate: 0.99, maxLatencyMs: 1000 } }),',
        "delivery: Delivery.canary({ steps: [{ setWeight: 50 }, { pause: { duration: '10s\\u0003' } }] }),",
      ),
    expected: [`${TOOLKIT}: delivery.steps[1].pause.duration: '10s\\u0003' holds control character U+0003; ${CONTROL_RULE}`],
  },

  // --- (11) files that are not regular, or too large; counts beyond sense ------------------------
  {
    name: 'an env file symlinked to /dev/zero',
    mutate: (p) => symlink(p, PROD, '/dev/zero'),
    expected: [`${PROD}: is a character device, not a regular file; ${NOT_REGULAR}`],
  },
  {
    name: 'an env file that is a FIFO (would hang)',
    mutate: (p) => {
      p.remove(PROD);
      execFileSync('mkfifo', [path.join(p.root, PROD)]);
    },
    expected: [`${PROD}: is a FIFO (named pipe), not a regular file; ${NOT_REGULAR}`],
  },
  {
    name: 'a folder named like an env file',
    mutate: (p) => fs.mkdirSync(path.join(p.root, 'envs/qa.yaml')),
    expected: [`envs/qa.yaml: is a folder, not a regular file; ${NOT_REGULAR}`],
  },
  {
    name: 'an env file that is a broken symlink',
    mutate: (p) => symlink(p, PROD, 'nowhere.yaml'),
    expected: [`${PROD}: is a symlink to nothing (a broken link)`],
  },
  {
    name: 'an env file over 10 MiB',
    mutate: (p) => p.write(PROD, `${p.read(PROD)}${'#'.repeat(MAX_INPUT_BYTES)}\n`),
    expected: [], // filled in below: the size depends on the sample's
  },
  {
    name: 'a charts-src file symlinked to /dev/zero',
    mutate: (p) => symlink(p, GO_DEMO, '/dev/zero'),
    expected: [`${GO_DEMO}: is a character device, not a regular file; charts-src files must be regular files (a symlink to one is fine)`],
  },
  {
    name: 'env replicas: 1e10 is blamed on the env file and field',
    mutate: (p) => p.replace(PROD, '    tag: "1.71"\n', '    tag: "1.71"\n    replicas: 1e10\n'),
    expected: [`${PROD}: apps.devops-paradox.replicas: 10000000000 ${CEILING}`],
  },
  {
    name: 'env autoscaling and Knative scale bounds beyond the ceiling',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps['devops-toolkit'].autoscaling = { minReplicas: 3, maxReplicas: 5000 };
        d.apps['devops-paradox'].delivery.knative.maxScale = 1001;
      }),
    expected: [
      `${PROD}: apps.devops-toolkit.autoscaling.maxReplicas: 5000 ${CEILING}`,
      `${PROD}: apps.devops-paradox.delivery.knative.maxScale: 1001 ${CEILING}`,
    ],
  },
  {
    name: 'fleet per-cluster replicas beyond the ceiling',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        delete d.cluster;
        d.clusters = [{ name: 'eu', server: 'https://eu.example.com', apps: { 'go-demo-9': { replicas: 2000 } } }];
      }),
    expected: [`${PROD}: clusters[0].apps.go-demo-9.replicas: 2000 ${CEILING}`],
  },
  {
    name: 'app definition replicas, autoscaling and Knative scale beyond the ceiling',
    mutate: (p) => {
      p.replace(GO_DEMO, 'port: 8080,', 'port: 8080,\n  replicas: 1e9,');
      p.replace(TOOLKIT, 'autoscaling: { minReplicas: 2, maxReplicas: 6,', 'autoscaling: { minReplicas: 2, maxReplicas: 2000,');
      p.replace(PARADOX, 'maxScale: 3,', 'maxScale: 3000,');
    },
    expected: [
      `${PARADOX}: delivery.maxScale: 3000 ${CEILING}`,
      `${TOOLKIT}: autoscaling.maxReplicas: 2000 ${CEILING}`,
      `${GO_DEMO}: replicas: 1000000000 ${CEILING}`,
    ],
  },

  // --- (12) YAML ---------------------------------------------------------------------------------
  {
    name: 'a YAML alias bomb ("billion laughs")',
    mutate: (p) => p.write(PROD, BILLION_LAUGHS),
    expected: [
      `${PROD}:4:8: malformed YAML: alias *c expands to too many nodes (over 100 aliased: a "billion laughs" file?); write the values out`,
    ],
  },
  {
    name: 'an alias without an anchor',
    mutate: (p) => p.write(PROD, `${PROD_HEAD}  go-demo-9:\n    tag: *version\n`),
    expected: [`${PROD}:8:10: malformed YAML: alias *version has no anchor &version before it`],
  },
  {
    name: 'an empty env file',
    mutate: (p) => p.write(PROD, ''),
    expected: [`${PROD}: is empty (or only comments); an env file is a YAML mapping: name, namespace, domain, repo, apps`],
  },
  {
    name: 'a comment-only env file',
    mutate: (p) => p.write(PROD, '# yaml-language-server: $schema=./env.schema.json\n# to do\n'),
    expected: [`${PROD}: is empty (or only comments); an env file is a YAML mapping: name, namespace, domain, repo, apps`],
  },
  {
    name: 'a second YAML document',
    mutate: (p) => p.write(PROD, `${PROD_HEAD}  go-demo-9:\n    tag: "0.0.1"\n---\nname: other\n`),
    expected: [`${PROD}:9:1: malformed YAML: a second YAML document (after ---); an env file holds one`],
  },
  {
    name: 'replicas: .inf is named as Infinity, not null',
    mutate: (p) => p.replace(PROD, '    tag: "1.71"\n', '    tag: "1.71"\n    replicas: .inf\n'),
    expected: [`${PROD}: apps.devops-paradox.replicas: must be an integer, not number Infinity`],
  },

  // --- (13) messages that keep the point -----------------------------------------------------------
  {
    name: 'a 64-character app key: the message names it',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.apps[`a${'b'.repeat(63)}`] = { tag: '1.0.0' };
      }),
    expected: [`${PROD}: apps: 'a${'b'.repeat(63)}' is longer than 63 characters, the most a DNS-1035 label holds`],
  },
  {
    name: 'a 64-character namespace: the message quotes it',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.namespace = 'n'.repeat(64);
      }),
    expected: [`${PROD}: namespace: '${'n'.repeat(64)}' is longer than 63 characters, the most a DNS-1123 label holds`],
  },
  {
    name: 'a charts-src syntax error: line, column and the reason',
    mutate: (p) => p.replace(GO_DEMO, "  image: 'vfarcic/go-demo-9',", "  image: 'vfarcic/go-demo-9' oops,"),
    expected: [`${GO_DEMO}:8:30: cannot be loaded: Expected "}" but found "oops"`],
  },
  {
    name: 'a charts-src file that throws while loading: its first line',
    mutate: (p) =>
      p.replace(
        GO_DEMO,
        "import { defineApp } from 'slipway';",
        "import { defineApp } from 'slipway';\nthrow new Error('no database\\nconfigured');",
      ),
    expected: [`${GO_DEMO}: cannot be loaded: no database`],
  },
  {
    name: 'a raw newline in a value is escaped in the message (one line)',
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.namespace = 'prod\nuction';
      }),
    expected: [`${PROD}: namespace: 'prod\\nuction' is not a DNS-1123 label (lower-case letters, digits and -)`],
  },
  {
    name: "a GitHub API URL that is no URL ('http://')",
    mutate: (p) =>
      p.editYaml(PROD, (d) => {
        d.repo = 'my-org/production';
        delete d.repoURL;
        d.github = { apiUrl: 'http://' };
      }),
    expected: [`${PROD}: github.apiUrl: 'http://' is not a URL (e.g. https://ghe.example.com/api/v3)`],
  },
];

/** The cases whose lines hold the temp dir or a size: built from the project. */
function expectedFor(c: HardeningCase, p: Project): readonly string[] {
  if (c.name === 'the same local repo, as an absolute path and as a file:// URL') {
    const repo = path.join(p.root, '.slipway/remotes/shared.git');
    return [`${STAGING}: repo: 'file://${repo}' (branch main) is also the env repo of ${PROD} ('${repo}'); ${SAME_REPO}`];
  }
  if (c.name === 'an env file over 10 MiB') {
    const size = fs.statSync(path.join(p.root, PROD)).size;
    return [`${PROD}: is ${size} bytes; env files may be at most 10 MiB (${MAX_INPUT_BYTES} bytes)`];
  }
  return c.expected;
}

let project: Project | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

describe('hardening: hostile or careless input, one line each, out/ untouched', () => {
  for (const c of cases) {
    it(c.name, async () => {
      project = makeProject(c.mutate);
      await expectSynthRefused(project, expectedFor(c, project));
    });
  }
});

describe('hardening: what must keep working', () => {
  const accepted: ReadonlyArray<{ name: string; mutate: Mutate }> = [
    {
      name: 'two envs in one repo on different branches',
      mutate: (p) =>
        p.editYaml(STAGING, (d) => {
          d.repo = './.slipway/remotes/production.git';
          d.branch = 'staging';
        }),
    },
    {
      name: 'an env file symlinked to a regular file',
      mutate: (p) => {
        fs.renameSync(path.join(p.root, STAGING), path.join(p.root, 'staging-env.yml.txt'));
        fs.symlinkSync('../staging-env.yml.txt', path.join(p.root, STAGING));
      },
    },
    {
      name: 'tab and newline in an env value; newline in an app description',
      mutate: (p) => {
        p.editYaml(STAGING, (d) => {
          d.apps['go-demo-9'].env = { MOTD: 'line one\n\tline two\n' };
        });
        p.replace(TOOLKIT, "description: 'The DevOps Toolkit site',", "description: 'The DevOps Toolkit site,\\nfrom the book',");
      },
    },
    {
      name: 'anchors and aliases used with measure',
      mutate: (p) =>
        p.write(
          PROD,
          p
            .read(PROD)
            .replace('      limits:\n        memory: 256Mi', '      limits: &limits\n        memory: 256Mi')
            .replace('  go-demo-9:\n    tag: "0.0.1"', '  go-demo-9:\n    tag: "0.0.1"\n    resources:\n      limits: *limits'),
        ),
    },
    {
      name: 'an env file with CRLF line ends (Windows), a block scalar in it',
      mutate: (p) =>
        p.write(
          STAGING,
          p
            .read(STAGING)
            .replace('      LOG_LEVEL: debug\n', '      LOG_LEVEL: debug\n      MOTD: |\n        line one\n        line two\n')
            .replace(/\n/g, '\r\n'),
        ),
    },
    {
      name: '1000 replicas (the ceiling itself)',
      mutate: (p) =>
        p.editYaml(PROD, (d) => {
          d.apps['go-demo-9'].replicas = 1000;
        }),
    },
    {
      name: 'an env in istio-system where no env on its cluster installs istio (slipway cannot see what else runs there)',
      mutate: (p) => {
        p.editYaml(PROD, (d) => {
          d.platform = (d.platform as string[]).filter((c) => c !== 'istio');
        });
        p.editYaml(STAGING, (d) => {
          d.namespace = 'istio-system';
        });
      },
    },
  ];
  for (const { name, mutate } of accepted) {
    it(name, async () => {
      project = makeProject(mutate);
      const result = await synth({ root: project.root, outDir: path.join(project.root, 'out') });
      expect(result.output.files.size).toBeGreaterThan(0);
    });
  }
});

describe('hardening: warnings (loadProject().warnings), not errors', () => {
  it('none for the sample', async () => {
    project = makeProject();
    expect((await loadProject(project.root)).warnings).toEqual([]);
  });

  it('an env in kube-system: synth goes on, loadProject warns', async () => {
    project = makeProject((p) => {
      p.editYaml(PROD, (d) => {
        d.namespace = 'kube-system';
      });
    });
    const { warnings } = await loadProject(project.root);
    expect(warnings).toEqual([
      `${PROD}:2: namespace: 'kube-system' is a Kubernetes system namespace; the env's apps would run, and its AppProject allow writes, ` +
        "beside the cluster's own objects: give the env a namespace of its own",
    ]);
    const result = await synth({ root: project.root, outDir: path.join(project.root, 'out'), validate: false });
    expect(result.project.warnings).toEqual(warnings);
  });

  it.each(['default', 'kube-public', 'kube-node-lease'])("namespace '%s' warns", async (namespace) => {
    project = makeProject((p) =>
      p.editYaml(STAGING, (d) => {
        d.namespace = namespace;
      }),
    );
    const { warnings } = await loadProject(project.root);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^${STAGING}:2: namespace: '${namespace}' is `));
  });
});
