/**
 * The promotion step runner as a table: what each step returns (per call) → which steps ran, in
 * what order and on which attempt, what was thrown, what was announced. Pure: no git, no files.
 */
import type { PromotionContext } from '../../src/promotion/steps/context.js';
import { promotionPipeline } from '../../src/promotion/steps/index.js';
import { describe, expect, it } from 'vitest';
import { BranchMovedError } from '../../src/core/env-remote.js';
import { errored, failed, runSteps, skipped, succeeded, type Pipeline, type Step, type StepResult } from '../../src/core/step-runner.js';

const ok = succeeded();
const skip = skipped('nothing to do');
const fail = failed(new Error('fix this first'));
const moved = errored(new Error('the branch moved'), { moved: true });
const down = errored(new Error('network down'));

/** A step whose calls return `script` in turn (the last one from then on); `throws`: it throws; `throws-moved`: a commit's BranchMovedError. */
function scripted(kind: string, script: readonly (StepResult | 'throws' | 'throws-moved')[], ran: string[]): Step<object> {
  let call = 0;
  return {
    kind,
    run: async (_ctx, attempt) => {
      ran.push(`${kind}@${attempt}`);
      const next = script[Math.min(call++, script.length - 1)]!;
      if (next === 'throws') throw new Error(`${kind} threw`);
      if (next === 'throws-moved') throw new BranchMovedError('env repo', { cause: new Error('the branch moved') });
      return next;
    },
  };
}

interface Row {
  readonly name: string;
  /** Per step kind, what it returns on each call (default: succeeded). */
  readonly script: Readonly<Record<string, readonly (StepResult | 'throws' | 'throws-moved')[]>>;
  /** `kind@attempt` in the order run. */
  readonly ran: readonly string[];
  /** The error's message, when the run throws. */
  readonly thrown?: string;
  /** onRetry's (next attempt / cap) announcements. */
  readonly retries?: readonly string[];
  /** The report's statuses, when the run finishes. */
  readonly report?: readonly string[];
}

// Pipeline: a, b, then a retry group [g1, g2] (cap 3), then c.
const rows: Row[] = [
  {
    name: 'every step succeeds: each runs once, in order, and the report collects them',
    script: {},
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1', 'c@1'],
    report: ['a:succeeded', 'b:succeeded', 'g1:succeeded', 'g2:succeeded', 'c:succeeded'],
  },
  {
    name: 'skipped continues with the next step',
    script: { b: [skip], g2: [skip] },
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1', 'c@1'],
    report: ['a:succeeded', 'b:skipped', 'g1:succeeded', 'g2:skipped', 'c:succeeded'],
  },
  {
    name: 'failed stops: nothing after it runs, its error is thrown',
    script: { b: [fail] },
    ran: ['a@1', 'b@1'],
    thrown: 'fix this first',
  },
  {
    name: 'failed inside a retry group is never retried',
    script: { g2: [fail] },
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1'],
    thrown: 'fix this first',
  },
  {
    name: 'errored without the branch moving stops, not retried',
    script: { g2: [down] },
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1'],
    thrown: 'network down',
  },
  {
    name: 'branch moved in the group: the group runs again from its first step, steps before it do not',
    script: { g2: [moved, ok] },
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1', 'g1@2', 'g2@2', 'c@1'],
    retries: ['2/3'],
    report: ['a:succeeded', 'b:succeeded', 'g1:succeeded', 'g2:errored', 'g1:succeeded', 'g2:succeeded', 'c:succeeded'],
  },
  {
    name: 'a step that throws BranchMovedError (a commit that found its branch moved) is a move too',
    script: { g2: ['throws-moved', ok] },
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1', 'g1@2', 'g2@2', 'c@1'],
    retries: ['2/3'],
    report: ['a:succeeded', 'b:succeeded', 'g1:succeeded', 'g2:errored', 'g1:succeeded', 'g2:succeeded', 'c:succeeded'],
  },
  {
    name: "branch moved on every attempt: gives up at the cap with the group's error",
    script: { g2: [moved] },
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1', 'g1@2', 'g2@2', 'g1@3', 'g2@3'],
    retries: ['2/3', '3/3'],
    thrown: 'kept moving after 3 attempts (the branch moved)',
  },
  {
    name: 'branch moved, then failed on the retry: stops with the failure',
    script: { g2: [moved, fail] },
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1', 'g1@2', 'g2@2'],
    retries: ['2/3'],
    thrown: 'fix this first',
  },
  {
    name: 'branch moved outside a retry group: nothing to re-apply, it stops',
    script: { c: [moved] },
    ran: ['a@1', 'b@1', 'g1@1', 'g2@1', 'c@1'],
    thrown: 'the branch moved',
  },
  {
    name: 'a step that throws stops the run with its error, not retried',
    script: { g1: ['throws'] },
    ran: ['a@1', 'b@1', 'g1@1'],
    thrown: 'g1 threw',
  },
];

