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
    testTimeout: 120_000,
  },
});
