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
    let running = 0;
    let most = 0;
    // Later envs finish first.
    const outcome = await forEachEnv(
      envs,
      async ({ name }) => {
        most = Math.max(most, ++running);
        await sleep(40 - 8 * envs.findIndex((e) => e.name === name));
        running--;
        if (name === 'eu' || name === 'dev') throw new Error(`${name} refused`);
        return name;
      },
      { concurrency: 3 },
    );
    expect(most).toBe(3);
    expect(outcome.results).toEqual(['staging', 'production', 'us']);
    expect(outcome.failures.map((f) => f.env)).toEqual(['dev', 'eu']);
  });
});
