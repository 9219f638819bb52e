import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Process-spawning tests (concurrency, crashes) need headroom on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
