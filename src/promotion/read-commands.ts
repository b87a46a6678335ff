/**
 * status and history: the promotion commands that only read (the env files, the env repos, the
 * platform repo's remote). Kept apart from those that write (commands.ts, promote.ts), so these
 * load neither the generators nor cdk8s: `slipway status` is run often, from terminals and CI.
 */
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import type { EnvRemote, RemoteError, RemoteTree } from '../core/env-remote.js';
import { loadSelectedEnvs } from '../load/load-envs.js';
import { committedTags } from '../plan/committed-tags.js';
import type { TagDrift } from '../plan/reconcile-tags.js';
import { forEachEnv, type EnvFailure } from '../publish/for-each-env.js';
import { remoteFor, type RemoteContext } from '../publish/remotes.js';
import { appHistory, type HistoryEntry } from './history.js';
import { pendingReviews } from './promotion-branch.js';
import { platformDisagreements, platformSync, tagDisagreements, type Disagreement, type PlatformSync } from './two-repos.js';

export interface CommandContext extends RemoteContext {
  readonly envs?: readonly string[];
}

/**
 * The env files, validated: all these commands read (status, history, pull, rollback's checks).
 * Not the whole project: no app file is loaded (nor cdk8s) to list tags.
 */
export async function envsOf(ctx: CommandContext): Promise<EnvDefinition[]> {
  return loadSelectedEnvs(ctx.root, ctx.envs);
}

export async function envNamed(ctx: RemoteContext, name: string, app: string): Promise<EnvDefinition> {
  const [env] = await envsOf({ ...ctx, envs: [name] });
  if (!env!.apps[app]) throw new ConfigError(`envs/${name}.yaml: apps.${app}: '${app}' is not in ${name}`);
  return env!;
}

export async function history(ctx: RemoteContext, app: string, envName: string, limit?: number): Promise<HistoryEntry[]> {
  const env = await envNamed(ctx, envName, app);
  return appHistory(remoteFor(env, ctx), env, app, limit);
}

interface StatusRow {
  readonly app: string;
  readonly env: string;
  /** Tag in envs/<env>.yaml. */
  readonly declared: string;
  /** Tag in the env repo (undefined: not deployed there yet). */
  readonly committed: string | undefined;
  /** Open promotion pull request, GitHub only (also in `pending`). */
  readonly pullRequest: { number: number; url: string } | undefined;
  /** A promotion branch pending review, on any remote: its open pull request, or (elsewhere) not merged yet. */
  readonly pending:
    | { readonly branch: string; readonly head: string; readonly pullRequest?: { readonly number: number; readonly url: string } }
    | undefined;
  readonly differs: boolean;
  /** in sync; env repo ahead (of envs/); not deployed. */
  readonly state: 'in sync' | 'env repo ahead' | 'not deployed';
  /** The one command that reconciles a difference. */
  readonly reconcile?: string;
}

export interface StatusReport {
  readonly rows: StatusRow[];
  /** The platform repo checkout against its remote (fetched). */
  readonly platform: PlatformSync;
  /** Every disagreement between the two repos, each with the one command that reconciles it. */
  readonly disagreements: Disagreement[];
  /** The envs whose repo could not be read, with why. */
  readonly failures: readonly EnvFailure[];
  /** Why the platform repo's remote could not be read (its class gives the exit code), when it could not. */
  readonly platformFailure?: RemoteError;
  /** The envs it read, as their files declare them (for the status page, which draws them all). */
  readonly envs: readonly EnvDefinition[];
  /** Each readable env's remote and the branch tree it read (the status page reads on from them). */
  readonly reads: ReadonlyMap<string, { readonly remote: EnvRemote; readonly tree: RemoteTree }>;
}

/** How many env repos status (and its page) read at once. */
export const ENVS_READ_AT_ONCE = 4;

/**
 * `slipway status`: app × env (the tag in envs/, in the env repo, a pending promotion branch or
 * pull request, the state and what reconciles it), and the platform repo against its remote.
 */
export async function statusReport(ctx: CommandContext): Promise<StatusReport> {
  const envs = await envsOf(ctx);
  // Every env it can reach is shown; one failure per env it cannot (the CLI prints one line each).
  // Only reads, each env in its own cache clone: envs are read side by side (most of the time is
  // git and the server answering), and their rows come back in the envs' order.
  const reading = forEachEnv(
    envs,
    async (env) => {
      const remote = remoteFor(env, ctx);
      ctx.log(`${env.name}: reading ${remote.description}`);
      const apps = enabledApps(env);
      const tree = await remote.read();
      const tags = await committedTags(tree, env, apps);
      const { branches: pending, bundle } = await pendingReviews(remote, env.name, apps);
      // A bundle pending review is pending for each app whose tag it changes (an app's own
      // promotion branch, when there is one too, is the one shown).
      if (bundle !== undefined) {
        const bundled = await committedTags(await remote.read(bundle.branch), env, apps);
        for (const app of apps) if (!pending.has(app) && bundled.get(app) !== tags.get(app)) pending.set(app, bundle);
      }
      const drift: TagDrift[] = [];
      const rows: StatusRow[] = [];
      for (const app of apps) {
        const committed = tags.get(app);
        const declared = env.apps[app]!.tag;
        const p = pending.get(app);
        const ahead = committed !== undefined && committed !== declared;
        if (ahead) drift.push({ app, local: declared, repo: committed });
        rows.push({
          app,
          env: env.name,
          declared,
          committed,
          pullRequest: p?.pullRequest,
          pending: p,
          differs: committed !== declared,
          state: committed === undefined ? 'not deployed' : ahead ? 'env repo ahead' : 'in sync',
          ...(ahead
            ? { reconcile: `slipway pull --env ${env.name}` }
            : committed === undefined
              ? { reconcile: `slipway bootstrap --env ${env.name}` }
              : {}),
        });
      }
      return { env: env.name, rows, disagreements: tagDisagreements(env.name, drift), read: { remote, tree } };
    },
    { concurrency: ENVS_READ_AT_ONCE },
  );
  // The platform repo's fetch is another repository: it runs beside the env reads. Settled both,
  // so an error of the platform side surfaces once the env reads are done, not while they run.
  const syncing = platformSync(
    ctx.root,
    envs.map((e) => `envs/${e.name}.yaml`),
    { fetch: true, environment: ctx.environment },
  );
  const [read, synced] = await Promise.allSettled([reading, syncing]);
  if (read.status === 'rejected') throw read.reason;
  if (synced.status === 'rejected') throw synced.reason;
  const { results, failures } = read.value;
  const { failure: platformFailure, ...platform } = synced.value;
  const rows = results.flatMap((r) => r.rows);
  const disagreements = results.flatMap((r) => r.disagreements);
  disagreements.push(...platformDisagreements(platform));
  return {
    envs,
    rows: rows.sort((a, b) => a.app.localeCompare(b.app) || a.env.localeCompare(b.env)),
    platform,
    disagreements,
    failures,
    ...(platformFailure ? { platformFailure } : {}),
    reads: new Map(results.map((r) => [r.env, r.read])),
  };
}
