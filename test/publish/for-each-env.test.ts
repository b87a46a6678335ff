/**
 * forEachEnv: every env runs whatever the others do; side by side when asked (status), never more
 * at once than asked, and results and failures always in the envs' order, however the envs finish.
 */
import { describe, expect, it } from 'vitest';
import { forEachEnv } from '../../src/publish/for-each-env.js';

const envs = ['dev', 'staging', 'production', 'eu', 'us'].map((name) => ({ name }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('forEachEnv', () => {
  it('in turn by default: one env at a time, a failure recorded and the next one run', async () => {
    let running = 0;
    let most = 0;
    const outcome = await forEachEnv(envs, async ({ name }) => {
      most = Math.max(most, ++running);
      await sleep(5);
      running--;
      if (name === 'staging') throw new Error('unreachable');
      return name;
    });
    expect(most).toBe(1);
    expect(outcome.results).toEqual(['dev', 'production', 'eu', 'us']);
    expect(outcome.failures.map((f) => [f.env, (f.error as Error).message])).toEqual([['staging', 'unreachable']]);
  });

  it('side by side with a concurrency: at most that many at once, results and failures in the envs order', async () => {
    // The test settles the envs itself, always the latest-listed one running first, so they
    // finish in an order unlike the envs' (production, eu, us, staging, dev).
    const running = new Map<string, { ok: () => void; fail: (e: Error) => void }>();
    let most = 0;
    const outcome = forEachEnv(
      envs,
      ({ name }) =>
        new Promise<string>((resolve, reject) => {
          running.set(name, { ok: () => resolve(name), fail: reject });
          most = Math.max(most, running.size);
        }),
      { concurrency: 3 },
    );
    const finished: string[] = [];
    for (let settled = 0; settled < envs.length; settled++) {
      await new Promise((r) => setImmediate(r)); // the freed worker takes the next env
      const last = envs
        .map((e) => e.name)
        .filter((n) => running.has(n))
        .at(-1)!;
      const { ok, fail } = running.get(last)!;
      running.delete(last);
      finished.push(last);
      if (last === 'eu' || last === 'dev') fail(new Error(`${last} refused`));
      else ok();
    }
    const { results, failures } = await outcome;
    expect(finished).toEqual(['production', 'eu', 'us', 'staging', 'dev']);
    expect(most).toBe(3);
    expect(results).toEqual(['staging', 'production', 'us']);
    expect(failures.map((f) => f.env)).toEqual(['dev', 'eu']);
  });
});
