import { defineConfig } from 'vitest/config';

// One Redis per run (test/global-setup.ts), at most two test files at a time: the machine has
// two cores, and every engine test shares that one redis-server.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'e2e/**', '**/dist/**', '.tributary/**'],
    globalSetup: ['test/global-setup.ts'],
    // Child processes rather than threads: engine tests start BullMQ workers, sockets and child
    // processes, and a crashed or hung fork is cleaned up by the OS.
    pool: 'forks',
    // At most two workers. Vitest 4 has no minWorkers/poolOptions any more: maxWorkers is the
    // one cap (a `--maxWorkers` on the command line still overrides it).
    maxWorkers: 2,
    // Slow enough for a job that retries with backoff on a loaded 2-core box; a test that needs
    // longer says so itself.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    teardownTimeout: 15_000,
  },
});
