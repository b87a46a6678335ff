/**
 * The env repo layout is designed for promotions: a new tag changes exactly the tag line (Helm
 * mode) or the image and version-label lines (manifests mode), and both modes deploy the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../generators/app-definition.js';
import type { EnvDefinition } from '../../generators/environment.js';
import { generatePlatform, type PlatformModel } from '../../generators/platform.js';
import { byKindAndName, parseDocs, SAMPLE_TAGS, sampleModel } from '../support/generated.js';

let model: PlatformModel;
beforeAll(async () => {
  model = await sampleModel();
});

function withEnv(edit: (env: EnvDefinition) => EnvDefinition): PlatformModel {
  return { apps: model.apps, envs: model.envs.map((e) => (e.name === 'production' ? edit(e) : e)) };
}
const withTag = (env: EnvDefinition, app: string, tag: string): EnvDefinition => ({
  ...env,
  apps: { ...env.apps, [app]: { ...env.apps[app]!, tag } },
});

/** Lines that differ between two file trees, as `path: -old` / `path: +new`. */
function changedLines(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = (a.get(path) ?? '').split('\n');
    const y = (b.get(path) ?? '').split('\n');
    if (x.length !== y.length) {
      out.push(`${path}: line count ${x.length} → ${y.length}`);
      continue;
    }
    x.forEach((line, i) => {
      if (line !== y[i]) out.push(`${path}: -${line.trim()}`, `${path}: +${y[i]!.trim()}`);
    });
  }
  return out.sort();
}

describe('a promotion in Helm mode', () => {
  it('changes exactly one line of the env repo: image.tag in values/<app>.yaml (and the README row)', () => {
    const before = generatePlatform(model).files;
    const after = generatePlatform(withEnv((e) => withTag(e, 'devops-toolkit', '2.9.17'))).files;
    const changed = changedLines(before, after);
    expect(changed.filter((l) => !l.startsWith('envs/production/README.md'))).toEqual([
      'envs/production/values/devops-toolkit.yaml: +tag: "2.9.17"',
      `envs/production/values/devops-toolkit.yaml: -tag: "${SAMPLE_TAGS.production!['devops-toolkit']}"`,
    ]);
    const readme = changed.filter((l) => l.startsWith('envs/production/README.md'));
    expect(readme).toHaveLength(2);
    expect(readme[0]).toMatch(/^envs\/production\/README.md: \+\| devops-toolkit \| `2.9.17` \|/);
    expect(readme[1]).toContain(`envs/production/README.md: -| devops-toolkit | \`${SAMPLE_TAGS.production!['devops-toolkit']}\` |`);
  });
});

describe('manifests mode', () => {
  const manifests = () => withEnv((e) => ({ ...e, render: 'manifests' }));

  it('holds plain manifests equal to what Helm mode deploys, and Applications with a directory source', () => {
    const helm = generatePlatform(model);
    const plain = generatePlatform(manifests());
    for (const app of ['devops-toolkit', 'devops-paradox', 'go-demo-9']) {
      const files = [...plain.files].filter(([p]) => p.startsWith(`envs/production/manifests/${app}/`));
      expect(files.length).toBeGreaterThan(1);
      const objects = files.flatMap(([, text]) => parseDocs(text));
      const deployed = helm.envs.find((e) => e.env.name === 'production')!.apps.find((a) => a.app === app)!.objects;
      expect(byKindAndName(objects)).toEqual(byKindAndName(JSON.parse(JSON.stringify(deployed))));
      const application = parseDocs(plain.files.get(`envs/production/apps/${app}.yaml`)!)[0] as any;
      expect(application.spec.source).toEqual({
        repoURL: 'https://github.com/my-org/slipway-production.git',
        targetRevision: 'main',
        path: `manifests/${app}`,
        directory: { recurse: false },
      });
    }
    expect([...plain.files.keys()].some((p) => p.startsWith('envs/production/charts/'))).toBe(false);
    expect([...plain.files.keys()].some((p) => p.startsWith('envs/production/values/'))).toBe(false);
  });

  it('a promotion changes only the image and version-label lines', () => {
    const before = generatePlatform(manifests()).files;
    const after = generatePlatform(withEnv((e) => withTag({ ...e, render: 'manifests' }, 'devops-paradox', '1.72'))).files;
    const changed = changedLines(before, after).filter((l) => !l.startsWith('envs/production/README.md'));
    expect(changed.length).toBeGreaterThan(0);
    for (const line of changed) {
      expect(line).toMatch(
        /^envs\/production\/manifests\/devops-paradox\/[a-z.-]+\.yaml: [-+](- )?(image: "vfarcic\/devops-paradox:1\.7[12]"|app\.kubernetes\.io\/version: "1\.7[12]")$/,
      );
    }
  });
});

