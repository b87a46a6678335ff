/**
 * The promotion steps by kind, and the order a promotion runs them in:
 *
 *   resolve → gate → route → [edit-envs → render → commit-env-repo] → commit-platform-repo → report
 *
 * A bundle (several apps in one commit) runs the same steps, with its own first and last:
 * resolve-bundle (each app's tag, and the apps with nothing to do) and report-bundle.
 *
 * The bracketed steps are one retry group: when the env repo's branch moved under the commit,
 * they run again from a fresh read (re-read, re-apply the tag edit, re-render), capped backoff,
 * never forced. The platform repo's push retries on its own (platform-repo.ts), because its
 * branch is another one and the env repo's commit must not be made twice.
 */
import { RemoteUnavailableError } from '../../core/env-remote.js';
import { cappedBackoff, type RetryPolicy } from '../../core/retry.js';
import { commitEnvRepoStep } from './commit-env-repo.js';
import { commitPlatformRepoStep } from './commit-platform-repo.js';
import { need, type PromotionContext } from './context.js';
import { editEnvsStep } from './edit-envs.js';
import { gateStep } from './gate.js';
import { renderStep } from './render.js';
import { reportStep } from './report.js';
import { reportBundleStep } from './report-bundle.js';
import { resolveStep } from './resolve.js';
import { resolveBundleStep } from './resolve-bundle.js';
import { routeStep } from './route.js';
import type { Pipeline, Step } from '../../core/step-runner.js';

const promotionSteps = {
  resolve: resolveStep,
  'resolve-bundle': resolveBundleStep,
  gate: gateStep,
  route: routeStep,
  'edit-envs': editEnvsStep,
  render: renderStep,
  'commit-env-repo': commitEnvRepoStep,
  'commit-platform-repo': commitPlatformRepoStep,
  report: reportStep,
  'report-bundle': reportBundleStep,
} as const satisfies Record<string, Step<PromotionContext>>;

/** How the env-repo group retries, and what it says doing so. */
function envRepoRetry(c: PromotionContext): RetryPolicy {
  return {
    backoffMs: cappedBackoff(200),
    onRetry: (wait, next, attempts) =>
      c.o.log(`${c.o.env}: someone committed first; re-reading and re-applying the promotion in ${wait} ms (attempt ${next}/${attempts})`),
    gaveUp: (cause, attempts) =>
      new RemoteUnavailableError(
        `${need(c.routed, 'route').remote.description}: the branch kept moving; gave up after ${attempts} attempts (nothing was written; run again)`,
        { cause, reason: 'contention' },
      ),
  };
}

export function promotionPipeline(c: PromotionContext): Pipeline<PromotionContext> {
  const s = promotionSteps;
  return [s['resolve'], s['gate'], ...committing(c), s['report']];
}

/** A bundle's two parts: what to promote (read only), then the commit (run when something moves). */
export function bundlePipeline(c: PromotionContext): { resolve: Pipeline<PromotionContext>; commit: Pipeline<PromotionContext> } {
  const s = promotionSteps;
  return { resolve: [s['resolve-bundle'], s['gate']], commit: [...committing(c), s['report-bundle']] };
}

function committing(c: PromotionContext): Pipeline<PromotionContext> {
  const s = promotionSteps;
  return [s['route'], { retry: envRepoRetry(c), steps: [s['edit-envs'], s['render'], s['commit-env-repo']] }, s['commit-platform-repo']];
}
