import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's default is one worker less than the cores: on a 2-core machine (CI's) one file at a
    // time, though most files spend their time waiting on the processes they spawn.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    include: ['test/**/*.test.ts'],
    // Process-spawning tests (concurrency, crashes) need headroom on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
