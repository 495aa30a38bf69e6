import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['impls/**/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
