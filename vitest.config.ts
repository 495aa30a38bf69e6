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
    // busy): hooks prove, start anvil and deploy, so they get the same budget as tests.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
