/**
 * Env-file defaults are written once (generators/env-defaults.ts): the published schema's
 * `default`s (what editors show) must say the same, and the loader must apply exactly them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_DEFAULTS } from '../../generators/env-defaults.js';
import { loadEnvFiles } from '../../src/load/load-envs.js';
import { makeProject } from '../support/project-fixture.js';
import { REPO_ROOT } from '../support/project-fixture.js';

type Json = Record<string, unknown>;

/** Every `default` in the schema, by env-file path (`cluster.name`, `apps.*.enabled`). */
function schemaDefaults(schema: Json): Map<string, unknown> {
  const definitions = (schema.definitions ?? {}) as Record<string, Json>;
  const found = new Map<string, unknown>();
  const walk = (node: unknown, path: string, seen: ReadonlySet<string>): void => {
    if (typeof node !== 'object' || node === null) return;
    const n = node as Json;
    if ('default' in n) found.set(path, n.default);
    const ref = typeof n.$ref === 'string' ? n.$ref.split('/').pop()! : undefined;
    if (ref !== undefined && !seen.has(ref)) walk(definitions[ref], path, new Set([...seen, ref]));
    const join = (key: string) => (path === '' ? key : `${path}.${key}`);
    for (const [key, child] of Object.entries((n.properties ?? {}) as Json)) walk(child, join(key), seen);
    if (typeof n.additionalProperties === 'object') walk(n.additionalProperties, join('*'), seen);
    for (const child of Object.values((n.patternProperties ?? {}) as Json)) walk(child, join('*'), seen);
    if (n.items !== undefined) walk(n.items, `${path}[]`, seen);
    for (const k of ['oneOf', 'anyOf', 'allOf']) for (const child of (n[k] ?? []) as unknown[]) walk(child, path, seen);
  };
  walk(schema, '', new Set());
  return found;
}

describe('env-file defaults: one list', () => {
  it('envs/env.schema.json declares exactly ENV_DEFAULTS, value for value', () => {
    const schema = JSON.parse(readFileSync(`${REPO_ROOT}/envs/env.schema.json`, 'utf8')) as Json;
    expect(Object.fromEntries(schemaDefaults(schema))).toEqual(ENV_DEFAULTS);
  });

  it('an env file that leaves every optional field out loads with exactly those defaults', () => {
    const p = makeProject((x) => {
      x.remove('envs/staging.yaml');
      x.write(
        'envs/production.yaml',
        [
          'name: production',
          'namespace: production',
          'domain: example.com',
          'repo: my-org/env-production',
          'github: {}',
          'cluster: {}',
          'apps:',
          '  go-demo-9:',
          '    tag: "1.0.0"',
          '    track: { allowTags: "^1\\\\." }',
        ].join('\n') + '\n',
      );
    });
    try {
      const [env] = loadEnvFiles(`${p.root}/envs`);
      const d = env!.definition;
      const loaded: Record<string, unknown> = {
        hostPattern: d.hostPattern,
        'cluster.name': d.cluster.name,
        'cluster.server': d.cluster.server,
        'argocd.namespace': d.argocdNamespace,
        branch: d.repo.branch,
        'github.apiUrl': d.repo.github?.apiUrl,
        'github.visibility': d.repo.github?.visibility,
        'github.branchProtection': d.repo.github?.branchProtection,
        promotion: d.promotion,
        pinnedTags: d.pinnedTags,
        requireDigests: d.requireDigests,
        prometheus: d.prometheus,
        'gateway.serviceType': d.gatewayServiceType,
        render: d.render,
        'apps.*.enabled': d.apps['go-demo-9']!.enabled,
        'apps.*.track.order': d.apps['go-demo-9']!.track?.order,
        'apps.*.track.digest': d.apps['go-demo-9']!.track?.digest,
        'apps.*.track.auto': d.apps['go-demo-9']!.track?.auto,
      };
      expect(loaded).toEqual(ENV_DEFAULTS);
    } finally {
      p.cleanup();
    }
  });
});
