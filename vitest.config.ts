import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Suites with no process-wide state of their own (no env vars, no servers, no cwd): one module graph per worker is enough. */
const PURE = [
  'test/core/**/*.test.ts',
  'test/generators/**/*.test.ts',
  'test/validate/**/*.test.ts',
  'test/load/**/*.test.ts',
  'test/plan/plan.test.ts',
  'test/promotion/pure-helpers.test.ts',
  'test/promotion/step-runner.test.ts',
];

export default defineConfig({
  // App files import 'slipway' (as in a platform repo that installed it): in tests, the sources.
  resolve: { alias: [{ find: /^slipway$/, replacement: fileURLToPath(new URL('generators/index.ts', import.meta.url)) }] },
  test: {
    // helm and git tests start real processes; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    globalSetup: ['test/support/global-setup.ts'],
    // Most test time is spent waiting on child processes (git, helm, the CLI, local servers): three
    // files at once keep both cores busy (measured on the 2-core machine: 401 s with one, 252 s with three).
    maxWorkers: 3,
    projects: [
      // Pure suites share one module graph per worker: cdk8s, ajv and the generators load once, not per file.
      { extends: true, test: { name: 'pure', include: PURE, isolate: false } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: PURE } },
    ],
  },
});
