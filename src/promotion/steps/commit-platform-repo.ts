/**
 * Step `commit-platform-repo`: the platform repo's half of a direct promotion: envs/<env>.yaml
 * (and out/) committed alone and pushed (platform-repo.ts has the order of the two writes, what
 * a failure between them leaves, and the push's own retry). Also run when the env repo had the
 * tag already: an earlier promotion whose platform half did not happen (or another machine's)
 * is finished here. Promotions for review, dry runs and a platform repo that has it: `skipped`.
 */
import type { EnvDefinition } from '../../../generators/environment.js';
import { hasOutDir, outPathsOf, refreshOutEnv, renderEnvFiles } from '../out-refresh.js';
import { tagEdit } from '../env-file-tags.js';
import type { RecordRequest } from '../platform-repo.js';
import type { PromoteOptions } from '../promote.js';
import { need, type Edited, type PromotionContext } from './context.js';
import { skipped, succeeded, type Step, type StepResult } from '../../core/step-runner.js';

async function commitPlatformRepo(c: PromotionContext): Promise<StepResult> {
  const { o } = c;
  const { env, platform, tag } = need(c.resolved, 'resolve');
  const { remote, title, actor, localTag } = need(c.routed, 'route');
  const state = need(c.edited, 'edit-envs');
  const { desired } = need(c.rendered, 'render');
  const envCommit = need(c.envCommit, 'commit-env-repo');
  if (!platform)
    return skipped(
      envCommit.branch ? 'for review: envs/ changes once it is merged (slipway pull)' : 'nothing records in the platform repo',
    );
  if (envCommit.status === 'unchanged') {
    // The env repo has it: an earlier promotion whose platform-repo half did not happen (or another machine's).
    const recorded = await platform.record(
      recordRequest(
        o,
        env,
        state,
        desired,
        tag,
        title(localTag),
        `${o.app} ${tag} is in ${remote.description} already`,
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
      o,
      env,
      state,
      desired,
      tag,
      title(state.current),
      `${o.app} ${tag} is committed to ${remote.description} (${sha.slice(0, 12)})`,
      sha,
      actor,
    ),
  );
  c.platformCommit = { status: 'committed', summary: recorded.summary };
  return succeeded(recorded.summary, { commit: recorded.commit });
}

/**
 * The platform-repo half of a direct promotion: this app's tag edit (and the tags adopted from
 * the env repo), re-applicable on a newer head of the platform repo; out/ refreshed along.
 */
function recordRequest(
  o: PromoteOptions,
  env: EnvDefinition,
  state: Edited,
  desired: ReadonlyMap<string, string>,
  tag: string,
  title: string,
  done: string,
  envCommit: string,
  actor: string,
): RecordRequest {
  const file = `envs/${o.env}.yaml`;
  const recover = `slipway pull --env ${o.env}`;
  const changes = [
    { app: o.app, from: env.apps[o.app]!.tag, to: tag, own: true },
    ...state.adopted.map((a) => ({ app: a.app, from: env.apps[a.app]!.tag, to: a.tag, own: false })),
  ];
  return {
    file,
    edit: tagEdit(file, changes, recover),
    message: [
      title,
      '',
      `Slipway-App: ${o.app}`,
      `Slipway-Env: ${o.env}`,
      `Slipway-To: ${tag}`,
      `Slipway-Env-Commit: ${envCommit}`,
      `Slipway-Actor: ${actor}`,
      '',
    ].join('\n'),
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
