/**
 * Step `resolve`: which env and tag. Loads the envs, opens the platform repo when the promotion
 * records there (a direct one: every check on that side comes before any write), and takes the
 * tag as given or as the `--from` env's repo holds it now.
 */
import type { EnvDefinition } from '../../../generators/environment.js';
import { ConfigError } from '../../core/config-error.js';
import type { EnvRemote, RemoteTree } from '../../core/env-remote.js';
import { loadProject } from '../../load/load-project.js';
import { remoteFor, type RemoteContext } from '../../publish/remotes.js';
import { committedTag } from '../../plan/committed-tags.js';
import { pickLatest, trackPolicyOf, TrackRefusal, type LatestPick } from '../latest.js';
import { outPathsOf } from '../out-refresh.js';
import { PlatformRepo } from '../platform-repo.js';
import type { PromoteOptions, PromotionFlags } from '../promote.js';
import { need, type PromotionContext } from './context.js';
import { failed, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function loadEnvs(o: PromoteOptions): Promise<{ envs: Map<string, EnvDefinition>; env: EnvDefinition; image: string | undefined }> {
  const envFile = `envs/${o.env}.yaml`;
  const project = await loadProject(o.root);
  const envs = new Map(project.envFiles.map((f) => [f.definition.name, f.definition]));
  const image = project.model.apps.find((a) => a.name === o.app)?.image;
  const env = envs.get(o.env);
  if (!env) throw new ConfigError(`--env ${o.env}: no ${envFile} (known: ${[...envs.keys()].join(', ')})`);
  if (!env.apps[o.app])
    throw new ConfigError(`${envFile}: apps.${o.app}: '${o.app}' is not in ${o.env} (its apps: ${Object.keys(env.apps).join(', ')})`);
  if (!env.apps[o.app]!.enabled) throw new ConfigError(`${envFile}: apps.${o.app}: '${o.app}' is disabled in ${o.env} (enabled: false)`);
  return { envs, env, image };
}

/**
 * The platform repo, opened when the promotion records there (a direct one): every check on that
 * side comes before any write (identity, branch, remote reachable, nothing unpushed, envs/<env>.yaml clean).
 */
export async function openPlatform(o: PromotionFlags, env: EnvDefinition): Promise<PlatformRepo | undefined> {
  const recordsInPlatform = !o.dryRun && (o.direct === true || !(o.pr ?? env.promotion === 'pr'));
  if (!recordsInPlatform) return undefined;
  return PlatformRepo.open({
    root: o.root,
    files: [`envs/${o.env}.yaml`, ...outPathsOf(o.env)],
    push: o.push,
    verify: o.verify,
    log: o.log,
    environment: o.environment,
  });
}

async function resolve(c: PromotionContext): Promise<StepResult> {
  const o = need(c.single, 'promote');
  const envFile = `envs/${o.env}.yaml`;
  let { envs, env, image } = await loadEnvs(o);
  // --latest: the policy must be there before anything is opened.
  if (o.latest) trackPolicyOf(env, o.app);
  const ctx: RemoteContext = { root: o.root, environment: o.environment, log: o.log, debug: o.debug };
  const platform = await openPlatform(o, env);
  // Fast-forwarded: envs/ may say something else now; read it again.
  if (platform?.fastForwarded) ({ envs, env, image } = await loadEnvs(o));

  // The tag: given, or what the source env's repo holds now.
  let tag = o.tag;
  if (o.from !== undefined) {
    const source = envs.get(o.from);
    if (!source) return failed(new ConfigError(`--from ${o.from}: no envs/${o.from}.yaml`));
    const sourceRemote = remoteFor(source, ctx);
    o.log(`${o.from}: reading ${o.app}'s tag from ${sourceRemote.description}`);
    tag = await committedTag(await sourceRemote.read(), source, o.app);
    if (tag === undefined)
      return failed(
        new ConfigError(`--from ${o.from}: ${sourceRemote.description} deploys no ${o.app} yet; promote it to ${o.from} first`),
      );
  }
  // --latest: the newest tag the policy allows, against what the env repo deploys now.
  let tracked: LatestPick | undefined;
  let envRepo: { remote: EnvRemote; tree: RemoteTree } | undefined;
  if (o.latest) {
    const remote = remoteFor(env, ctx);
    envRepo = { remote, tree: await remote.read() };
    const current = await committedTag(envRepo.tree, env, o.app);
    tracked = await pickLatest({ app: o.app, env, image: image!, current, environment: o.environment, log: o.log, debug: o.debug });
    if (tracked.tag === undefined) return failed(new TrackRefusal(`${envFile}: apps.${o.app}.track: ${tracked.reason}`, tracked));
    if (tracked.standing === 'older') {
      if (!o.force) return failed(new TrackRefusal(`${o.app}: ${tracked.reason}`, tracked));
      o.log(`${o.env}: ${o.app} goes back to ${tracked.tag} (--force): ${o.reason}`);
    }
    tag = tracked.tag;
  }
  const move = { app: o.app, tag: tag!, ...(o.from !== undefined ? { promotedFrom: o.from } : {}), ...(tracked ? { tracked } : {}) };
  c.resolved = { envs, env, envFile, remoteContext: ctx, platform, moves: [move], decided: [], ...(envRepo ? { envRepo } : {}) };
  return succeeded(`${o.app} ${tag} to ${o.env}${tracked ? `: ${tracked.reason}` : ''}`);
}

export const resolveStep: Step<PromotionContext> = { kind: 'resolve', run: resolve };
