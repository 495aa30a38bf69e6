import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'impls/**/test/**/*.test.ts',
      'fuzz/test/**/*.test.ts',
      'contracts/test/**/*.test.ts',
      'watch/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Every limit must hold at ten times its idle duration on a shared 2-core machine (CI may be
    // busy; `scripts/test-under-load.sh` checks it). The longest tests (a watchtower judging a
    // devnet, a campaign of worker processes) take about a minute idle, so 15 minutes is the one
    // budget, for tests and hooks alike (hooks prove, start anvil and deploy). Tests set no limits
    // of their own; waits inside them (watch/test/helpers.ts `until`) default to 5 minutes.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    teardownTimeout: 60_000,
    // vitest's default is one file at a time on a 2-core machine (cores - 1). Most files wait on
    // child processes (the CLI, anvil, implementations), so two or more files at once keep both
    // cores busy and halve the suite's wall time; the budgets above absorb the sharing.
    maxWorkers: Math.max(2, availableParallelism()),
    // The CLI tests run the compiled CLI (dist/); this refuses to start on a stale build.
    globalSetup: ['test/support/fresh-build.ts'],
  },
});
