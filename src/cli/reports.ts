/**
 * What the commands print: plans, promotions, applies, tables; text or one JSON document.
 */
import { planJson, renderPlan } from '../plan/plan.js';
import type { EnvApplyResult } from '../publish/apply-plan.js';
import type { EnvPublishResult } from '../publish/bootstrap.js';
import { EnvFailuresError, type EnvFailure } from '../publish/for-each-env.js';
import type { BundleResult } from '../promotion/bundle.js';
import type { PromoteResult } from '../promotion/promote.js';
import type { TrackDecision } from '../promotion/track.js';
import type { RegistryLookup } from '../registry/registry-standing.js';
import { EXIT, exitCodeFor, jsonErrors, reportEnvFailures, worstExitCode, type Io } from './io.js';

/** Prints a promotion's plan and outcome; exit 0 (also when there was nothing to do). */
export function reportPromotion(result: PromoteResult, io: Io): number {
  if (io.json) {
    io.emitJson({ ...result, plan: planJson(result.plan) });
    return EXIT.ok;
  }
  io.out(renderPlan(result.plan, { color: io.color, diffs: 'all', summaryOnly: io.quiet }));
  for (const a of result.adopted) io.warn(`adopted ${a.app} ${a.tag} from the env repo (promoted elsewhere) into envs/${result.env}.yaml`);
  for (const w of result.warnings ?? []) io.warn(w);
  io.out(result.message);
  if (result.platformRepo) io.out(result.platformRepo);
  return EXIT.ok;
}

/** Prints a bundle's plan, one row per app (what it got, or why not) and the outcome; exit 0 (also when there was nothing to do). */
export function reportBundle(result: BundleResult, io: Io): number {
  if (io.json) {
    io.emitJson({ ...result, apps: result.apps.map(({ error: _e, ...d }) => d), ...(result.plan ? { plan: planJson(result.plan) } : {}) });
    return EXIT.ok;
  }
  if (result.plan) io.out(renderPlan(result.plan, { color: io.color, diffs: 'all', summaryOnly: io.quiet }));
  if (result.apps.length > 0)
    io.out(
      table(
        ['app', 'deployed', 'to', 'decision', 'why'],
        result.apps.map((d) => [d.app, d.current ?? '', d.tag ?? '', d.action, d.reason]),
      ),
    );
  for (const a of result.adopted) io.warn(`adopted ${a.app} ${a.tag} from the env repo (promoted elsewhere) into envs/${result.env}.yaml`);
  for (const w of result.warnings ?? []) io.warn(w);
  io.out(result.message);
  if (result.platformRepo) io.out(result.platformRepo);
  return EXIT.ok;
}

/** A plain text table, columns padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Prints plans (and for bootstrap, what happened and the hand-over); returns the exit code. */
export function report(
  results: readonly EnvPublishResult[],
  io: Io,
  mode: 'plan' | 'bootstrap',
  failures: readonly EnvFailure[] = [],
  savedPlan?: string,
  showHandOver = false,
): number {
  const pending = results.some((r) => r.plan.changes.length > 0);
  const code = worstExitCode([mode === 'plan' && pending ? EXIT.changesPending : EXIT.ok, ...failures.map((f) => exitCodeFor(f.error))]);
  if (io.json) {
    const failed = failures.length ? new EnvFailuresError([], failures) : undefined;
    io.emitJson({
      ...(failed ? { ok: false, exitCode: code, error: jsonErrors(failed)[0], errors: jsonErrors(failed) } : {}),
      ...(io.command === 'bootstrap' ? { dryRun: mode === 'plan' } : {}),
      changesPending: mode === 'plan' ? pending : undefined,
      ...(savedPlan !== undefined ? { savedPlan } : {}),
      envs: results.map((r) => ({
        ...planJson(r.plan),
        created: r.created,
        commit: r.commit ?? null,
        argocdSecretFile: r.access?.secretFile ?? null,
        branchProtection: r.protection ?? null,
        handOver: r.handOver,
        warnings: r.warnings,
        route: r.route ?? null,
        branch: r.branch ?? null,
        pullRequest: r.pullRequest ?? null,
      })),
    });
  } else {
    for (const r of results) {
      // A new file's whole content is noise in a terminal: shown with --verbose (and always in --json).
      io.out(renderPlan(r.plan, { color: io.color, diffs: io.verbose ? 'all' : 'changes', summaryOnly: io.quiet }));
      for (const w of r.warnings) io.warn(w);
      if (mode === 'plan' && r.route) io.out(r.route);
      if (mode === 'bootstrap') {
        io.out(
          r.route ?? (r.commit ? `${r.env}: committed ${r.commit} to ${r.remote}` : `${r.env}: ${r.remote} already up to date; no commit`),
        );
        // Once, with the first commit of a new or empty repo (or when asked for): it is the one
        // manual step, not news on every run.
        const first = r.created || (r.plan.head === undefined && r.commit !== undefined);
        if (!io.quiet && (first || showHandOver)) io.out(r.handOver.join('\n') + '\n');
      }
    }
    reportEnvFailures(failures, io);
    if (savedPlan !== undefined)
      io.out(`Saved the plan to ${savedPlan}: slipway apply ${savedPlan} commits exactly this, if no env repo moved meanwhile.`);
  }
  return code;
}

