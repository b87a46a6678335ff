/**
 * `slipway apply <plan.json>`: commits a saved plan (saved-plan.ts) exactly, or refuses.
 *
 * 1. Every planned env must still be in envs/ and point at the same repo and branch.
 * 2. Every env repo with changes is read: its head must be the one the plan was made against,
 *    else `PlanStaleError` (one line naming the env and both heads) and nothing is written.
 * 3. Then each env gets one commit: exactly the plan's files on exactly that head, moved without
 *    force. A branch that moves between the check and the commit is refused the same way (the
 *    remote's commit needs the branch at the planned head); it is never re-planned or retried.
 *
 * A plan made against a repo that did not exist yet creates it first (as bootstrap does). Apply
 * does no more than commit: deploy keys and branch protection remain bootstrap's. An env that
 * takes changes through review (`promotion: pr`) gets a direct commit only for its first
 * bootstrap, as from bootstrap itself (bootstrap-review.ts); later changes go through bootstrap.
 */
import { join } from 'node:path';
import type { EnvDefinition } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import { loadEnvFiles } from '../load/load-envs.js';
import { bootstrapBranch, isFirstBootstrap, reviewsBootstrap } from './bootstrap-review.js';
import { BranchMovedError, RemoteNotFoundError, type EnvRemote, type RemoteTree } from '../core/env-remote.js';
import { forEachEnv, resultsOrThrow, type EachEnvOutcome } from './for-each-env.js';
import { remoteFor, type RemoteContext } from './remotes.js';
import { commitMessage } from './sync-env.js';
import type { Plan } from '../plan/plan.js';
import { PlanStaleError, savedToPlan, type LoadedSavedPlan, type SavedEnvPlan } from '../plan/saved-plan.js';

export interface EnvApplyResult {
  readonly env: string;
  readonly remote: string;
  /** The head the plan was made against (and the new commit's parent, unless the repo was just created). */
  readonly head: string | null;
  /** The commit made; undefined when the env's plan had no changes. */
  readonly commit: string | undefined;
  /** The repo did not exist and was created. */
  readonly created: boolean;
  readonly plan: Plan;
}

interface Target {
  readonly name: string;
  readonly saved: SavedEnvPlan;
  readonly remote: EnvRemote;
}

/**
 * Applies `loaded` to the env repos. Throws `ConfigError` (plan and envs/ disagree) or
 * `EnvFailuresError` (some env stale or unreachable: with nothing written when found in the
 * check, else carrying the envs that were committed).
 */
export async function applySavedPlan(loaded: LoadedSavedPlan, ctx: RemoteContext, label: string): Promise<EachEnvOutcome<EnvApplyResult>> {
  const { plan: saved, digest } = loaded;
  const definitions = new Map<string, EnvDefinition>(
    loadEnvFiles(join(ctx.root, 'envs'), 'envs').map((f) => [f.definition.name, f.definition]),
  );
  const problems: string[] = [];
  const targets: Target[] = [];
  const unchanged: EnvApplyResult[] = [];
  saved.envs.forEach((env, i) => {
    if (env.changes.length === 0) {
      unchanged.push({ env: env.env, remote: env.remote, head: env.head, commit: undefined, created: false, plan: savedToPlan(env) });
      return;
    }
    const definition = definitions.get(env.env);
    if (!definition) {
      problems.push(
        `${label}: envs[${i}].env: '${env.env}' has no envs/${env.env}.yaml in this platform repo (known: ${[...definitions.keys()].join(', ')})`,
      );
      return;
    }
    const remote = remoteFor(definition, ctx);
    if (remote.description !== env.remote || definition.repo.branch !== env.branch) {
      problems.push(
        `envs/${env.env}.yaml: repo: now ${remote.description} (branch ${definition.repo.branch}), the plan was made for ${env.remote} (branch ${env.branch}): plan again`,
      );
      return;
    }
    targets.push({ name: env.env, saved: env, remote });
  });
  if (problems.length > 0) throw new ConfigError(problems);

  // 2. Every head as planned, before anything is written.
  resultsOrThrow(
    await forEachEnv(targets, async ({ name, saved: env, remote }) => {
      ctx.log(`${name}: checking ${remote.description} is still at ${env.head ?? '(no commit)'}`);
      const tree = await treeOf(remote, env.head === null);
      const head = tree?.head;
      if ((head ?? null) !== env.head) throw new PlanStaleError(name, remote.description, env.head, head ?? null);
      // An env that takes changes through review gets a direct commit only for its first bootstrap, as from bootstrap.
      if (reviewsBootstrap(definitions.get(name)!) && tree && !isFirstBootstrap(tree)) {
        throw new ConfigError(
          `envs/${name}.yaml: promotion: pr: ${name} takes changes through review and slipway apply commits directly, ` +
            `so it applies only a first bootstrap there: run slipway bootstrap --env ${name} (it commits to ${bootstrapBranch(name)} for review)`,
        );
      }
    }),
  );

  // 3. One commit per env.
  const outcome = await forEachEnv(targets, async ({ name, saved: env, remote }): Promise<EnvApplyResult> => {
    const plan = savedToPlan(env);
    let parent = env.head ?? undefined;
    let created = false;
    if (env.head === null) {
      created = (await remote.ensure()).created;
      // A repo created just now may hold a first commit (GitHub's auto_init: a README.md, which the plan writes).
      if (created) parent = (await remote.read()).head;
    }
    const message = commitMessage(
      plan,
      `slipway: sync ${name} (${env.summary.add} added, ${env.summary.change} changed, ${env.summary.destroy} removed)`,
      { 'Slipway-Env': name, 'Slipway-Source-Commit': saved.sourceCommit, 'Slipway-Plan': `sha256:${digest}` },
    );
    try {
      const { sha } = await remote.commit({ parent, write: plan.write, delete: plan.delete, message });
      ctx.log(`${name}: committed ${sha.slice(0, 12)}`);
      return { env: name, remote: remote.description, head: env.head, commit: sha, created, plan };
    } catch (e) {
      if (!(e instanceof BranchMovedError)) throw e;
      throw new PlanStaleError(
        name,
        remote.description,
        env.head,
        (await treeOf(remote, false).then(
          (t) => t?.head,
          () => '(unknown)',
        )) ?? null,
      );
    }
  });
  const order = new Map(saved.envs.map((e, i) => [e.env, i]));
  const results = [...unchanged, ...outcome.results].sort((a, b) => order.get(a.env)! - order.get(b.env)!);
  return { results, failures: outcome.failures };
}

/** The branch now; with `missingIsEmpty`, a repo that does not exist reads as undefined. */
async function treeOf(remote: EnvRemote, missingIsEmpty: boolean): Promise<RemoteTree | undefined> {
  try {
    return await remote.read();
  } catch (e) {
    if (missingIsEmpty && e instanceof RemoteNotFoundError) return undefined;
    throw e;
  }
}