describe('the promotion step runner', () => {
  it.each(rows)('$name', async (row) => {
    const ran: string[] = [];
    const retries: string[] = [];
    const step = (kind: string) => scripted(kind, row.script[kind] ?? [ok], ran);
    const pipeline: Pipeline<object> = [
      step('a'),
      step('b'),
      {
        retry: {
          attempts: 3,
          backoffMs: () => 0,
          onRetry: (_wait, next, attempts) => retries.push(`${next}/${attempts}`),
          gaveUp: (cause, attempts) => new Error(`kept moving after ${attempts} attempts (${(cause as Error).message})`),
        },
        steps: [step('g1'), step('g2')],
      },
      step('c'),
    ];
    const run = runSteps(pipeline, {});
    if (row.thrown !== undefined) {
      await expect(run).rejects.toThrow(row.thrown);
    } else {
      const report = await run;
      if (row.report) expect(report.steps.map((s) => `${s.kind}:${s.result.status}`)).toEqual(row.report);
    }
    expect(ran).toEqual(row.ran);
    expect(retries).toEqual(row.retries ?? []);
  });

  it('the report numbers each step by the attempt it ran in', async () => {
    const ran: string[] = [];
    const report = await runSteps(
      [{ retry: { backoffMs: () => 0, gaveUp: () => new Error('gave up') }, steps: [scripted('g', [moved, moved, ok], ran)] }],
      {},
    );
    expect(report.steps.map((s) => s.attempt)).toEqual([1, 2, 3]);
  });

  it('holds the lock around every step, and releases it when a step fails', async () => {
    const events: string[] = [];
    const lock = async <T>(work: () => Promise<T>): Promise<T> => {
      events.push('lock');
      try {
        return await work();
      } finally {
        events.push('unlock');
      }
    };
    const step = (kind: string, result: StepResult): Step<object> => ({
      kind,
      run: async () => {
        events.push(kind);
        return result;
      },
    });
    await runSteps([step('a', ok), step('b', ok)], {}, { lock });
    await expect(runSteps([step('a', ok), step('b', fail), step('c', ok)], {}, { lock })).rejects.toThrow('fix this first');
    expect(events).toEqual(['lock', 'a', 'b', 'unlock', 'lock', 'a', 'b', 'unlock']);
  });

  it('a failed step without an error of its own still stops, naming the step', async () => {
    const bare: Step<object> = { kind: 'gate', run: async () => ({ status: 'failed', message: 'refused' }) };
    await expect(runSteps([bare], {})).rejects.toThrow('gate: refused');
  });
});

describe('the promotion pipeline', () => {
  it('runs resolve → gate → route → [edit-envs → render → commit-env-repo] → commit-platform-repo → report', () => {
    const pipeline = promotionPipeline({ o: { env: 'staging', log: () => undefined } } as unknown as PromotionContext);
    const kinds = pipeline.map((p) => ('steps' in p ? p.steps.map((s) => s.kind) : p.kind));
    expect(kinds).toEqual(['resolve', 'gate', 'route', ['edit-envs', 'render', 'commit-env-repo'], 'commit-platform-repo', 'report']);
  });
});
