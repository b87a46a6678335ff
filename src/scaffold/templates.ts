/**
 * The files `slipway init` and `slipway add` write, as text. Each is a starting point a team
 * edits, so each says what to change; none holds a secret or a machine's path.
 */

/** The delivery kinds `slipway add app --delivery` knows, and the factory each app file calls. */
export const DELIVERY_FACTORIES: Readonly<Record<string, string>> = {
  deployment: 'Delivery.deployment()',
  canary: 'Delivery.canary()',
  knative: 'Delivery.knative({ minScale: 0, maxScale: 3, containerConcurrency: 100 })',
};

export interface AppFileProps {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly appVersion: string;
  readonly delivery: string;
  readonly probePath: string;
}

export function appFile(p: AppFileProps): string {
  return `import { defineApp, Delivery } from 'slipway';

/**
 * ${p.name}: written by \`slipway add app\`. Set its image, port, probes and resources; each
 * environment sets its tag in envs/<env>.yaml (apps.${p.name}.tag).
 */
export default defineApp({
  name: '${p.name}',
  image: '${p.image}',
  appVersion: '${p.appVersion}',
  port: ${p.port},
  probePath: '${p.probePath}',
  resources: {
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '250m', memory: '256Mi' },
  },
  delivery: ${DELIVERY_FACTORIES[p.delivery]},
});
`;
}

export interface EnvFileProps {
  readonly name: string;
  readonly domain: string;
  readonly repo: string;
  /** Where Argo CD pulls from; needed when `repo` is a local path. */
  readonly repoURL?: string;
  readonly promotesFrom?: string;
  readonly promotion: 'direct' | 'pr';
  /** App name -> tag, in order. */
  readonly apps: ReadonlyArray<readonly [string, string]>;
  /** Where the env schema is, from envs/ (the installed package's). */
  readonly schema: string;
}

export function envFile(p: EnvFileProps): string {
  const apps = p.apps.length === 0 ? ' {}\n' : `\n${p.apps.map(([app, tag]) => `  ${app}:\n    tag: ${JSON.stringify(tag)}\n`).join('')}`;
  return `# yaml-language-server: $schema=${p.schema}
# ${p.name}: written by \`slipway add env\`. Every field: the README of slipway, "Environments".
name: ${p.name}
namespace: ${p.name}
domain: ${p.domain}
# Hosts: ${p.name}.<app>.<domain>; an app may set its own (apps.<app>.host).
hostPattern: ${p.name}.{app}.{domain}
# Where slipway pushes the env repo. A local bare repo runs the whole flow offline; for GitHub
# write owner/name (my-org/platform-${p.name}) and set GITHUB_TOKEN.
repo: ${p.repo}
${p.repoURL === undefined ? '' : `# What Argo CD pulls: set it to where the env repo is served from.\nrepoURL: ${p.repoURL}\n`}${p.promotesFrom === undefined ? '' : `# Tags come from ${p.promotesFrom}: slipway promote <app> --from ${p.promotesFrom} --env ${p.name}\npromotesFrom: ${p.promotesFrom}\n`}# direct: promotions commit to the env repo's branch; pr: they open a pull request.
promotion: ${p.promotion}
apps:${apps}`;
}

export function initPackageJson(name: string, slipwaySpec: string, existing: Record<string, unknown> | undefined): string {
  const base = existing ?? { name, version: '0.0.0', private: true };
  const scripts = { ...(base['scripts'] as Record<string, string> | undefined) };
  scripts['synth'] ??= 'slipway synth';
  scripts['test'] ??= 'tsc --noEmit && slipway validate';
  scripts['plan'] ??= 'slipway plan';
  const dependencies = { ...(base['dependencies'] as Record<string, string> | undefined) };
  dependencies['slipway'] ??= slipwaySpec;
  const devDependencies = { ...(base['devDependencies'] as Record<string, string> | undefined) };
  // The app files are TypeScript: `npm test` type-checks them against slipway's declarations.
  devDependencies['typescript'] ??= '~5.9.0';
  devDependencies['@types/node'] ??= '^20.19.0';
  return `${JSON.stringify({ ...base, type: 'module', scripts, dependencies, devDependencies }, null, 2)}\n`;
}

export const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "lib": ["ES2023"],
    "types": ["node"],
    "strict": true,
    "skipLibCheck": true,
    "noEmit": true
  },
  "include": ["charts-src"]
}
`;

export const CDK8S_YAML = `# \`npx cdk8s synth --no-check-upgrade\` runs slipway's synth: out/ and, per environment, the
# rendered manifests in cdk8s.out/<env>/ (cdk8s wipes that folder first).
language: typescript
app: npx slipway synth
output: cdk8s.out
`;

export const GITIGNORE = `node_modules/
/out/
/.out.new/
/.out.old/
/.out.lock
/.slipway/
/cdk8s.out/
`;

export const CI_WORKFLOW = `# The platform repo checks itself on every pull request, and shows what each env repo would get.
name: platform
on:
  pull_request:
  push:
    branches: [main]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20 }
      - run: npm ci
      - run: npm test
      # Exit 2 means "changes pending": a plan, not a failure.
      - run: npx slipway plan || [ $? -eq 2 ]
        env:
          GITHUB_TOKEN: \${{ secrets.ENV_REPOS_TOKEN }}
`;

export function readme(name: string, apps: readonly string[], envs: readonly string[]): string {
  return `# ${name}

The platform repo of this team, managed with [slipway](https://www.npmjs.com/package/slipway):
applications in \`charts-src/\` (TypeScript), environments in \`envs/\`, and for each environment
a Git repo that Argo CD pulls. Nobody runs \`kubectl apply\` or \`helm install\` by hand: change
Git, machines converge.

| | |
| --- | --- |
| apps | ${apps.map((a) => `\`${a}\``).join(', ') || '(none yet)'} |
| environments | ${envs.map((e) => `\`${e}\``).join(' → ')} |

\`\`\`sh
npm install                      # slipway and TypeScript
npm run synth                    # out/: a Helm chart per app, an env-repo tree per environment
npm test                         # type-check the app files, validate every generated object
npx slipway plan                 # what each env repo would get
npx slipway bootstrap            # push the env repos (local bare repos under .slipway/ at first)
npx slipway promote <app> <tag> --env staging
npx slipway promote <app> --from staging --env production
npx slipway add app <name> --delivery deployment|canary|knative --port 8080
npx slipway add env <name> --promotes-from <env>
npx slipway crds pull            # CRDs of the controllers slipway pins, for full validation
\`\`\`

\`.github/workflows/platform.yaml\` runs \`npm test\` and \`slipway plan\` on every pull request.
`;
}
