/**
 * Step `commit-platform-repo`: the platform repo's half of a direct promotion: envs/<env>.yaml
 * (and out/) committed alone and pushed (platform-repo.ts has the order of the two writes, what
 * a failure between them leaves, and the push's own retry). Also run when the env repo had the
 * tag already: an earlier promotion whose platform half did not happen (or another machine's)
 * is finished here (a bundle: one commit for all its apps). Promotions for review, dry runs and a
 * platform repo that has it: `skipped`.
 */
import type { EnvDefinition } from '../../../generators/environment.js';
import { hasOutDir, outPathsOf, refreshOutEnv, renderEnvFiles } from '../out-refresh.js';
import { tagEdit } from '../env-file-tags.js';
import type { RecordRequest } from '../platform-repo.js';
import { isBundle, need, type PromotionContext } from './context.js';
import { skipped, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function commitPlatformRepo(c: PromotionContext): Promise<StepResult> {
  const { env, platform } = need(c.resolved, 'resolve');
  const { remote, title, actor } = need(c.routed, 'route');
  const state = need(c.edited, 'edit-envs');
  const { desired } = need(c.rendered, 'render');
  const envCommit = need(c.envCommit, 'commit-env-repo');
  const { moves } = state;
  if (!platform)
    return skipped(
      envCommit.branch ? 'for review: envs/ changes once it is merged (slipway pull)' : 'nothing records in the platform repo',
    );
  if (moves.length === 0) return skipped('nothing moves');
  const tags = `${moves.map((m) => `${m.app} ${m.tag}`).join(', ')} ${moves.length === 1 ? 'is' : 'are'}`;
  if (envCommit.status === 'unchanged') {
    // The env repo has it: an earlier promotion whose platform-repo half did not happen (or another machine's).
    const recorded = await platform.record(
      recordRequest(
        c,
        env,
        desired,
        title(moves, (app) => env.apps[app]!.tag),
        `${tags} in ${remote.description} already`,
        state.main.head!,
        actor,
      ),
    );
    if (recorded.status === 'unchanged') return skipped(recorded.summary);
    c.platformCommit = { status: 'recorded', summary: recorded.summary };
    return succeeded(recorded.summary, { commit: recorded.commit });
  }
  if (envCommit.status !== 'committed') return skipped(`nothing to record (${envCommit.status})`);
  const sha = envCommit.commit!;
  const recorded = await platform.record(
    recordRequest(
      c,
      env,
      desired,
      title(moves, (app) => state.current.get(app)),
      `${tags} committed to ${remote.description} (${sha.slice(0, 12)})`,
      sha,
      actor,
    ),
  );
  c.platformCommit = { status: 'committed', summary: recorded.summary };
  return succeeded(recorded.summary, { commit: recorded.commit });
}

/**
 * The platform-repo half of a direct promotion: the moving apps' tag edits (and the tags adopted
 * from the env repo), re-applicable on a newer head of the platform repo; out/ refreshed along.
 */
function recordRequest(
  c: PromotionContext,
  env: EnvDefinition,
  desired: ReadonlyMap<string, string>,
  title: string,
  done: string,
  envCommit: string,
  actor: string,
): RecordRequest {
  const { o } = c;
  const state = need(c.edited, 'edit-envs');
  const file = `envs/${o.env}.yaml`;
  const recover = `slipway pull --env ${o.env}`;
  const changes = [
    ...state.moves.map((m) => ({ app: m.app, from: env.apps[m.app]!.tag, to: m.tag, own: true })),
    ...state.adopted.map((a) => ({ app: a.app, from: env.apps[a.app]!.tag, to: a.tag, own: false })),
  ];
  const [one] = state.moves;
  const what = isBundle(state.moves)
    ? [`Slipway-Bundle: ${state.moves.map((m) => `${m.app}=${m.tag}`).join(',')}`, `Slipway-Env: ${o.env}`]
    : [`Slipway-App: ${one!.app}`, `Slipway-Env: ${o.env}`, `Slipway-To: ${one!.tag}`];
  return {
    file,
    edit: tagEdit(file, changes, recover),
    message: [title, '', ...what, `Slipway-Env-Commit: ${envCommit}`, `Slipway-Actor: ${actor}`, ''].join('\n'),
    done,
    recover,
    out: {
      paths: outPathsOf(o.env),
      refresh: async (text) => {
        if (!hasOutDir(o.root)) return;
        // The text rendered already (the usual case) is not rendered again.
        await refreshOutEnv(
          o.root,
          o.env,
          text === state.after ? desired : await renderEnvFiles(o.root, o.env, text, { crdsDir: o.crdsDir, validate: false }),
        );
      },
    },
  };
}

export const commitPlatformRepoStep: Step<PromotionContext> = { kind: 'commit-platform-repo', run: commitPlatformRepo };