describe('disabled apps', () => {
  it('leave the env repo entirely, so Argo CD prunes them', () => {
    const disabled = generatePlatform(
      withEnv((e) => ({ ...e, apps: { ...e.apps, 'go-demo-9': { ...e.apps['go-demo-9']!, enabled: false } } })),
    );
    const paths = [...disabled.files.keys()].filter((p) => p.startsWith('envs/production/'));
    expect(paths.some((p) => p.includes('go-demo-9'))).toBe(false);
    const project = disabled.envs.find((e) => e.env.name === 'production')!.argocd[0] as any;
    // go-demo-9 was the only app with a ConfigMap: the project no longer allows ConfigMaps.
    expect(project.spec.namespaceResourceWhitelist).not.toContainEqual({ group: '', kind: 'ConfigMap' });
  });
});

describe('application names', () => {
  it('do not collide when staging and production share one Argo CD, and release names stay the app name', () => {
    const out = generatePlatform(model);
    const names = out.envs.flatMap((e) => e.argocd.filter((o) => o.kind !== 'AppProject').map((o) => o.metadata.name));
    expect(new Set(names).size).toBe(names.length);
    const apps = model.apps as AppDefinition[];
    for (const env of out.envs) {
      for (const child of env.argocd.filter(
        (o) => o.kind === 'Application' && (o.metadata.labels as Record<string, string>)?.['slipway.dev/app'],
      ) as any[]) {
        expect(apps.map((a) => a.name)).toContain(child.spec.source.helm.releaseName);
        expect(child.metadata.name).toBe(`${child.spec.source.helm.releaseName}-${env.env.name}`);
        const canary = apps.find((a) => a.name === child.spec.source.helm.releaseName)!.delivery.kind === 'canary';
        expect(child.spec.syncPolicy).toEqual({
          automated: { selfHeal: true, prune: true },
          syncOptions: canary ? ['CreateNamespace=true', 'RespectIgnoreDifferences=true'] : ['CreateNamespace=true'],
          retry: { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        });
        expect(child.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      }
    }
  });

  it('every Application and ApplicationSet template retries a failed sync with capped backoff (Argo CD does not re-sync the same commit)', () => {
    const out = generatePlatform({
      apps: model.apps,
      envs: model.envs.map((e) =>
        e.name === 'production'
          ? {
              ...e,
              fleet: [
                { name: 'a', server: 'https://a.example', apps: {} },
                { name: 'b', server: 'https://b.example', apps: {} },
              ],
            }
          : e,
      ),
    });
    let checked = 0;
    for (const env of out.envs) {
      for (const obj of env.argocd.filter((o) => o.kind === 'Application' || o.kind === 'ApplicationSet') as any[]) {
        const spec = obj.kind === 'ApplicationSet' ? obj.spec.template.spec : obj.spec;
        expect(spec.syncPolicy.retry, `${obj.kind}/${obj.metadata.name}`).toEqual({
          limit: -1,
          backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});

describe('the env README', () => {
  it('numbers every AppProject file of bootstrap/ in "How Argo CD pulls this repo", 1, 2, 3... without a gap', () => {
    const out = generatePlatform(model);
    const withPlatform = new Set<string>();
    for (const { env } of out.envs) {
      const readme = out.files.get(`envs/${env.name}/README.md`)!;
      const section = readme.split('## How Argo CD pulls this repo\n')[1]!.split('\n## ')[0]!;
      const items = [...section.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
      expect(items, env.name).toEqual(items.map((_, i) => i + 1));
      const projects = [...out.files.keys()]
        .filter((p) => p.startsWith(`envs/${env.name}/bootstrap/appproject`))
        .map((p) => p.slice(`envs/${env.name}/`.length));
      expect(projects.length, env.name).toBeGreaterThanOrEqual(2);
      for (const file of projects) {
        expect(section, `${env.name}: ${file}`).toMatch(new RegExp(`^\\d+\\. \`${file.replace(/[.]/g, '\\.')}\` is `, 'm'));
        if (file.endsWith('-platform.yaml')) withPlatform.add(env.name);
      }
    }
    // The sample's production installs platform components (its AppProject is the third file); staging does not.
    expect([...withPlatform]).toEqual(['production']);
  });
});