/** Prints what `slipway apply` committed (and the envs it could not); returns the exit code. */
export function reportApply(
  results: readonly EnvApplyResult[],
  failures: readonly EnvFailure[],
  io: Io,
  plan: { file: string; digest: string; createdAt: string; sourceCommit: string },
): number {
  const code = worstExitCode(failures.map((f) => exitCodeFor(f.error)));
  if (io.json) {
    const failed = failures.length ? new EnvFailuresError([], failures) : undefined;
    io.emitJson({
      ...(failed ? { ok: false, exitCode: code, error: jsonErrors(failed)[0], errors: jsonErrors(failed) } : {}),
      plan,
      envs: results.map((r) => ({
        env: r.env,
        remote: r.remote,
        head: r.head,
        commit: r.commit ?? null,
        created: r.created,
        summary: r.plan.summary,
        changes: r.plan.changes.map((c) => ({ path: c.path, action: c.action })),
      })),
    });
    return code;
  }
  for (const r of results) {
    io.out(renderPlan(r.plan, { color: io.color, diffs: 'none', summaryOnly: io.quiet }));
    io.out(r.commit ? `${r.env}: committed ${r.commit} to ${r.remote}` : `${r.env}: nothing to apply`);
  }
  reportEnvFailures(failures, io);
  return code;
}

/** `slipway track`: one row per decision; the exit code is the worst failure's (0 when every app was decided). */
export function reportTrack(decisions: readonly TrackDecision[], io: Io): number {
  const code = worstExitCode([EXIT.ok, ...decisions.filter((d) => d.error).map((d) => exitCodeFor(d.error))]);
  if (io.json) {
    const errors = decisions.flatMap((d) => (d.error ? jsonErrors(d.error) : []));
    io.emitJson({
      ...(code !== EXIT.ok ? { ok: false, exitCode: code, error: errors[0], errors } : {}),
      decisions: decisions.map(({ error: _e, ...d }) => d),
    });
    return code;
  }
  if (decisions.length === 0) io.out('no app has a track policy in these environments');
  else
    io.out(
      table(
        ['env', 'app', 'deployed', 'picked', 'decision', 'why'],
        decisions.map((d) => [d.env, d.app, d.current ?? '', d.tag ?? '', d.action, d.reason]),
      ),
    );
  for (const d of decisions) if (d.error) io.error(`${d.env}: ${d.app}: ${d.reason}`);
  return code;
}

/** `status --registry`: the registry column's text for a row (empty: the app has no track policy there). */
export function registryCell(lookup: RegistryLookup | undefined): string {
  if (!lookup) return '';
  const s = lookup.standing;
  switch (s.state) {
    case 'error':
      return `${exitCodeFor(lookup.failure) === EXIT.remote ? 'unreachable' : 'failed'}: ${s.error}`;
    case 'no-match':
      return 'no match';
    case 'up-to-date':
      // Deployed past what the policy allows (a forced tag): nothing newer, and never backwards.
      return lookup.against === 'older' ? `up to date (runs newer than ${s.newest})` : 'up to date';
    case 'newer': {
      // The digest shortened as `docker images` does; --json has it whole.
      const shown = `${s.newest}${s.digest ? `@${s.digest.slice(0, 19)}…` : ''}`;
      return `${shown} (${lookup.against === 'repushed' ? 'pushed again' : 'newer'})`;
    }
  }
}

/** `status --registry`: one stderr line per registry failure (rows sharing one are named together); the exit code they mean. */
export function registryErrors(lookups: readonly RegistryLookup[], io: Io): number {
  const byMessage = new Map<string, RegistryLookup[]>();
  for (const l of lookups) if (l.failure !== undefined) byMessage.set(l.standing.error!, [...(byMessage.get(l.standing.error!) ?? []), l]);
  for (const [message, rows] of byMessage) io.error(`${rows.map((r) => `${r.env}: ${r.app}`).join(', ')}: registry: ${message}`);
  return worstExitCode([EXIT.ok, ...lookups.filter((l) => l.failure !== undefined).map((l) => exitCodeFor(l.failure))]);
}
