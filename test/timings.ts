import type { WorkerOptions } from 'bullmq';

/**
 * THE BullMQ lock and stall timings for tests — spread them into every test Worker:
 * `new Worker(name, processor, { connection, prefix, ...TEST_BULLMQ_TIMINGS })`.
 *
 * Production defaults (30 s locks, 30 s stall checks) would make a crash test wait a minute. These
 * are short enough that a stalled job is noticed within ~10 s, yet steady on a 2-core machine
 * running two test files at once, where an event loop can pause for a second or two (GC, module
 * transforms, the other worker). Change them here, nowhere else.
 */
export const TEST_BULLMQ_TIMINGS = {
  /**
   * 5000 ms a job lock lives without renewal. Long enough to survive two late renewals on a busy
   * box; a crashed worker's job is free again after at most this long.
   */
  lockDuration: 5000,
  /**
   * 1000 ms between lock renewals: five per lock, not BullMQ's default two (half the duration),
   * so that a single event-loop pause of 2–3 s doesn't lose a healthy job's lock. One small Lua
   * call per second per worker costs nothing.
   */
  lockRenewTime: 1000,
  /**
   * 2000 ms between stall checks. BullMQ needs two consecutive checks to call a job stalled, so a
   * dead worker's job moves on after about lockDuration + 2 × stalledInterval ≈ 9 s, inside the
   * 20 s test timeout.
   */
  stalledInterval: 2000,
  /**
   * 1, BullMQ's default: a job recovered from one stall runs again, the second stall fails it.
   * Kept equal to production so that tests exercise the real policy.
   */
  maxStalledCount: 1,
  /**
   * 1 second (BullMQ counts this one in seconds) that an idle worker long-polls for a job, instead
   * of 5. New jobs wake a waiting worker at once either way; a short poll just lets idle workers
   * notice `close()` quickly, which keeps test teardown fast.
   */
  drainDelay: 1,
} as const satisfies Pick<WorkerOptions, 'lockDuration' | 'lockRenewTime' | 'stalledInterval' | 'maxStalledCount' | 'drainDelay'>;

/**
 * Subscription sources in tests (engine/subscriptions.ts): the backlog looked at every 100 ms
 * (besides after each emit), a failed member started again after 300 ms, each member's state and
 * lag rewritten every 300 ms, so a test sees a pause, a resume, a restart or a lag without
 * waiting for production's half a second and five seconds.
 */
export const TEST_SUBSCRIPTION_TIMINGS = { backpressureCheckMs: 100, restartAfterMs: 300, statusRefreshMs: 300 } as const;

/**
 * The example flows (flows/examples) run in tests with short timings in place of their own: a
 * 2 s merge window instead of 30 s, a poll every second instead of every minute, dead letters
 * redriven every 2 s instead of every 5 minutes (the engine looks for due ones every second).
 */
export const TEST_EXAMPLE_TIMINGS = { mergeWindowMs: 2000, pollIntervalMs: 1000, redriveIntervalMs: 2000 } as const;
