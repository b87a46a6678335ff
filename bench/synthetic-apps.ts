/** The synthetic catalog the benches share: N app definitions and their env-file entries. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../', import.meta.url));

export function appName(i: number): string {
  return `app-${String(i).padStart(4, '0')}`;
}

/**
 * A temp platform repo with N apps in charts-src/ (importing this checkout's generators), under
 * `parent` (the OS's temporary folder by default); returns it and the `apps:` block.
 */
export function syntheticPlatform(n: number, prefix: string, parent = tmpdir()): { root: string; appsYaml: string } {
  const root = mkdtempSync(join(parent, prefix));
  mkdirSync(join(root, 'charts-src'));
  mkdirSync(join(root, 'envs'));
  const generators = join(REPO, 'generators', 'index.js');
  for (let i = 0; i < n; i++) {
    const name = appName(i);
    writeFileSync(
      join(root, 'charts-src', `${name}.ts`),
      `import { defineApp } from ${JSON.stringify(generators)};
export default defineApp({
  name: ${JSON.stringify(name)},
  image: 'registry.example.com/team/${name}',
  port: ${8000 + (i % 100)},
  probePath: '/healthz',
  ${i % 3 === 0 ? 'autoscaling: { minReplicas: 2, maxReplicas: 5 },' : ''}
  ${i % 4 === 0 ? "ingress: { tls: { clusterIssuer: 'letsencrypt' } }," : ''}
  env: { LOG_LEVEL: 'info', DB_PASS: { secret: '${name}-db', key: 'password' } },
});
`,
    );
  }
  const appsYaml = Array.from({ length: n }, (_, i) => `  ${appName(i)}:\n    tag: "1.${i % 10}.${i % 7}"\n`).join('');
  return { root, appsYaml };
}
