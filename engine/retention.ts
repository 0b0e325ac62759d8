/**
 * How long the engine keeps what it keeps. Redis runs with `noeviction`, so every kind of record
 * has a cap or a TTL; these are the defaults, each a setting (`EngineOptions.retention`).
 */
export interface Retention {
  /** Completed BullMQ jobs kept per flow queue (for inspection), and for how long. */
  completedJobs: { count: number; ageSec: number };
  /**
   * "This delivery already ran to its end" markers. They must outlive any re-run after a crash
   * and any job BullMQ already removed, so that a repeated enqueue is recognised. Also how long
   * a keyed emission (`Emission.key`: an http-poll record's key and version) is remembered: the
   * same key emitted again within it is a duplicate.
   */
  doneMarkersSec: number;
  /** Default TTL of idempotency markers when a policy gives none. */
  idempotencySec: number;
  /**
   * Runs kept per flow (newest first) and how long each run's trace lives. A trace keeps its
   * newest events within both `maxEventsPerRun` and `maxEventBytesPerRun` (JSON bytes); the run
   * counts the executions whose outcome it no longer holds (`executionsNotKept`).
   */
  runs: { maxPerFlow: number; ttlSec: number; maxEventsPerRun: number; maxEventBytesPerRun: number };
  /**
   * Dead letters kept per flow and how long each lives. Past the cap the oldest go, with a warning
   * log. A payload larger than `maxPayloadBytes` (JSON) is kept cut to that size and marked
   * (`truncated`): such a letter replays only with an edited payload.
   */
  deadLetters: { maxPerFlow: number; ttlSec: number; maxPayloadBytes: number };
  /**
   * Plans of superseded and undeployed revisions (messages still in flight on them need them).
   * The deployed revision's plan is refreshed by every engine process every few seconds.
   */
  plansSec: number;
}

export const DEFAULT_RETENTION: Retention = {
  completedJobs: { count: 1_000, ageSec: 3_600 },
  doneMarkersSec: 7 * 86_400,
  idempotencySec: 86_400,
  // 10 000 runs: more than a realistic backlog, so runs in flight are not trimmed before they end.
  runs: { maxPerFlow: 10_000, ttlSec: 7 * 86_400, maxEventsPerRun: 200, maxEventBytesPerRun: 256 * 1024 },
  deadLetters: { maxPerFlow: 100_000, ttlSec: 30 * 86_400, maxPayloadBytes: 256 * 1024 },
  plansSec: 30 * 86_400,
};
