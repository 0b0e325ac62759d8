import { defineConfig } from 'vitest/config';

// One runner for everything, in two projects run one after the other (groupOrder):
// - unit: engine, server and node tests, at most two files at a time (the machine has two cores,
//   and every engine test shares the run's one redis-server);
// - e2e: the editor driven through Debian's Chromium against a real server, one file at a time,
//   so one browser runs at a time and the run never has more than two workers.
// Both projects start the run's private redis-server (test/global-setup.ts); unit also starts the
// run's one Kafka broker (test/kafka-global-setup.ts, a few seconds); e2e also builds the
// editor once when editor/dist is missing or stale (e2e/global-setup.ts, scripts/build-editor.mjs).
export default defineConfig({
  test: {
    // Child processes rather than threads: engine tests start BullMQ workers, sockets and child
    // processes, and a crashed or hung fork is cleaned up by the OS.
    pool: 'forks',
    // At most two workers. Vitest 4 has no minWorkers/poolOptions any more: maxWorkers is the
    // one cap (a `--maxWorkers` on the command line still overrides it).
    maxWorkers: 2,
    teardownTimeout: 15_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', 'e2e/**', '**/dist/**', '.tributary/**'],
          globalSetup: ['test/global-setup.ts', 'test/kafka-global-setup.ts'],
          sequence: { groupOrder: 0 },
          // Slow enough for a job that retries with backoff on a loaded 2-core box; a test that
          // needs longer says so itself.
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts', 'e2e/global-setup.ts'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          maxWorkers: 1,
          // A browser test clicks through several screens, each waiting on the real server.
          testTimeout: 60_000,
          // Launching Chromium and starting a server with its engine.
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
