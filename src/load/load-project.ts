/**
 * Step 1 of synth: `charts-src/` + `envs/` → a validated `PlatformModel`. Everything a user can
 * get wrong in their input is reported here, before anything is generated or written.
 */
import { join } from 'node:path';
import type { PlatformModel } from '../../generators/platform.js';
import { ConfigError, Problems } from '../core/config-error.js';
import { loadAppFiles, type AppFile } from './load-apps.js';
import { checkArgoCdNames, checkEnvRepos, checkNamespaceObjects, checkNamespaceReach, namespaceWarnings } from './env-collisions.js';
import { loadEnvFiles, locateIn, type EnvFile } from './load-envs.js';
import { FLOATING_TAGS } from './names.js';
import { checkDeliveryOverrides } from '../../generators/delivery-kinds/index.js';

export interface LoadedProject {
  readonly model: PlatformModel;
  readonly appFiles: readonly AppFile[];
  readonly envFiles: readonly EnvFile[];
  /**
   * What is allowed but probably a mistake (an env's apps in kube-system), one line each, in the problems' `file: field: message` form; the caller prints them.
   */
  readonly warnings: readonly string[];
}

/**
 * `envOverrides` replaces env files' text (by `envs/<env>.yaml`) without touching the disk: a
 * promotion renders its edit before anything is written.
 */
export async function loadProject(root: string, envOverrides?: ReadonlyMap<string, string>): Promise<LoadedProject> {
  const appFiles = await loadAppFiles(join(root, 'charts-src'));
  const envFiles = loadEnvFiles(join(root, 'envs'), 'envs', envOverrides);
  if (envFiles.length === 0) throw new ConfigError('envs/: no environment file (envs/<env>.yaml)');
  checkCrossReferences(appFiles, envFiles, { root });
  return {
    model: { apps: appFiles.map((a) => a.definition), envs: envFiles.map((e) => e.definition) },
    appFiles,
    envFiles,
    warnings: namespaceWarnings(envFiles),
  };
}

/**
 * Checks that need apps and envs together. With `root` (the platform repo, to resolve local
 * repo paths against) also that no two envs share an env repo and branch.
 */
function checkCrossReferences(appFiles: readonly AppFile[], envFiles: readonly EnvFile[], options: { readonly root?: string } = {}): void {
  const problems = new Problems(locateIn(envFiles));
  const apps = new Map(appFiles.map((a) => [a.definition.name, a.definition]));
  const envs = new Map(envFiles.map((e) => [e.definition.name, e]));
  for (const { file, definition: env } of envFiles) {
    for (const [name, settings] of Object.entries(env.apps)) {
      const field = `apps.${name}`;
      const app = apps.get(name);
      if (!app) {
        problems.add(file, field, `no charts-src/${name}.ts defines app '${name}'`);
        continue;
      }
      if (env.requireDigests && !settings.tag.includes('@sha256:')) {
        problems.add(
          file,
          `${field}.tag`,
          `'${settings.tag}' has no digest; ${env.name} requires them (requireDigests: true): use <tag>@sha256:<digest>`,
        );
      }
      if (env.pinnedTags && FLOATING_TAGS.has(settings.tag)) {
        problems.add(file, `${field}.tag`, `'${settings.tag}' floats; ${env.name} pins tags (pinnedTags: true): use a version tag`);
      }
      const auto = settings.autoscaling;
      if (auto) {
        const min = auto.minReplicas ?? app.autoscaling.minReplicas;
        const max = auto.maxReplicas ?? app.autoscaling.maxReplicas;
        if (min > max) problems.add(file, `${field}.autoscaling`, `minReplicas (${min}) is above maxReplicas (${max})`);
      }
      // Only the app's own kind may be overridden, by that kind's rules (generators/delivery-kinds/<kind>).
      for (const [f, m] of checkDeliveryOverrides(app, settings, field)) problems.add(file, f, m);
    }
    if (env.promotesFrom !== undefined) {
      if (env.promotesFrom === env.name) problems.add(file, 'promotesFrom', `'${env.name}' cannot promote from itself`);
      else if (!envs.has(env.promotesFrom)) problems.add(file, 'promotesFrom', `no envs/${env.promotesFrom}.yaml`);
      else if (promotionCycle(env.name, envs))
        problems.add(file, 'promotesFrom', `'${env.promotesFrom}' leads back to '${env.name}' (a cycle)`);
    }
  }
  if (options.root !== undefined) checkEnvRepos(envFiles, options.root, problems);
  checkArgoCdNames(envFiles, problems);
  checkNamespaceObjects(envFiles, apps, problems);
  checkNamespaceReach(envFiles, problems);
  problems.throwIfAny();
}

function promotionCycle(start: string, envs: ReadonlyMap<string, EnvFile>): boolean {
  const seen = new Set<string>([start]);
  let next = envs.get(start)?.definition.promotesFrom;
  while (next !== undefined) {
    if (seen.has(next)) return true;
    seen.add(next);
    next = envs.get(next)?.definition.promotesFrom;
  }
  return false;
}
