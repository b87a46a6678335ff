/**
 * Step `report-bundle`: what `promoteBundle` returns (and the CLI prints): one decision per app
 * considered, with why (promoted, up to date, blocked…), and the bundle's one outcome. Also run
 * alone when nothing moves (then no step after the gate ran).
 */
import type { BundleDecision } from '../bundle.js';
import { need, type EnvCommit, type Move, type PromotionContext } from './context.js';
import { succeeded, type Step, type StepResult } from '../../core/step-runner.js';

/** Each moving app's decision, by what the env-repo commit did. */
const ACTIONS: Record<EnvCommit['status'], BundleDecision['action']> = {
  unchanged: 'up-to-date',
  'dry-run': 'would-promote',
  committed: 'promoted',
  'pull-request': 'pull-request',
  'branch-pushed': 'pull-request',
};

async function reportBundle(c: PromotionContext): Promise<StepResult> {
  const o = need(c.bundle, 'promote --all');
  const { decided } = need(c.resolved, 'resolve-bundle');
  const { blocked } = need(c.gated, 'gate');
  const left = [...decided, ...blocked, ...(c.edited?.dropped ?? [])];
  const base = { env: o.env, ...(o.from !== undefined ? { from: o.from } : {}), adopted: c.edited?.adopted ?? [] };
  const moves = c.edited?.moves ?? [];
  const envCommit = c.envCommit;
  if (!envCommit || moves.length === 0) {
    c.bundleResult = { ...base, status: 'nothing-to-do', apps: sorted(left), message: nothingToDo(o.env, o.from, left) };
    return succeeded(c.bundleResult.message);
  }
  const { remote, title, warnings } = need(c.routed, 'route');
  const current = need(c.edited, 'edit-envs').current;
  const action = ACTIONS[envCommit.status];
  const moved = moves.map(
    (m): BundleDecision => ({
      app: m.app,
      current: current.get(m.app),
      tag: m.tag,
      action,
      reason: reasonOf(o.env, m, current.get(m.app)),
      ...(m.tracked ? { policy: m.tracked.policy } : {}),
    }),
  );
  const result = { ...base, apps: sorted([...moved, ...left]), plan: envCommit.plan, warnings };
  const heading = title(moves, (app) => current.get(app));
  switch (envCommit.status) {
    case 'unchanged':
      c.bundleResult = c.platformCommit
        ? {
            ...result,
            status: 'recorded',
            platformRepo: c.platformCommit.summary,
            message: `${heading}: in the env repo already; recorded it in envs/${o.env}.yaml`,
          }
        : {
            ...result,
            status: 'skipped',
            message: `${heading}: in the env repo already${envCommit.onBranch ? ` (on ${envCommit.onBranch})` : ''}; nothing to do`,
          };
      break;
    case 'dry-run':
      c.bundleResult = { ...result, status: 'dry-run', message: `dry run: nothing written (${heading})` };
      break;
    case 'committed':
      c.bundleResult = {
        ...result,
        status: 'committed',
        commit: envCommit.commit,
        platformRepo: need(c.platformCommit, 'commit-platform-repo').summary,
        message: `${heading}: committed ${envCommit.commit!.slice(0, 12)} to ${remote.description}`,
      };
      break;
    default:
      c.bundleResult = {
        ...result,
        status: envCommit.status,
        commit: envCommit.commit,
        branch: envCommit.branch,
        ...(envCommit.pullRequest ? { pullRequest: envCommit.pullRequest } : {}),
        message: envCommit.message!,
      };
  }
  return succeeded(c.bundleResult.message);
}

function reasonOf(env: string, m: Move, current: string | undefined): string {
  if (m.tracked) return m.tracked.reason;
  if (m.promotedFrom) return `${m.promotedFrom} runs ${m.tag}; ${env} runs ${current ?? 'nothing'}`;
  return `${env} runs ${current ?? 'nothing'}; back to ${m.tag}`;
}

function sorted(decisions: readonly BundleDecision[]): BundleDecision[] {
  return [...decisions].sort((a, b) => a.app.localeCompare(b.app));
}

/** The line for a bundle with nothing to promote: how many apps are up to date, blocked… */
function nothingToDo(env: string, from: string | undefined, left: readonly BundleDecision[]): string {
  const counts = new Map<string, number>();
  for (const d of left) counts.set(d.action, (counts.get(d.action) ?? 0) + 1);
  const summary = [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
  return `nothing to promote to ${env}${from !== undefined ? ` from ${from}` : ''}${summary ? ` (${summary})` : ''}`;
}

export const reportBundleStep: Step<PromotionContext> = { kind: 'report-bundle', run: reportBundle };
