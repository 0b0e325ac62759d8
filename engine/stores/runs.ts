/**
 * Runs: their accounting and their traces, in Redis.
 *
 * A run starts with one pending delivery (its source message). A job that emits first `reserve`s
 * its children in the run (once per job), then enqueues them, then `settle`s exactly once — one
 * Lua script guarded by the job's done marker — subtracting itself. Reserving before enqueueing
 * keeps a fast child from taking the count to zero while its parent is still running. The settle
 * that takes the count to zero finishes the run and hands back its summary, so `run:finished` is
 * emitted exactly once whatever crashes and re-runs happen in between.
 *
 * Retention: run hashes and event lists live `retention.runs.ttlSec` (refreshed while the run
 * moves), events are capped at `maxEventsPerRun` and `maxEventBytesPerRun` (APPEND_EVENTS,
 * which counts the executions dropped), the runs index at `maxPerFlow` (the oldest go,
 * with their keys once finished; one still in flight keeps its record, flagged `trimmed`, until it
 * finishes and for `completedJobs.ageSec` after), done markers live `doneMarkersSec`.
 */
import type { Redis } from 'ioredis';
import type { TraceEvent } from '../../flows/trace-events';
import type { Keys } from '../keys';
import type { Retention } from '../retention';
import { checkPage, type Page } from './page';
import { PRUNE_INDEX, pairsToRecord, pipelineResults } from './script';
import { APPEND_EVENTS, REOPEN, RESERVE, SETTLE, START_RUN, TRIM_RUNS } from './runs-scripts';
import type { RunStatus, RunSummary } from '../../contracts/api/runs';

/** A run's hash, numbers parsed: the API's RunSummary (contracts/api/runs.ts). */
export type { RunStatus, RunSummary } from '../../contracts/api/runs';

export interface StartRun {
  runId: string;
  revision: number;
  deployment?: string;
  nodeId: string;
  messageId: string;
  startedAt: number;
}

export type SettleOutcome = 'completed' | 'failed' | 'dead-lettered' | 'skipped' | 'dropped';

export interface Settle {
  /** The delivery job being settled: its done marker makes the settle happen once. */
  jobId: string;
  runId: string;
  /**
   * Deliveries this job enqueued downstream that it did NOT `reserve` first (default 0). Prefer
   * `reserve` before enqueueing: a child that settles before this settle would otherwise see the
   * run at zero pending and finish it early.
   */
  children?: number;
  outcome: SettleOutcome;
  /**
   * Set the node's idempotency marker in the same atomic step; pass it only when the node's
   * effect happened (a completed execution), so that a failed one can run again.
   */
  idempotency?: { nodeId: string; keyHash: string; ttlSec: number };
  /** When it happened (finishedAt if this settle finishes the run). Default `Date.now()`. */
  now?: number;
  /**
   * False when the job enqueued nothing this time: an earlier execution's reservation (a crash
   * between reserving and enqueueing) is then undone before the settle counts.
   */
  enqueued?: boolean;
}

export interface Reserve {
  /** The job that is about to enqueue its downstream deliveries. */
  jobId: string;
  runId: string;
  /** The job ids of the deliveries it is about to enqueue (none: an earlier reservation is undone). */
  children: readonly string[];
}

export interface ReserveResult {
  /** False when the job had reserved (or settled) before. */
  first: boolean;
  /** Deliveries reserved for this job now (0 when settled): see RESERVE in runs-scripts.ts. */
  reserved: number;
  pending: number;
  /** The run's record was trimmed or expired: the marker was set, nothing was counted. */
  runMissing?: true;
}

export interface SettleResult {
  /** False when the job had been settled before: nothing changed. */
  first: boolean;
  /** Deliveries of the run still pending (0 also when the run's record is gone). */
  pending: number;
  /** Present only on the settle that finished the run: emit `run:finished` from it. */
  finished?: RunSummary;
  /** The run's record was trimmed or expired: markers were set, nothing was counted. */
  runMissing?: true;
}

export interface ReopenOptions {
  /**
   * A token (the replay's job id) that makes the reopen happen once: a repeated reopen with the
   * same token changes nothing. Without it every call adds `n`.
   */
  token?: string;
  /** Used only when the run's record expired and is recreated. */
  revision?: number;
  /** Used only when the run's record expired and is recreated. Default now. */
  startedAt?: number;
}

export interface ReopenResult {
  /** False when `token` had been used already. */
  reopened: boolean;
  /** True when the run's record had expired and was recreated. */
  recreated: boolean;
  pending: number;
}

const OUTCOME_FIELD: Readonly<Record<SettleOutcome, string>> = {
  completed: 'completed',
  failed: 'failed',
  'dead-lettered': 'deadLettered',
  skipped: 'skipped',
  dropped: 'dropped',
};

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be an integer >= 0, got ${n}`);
}

const STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed'];

const int = (value: string | undefined): number => {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
};

/** Parses a run hash; undefined when it is empty (the run is gone). */
export function parseRunSummary(hash: Record<string, string>): RunSummary | undefined {
  if (hash.runId === undefined) return undefined;
  const status = STATUSES.find((s) => s === hash.status) ?? 'running';
  const startedAt = int(hash.startedAt);
  const summary: RunSummary = {
    flowId: hash.flowId ?? '',
    runId: hash.runId,
    revision: int(hash.revision),
    nodeId: hash.nodeId ?? '',
    messageId: hash.messageId ?? '',
    status,
    startedAt,
    pending: int(hash.pending),
    completed: int(hash.completed),
    failed: int(hash.failed),
    deadLettered: int(hash.deadLettered),
    skipped: int(hash.skipped),
    dropped: int(hash.dropped),
  };
  if (hash.finishedAt !== undefined) {
    summary.finishedAt = int(hash.finishedAt);
    summary.durationMs = summary.finishedAt - startedAt;
  }
  if (hash.deployment !== undefined) summary.deployment = hash.deployment;
  if (hash.recreated === '1') summary.recreated = true;
  if (hash.trimmed === '1') summary.trimmed = true;
  if (hash.executionsNotKept !== undefined) summary.executionsNotKept = int(hash.executionsNotKept);
  return summary;
}

export class RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retention: Retention,
  ) {}

  /**
   * Starts a run: its hash (status running, one pending delivery), indexed by start time; the
   * index is trimmed to `retention.runs.maxPerFlow`, deleting the trimmed runs' hash and events.
   * Idempotent: starting a run that exists changes nothing and returns false.
   */
  async startRun(flowId: string, run: StartRun): Promise<boolean> {
    const { ttlSec, maxPerFlow } = this.retention.runs;
    const reply = (await START_RUN.run(
      this.redis,
      [this.keys.run(flowId, run.runId), this.keys.runs(flowId)],
      [flowId, run.runId, run.revision, run.nodeId, run.messageId, run.startedAt, ttlSec, maxPerFlow, run.deployment ?? ''],
    )) as [number, ...string[]];
    const [created, ...trimmed] = reply;
    // Outside the script so key names come from keys.ts only; a crash before this leaves keys
    // that still expire with their TTL.
    await this.trimRuns(flowId, trimmed);
    return created === 1;
  }

  /**
   * Counts the deliveries job `jobId` is about to enqueue into the run's pending ones. Idempotent
   * per job, and a re-run after a crash (reserved, maybe enqueued, not settled) that emits other
   * outputs is brought in line with what is actually enqueued (RESERVE in runs-scripts.ts).
   */
  async reserve(flowId: string, r: Reserve): Promise<ReserveResult> {
    const reservation = this.keys.reserved(flowId, r.jobId);
    // Earlier children this call doesn't name: dropped if they were never enqueued.
    const earlier = (await this.redis.type(reservation)) === 'set' ? await this.redis.smembers(reservation) : [];
    const named = new Set(r.children);
    const candidates = earlier.filter((id) => !named.has(id));
    const [code, reserved, pending] = (await RESERVE.run(
      this.redis,
      [
        this.keys.done(flowId, r.jobId),
        reservation,
        this.keys.run(flowId, r.runId),
        this.keys.runEvents(flowId, r.runId),
        ...candidates.flatMap((id) => [this.keys.job(flowId, id), this.keys.done(flowId, id)]),
      ],
      [this.retention.doneMarkersSec, this.retention.runs.ttlSec, named.size, ...named, ...candidates],
    )) as [number, number, number];
    if (code === 3) return { first: true, reserved, pending: 0, runMissing: true };
    return { first: code === 1, reserved, pending };
  }

  /**
   * Settles delivery job `jobId` of run `runId` exactly once (see the module doc). Sets the job's
   * done marker, counts the outcome, adds `children − 1` to pending (what it reserved is counted
   * already), sets the idempotency marker if given, and finishes the run when nothing is pending
   * any more.
   */
  async settle(flowId: string, s: Settle): Promise<SettleResult> {
    const children = s.children ?? 0;
    checkCount('settle: children', children);
    const field = OUTCOME_FIELD[s.outcome];
    if (field === undefined) throw new Error(`settle: unknown outcome "${String(s.outcome)}"`);
    const keys = [
      this.keys.done(flowId, s.jobId),
      this.keys.run(flowId, s.runId),
      this.keys.runEvents(flowId, s.runId),
      this.keys.reserved(flowId, s.jobId),
    ];
    const args: Array<string | number> = [
      s.jobId,
      children,
      field,
      s.now ?? Date.now(),
      this.retention.doneMarkersSec,
      this.retention.runs.ttlSec,
      Math.min(this.retention.runs.ttlSec, this.retention.completedJobs.ageSec),
      s.idempotency ? s.idempotency.ttlSec : 0,
      s.enqueued === false ? '1' : '0',
    ];
    if (s.idempotency) {
      const ttl = s.idempotency.ttlSec;
      if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`settle: idempotency ttlSec must be a positive integer, got ${ttl}`);
      keys.push(this.keys.idempotency(flowId, s.idempotency.nodeId, s.idempotency.keyHash));
    }
    let [code, pending, ...hash] = (await SETTLE.run(this.redis, keys, args)) as [number, number, ...string[]];
    if (code === 4) {
      // A re-run that now enqueues nothing: its earlier reservation is undone first.
      await this.reserve(flowId, { jobId: s.jobId, runId: s.runId, children: [] });
      args[args.length - 1] = '0';
      [code, pending, ...hash] = (await SETTLE.run(this.redis, keys, args)) as [number, number, ...string[]];
    }
    if (code === 0) return { first: false, pending };
    if (code === 3) return { first: true, pending: 0, runMissing: true };
    if (code === 1) return { first: true, pending };
    const finished = parseRunSummary(pairsToRecord(hash));
    return finished ? { first: true, pending, finished } : { first: true, pending };
  }

  /** Whether delivery job `jobId` has settled (its done marker is there). */
  async isSettled(flowId: string, jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.done(flowId, jobId))) === 1;
  }

  /** Whether node `nodeId` already processed the idempotency key with hash `keyHash` within its TTL. */
  async hasIdempotencyMarker(flowId: string, nodeId: string, keyHash: string): Promise<boolean> {
    const marker = await this.redis.get(this.keys.idempotency(flowId, nodeId, keyHash));
    // `~…` is a running delivery's lease (stores/idempotency.ts), not a processed key.
    return marker !== null && !marker.startsWith('~');
  }

  /**
   * For dead-letter replay: `n` deliveries of the run are pending again, those dead letters no
   * longer count as dead-lettered, and the run is running again (it finishes, and `settle`
   * reports it, once more). Recreates a minimal record when the run's hash expired.
   */
  async reopen(flowId: string, runId: string, n = 1, options: ReopenOptions = {}): Promise<ReopenResult> {
    if (!Number.isInteger(n) || n < 1) throw new Error(`reopen: n must be an integer >= 1, got ${n}`);
    const keys = [this.keys.run(flowId, runId), this.keys.runEvents(flowId, runId)];
    const args: Array<string | number> = [
      n,
      this.retention.runs.ttlSec,
      flowId,
      runId,
      options.revision ?? 0,
      options.startedAt ?? Date.now(),
    ];
    if (options.token !== undefined) {
      keys.push(this.keys.reopened(flowId, options.token));
      args.push(options.token, this.retention.doneMarkersSec);
    }
    const [code, pending] = (await REOPEN.run(this.redis, keys, args)) as [number, number];
    return { reopened: code !== -1, recreated: code === 1, pending };
  }

  /** Appends one trace event to its run (capped, TTL) and publishes it, in one round trip. */
  async recordEvent(event: TraceEvent): Promise<void> {
    await this.recordEvents([event]);
  }

  /**
   * Appends trace events to their runs and publishes each on the trace channel, in order. Events
   * of a run no longer kept (finished and trimmed, or expired) are published but not stored:
   * storing them would recreate an events list nothing counts against a cap.
   */
  async recordEvents(events: readonly TraceEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { ttlSec, maxEventsPerRun, maxEventBytesPerRun } = this.retention.runs;
    const channel = this.keys.traceChannel();
    // Consecutive events of one run go in one call; the calls leave in order on one connection.
    const segments: Array<{ flowId: string; runId: string; jsons: string[] }> = [];
    for (const event of events) {
      const last = segments.at(-1);
      const json = JSON.stringify(event);
      if (last && last.flowId === event.data.flowId && last.runId === event.data.runId) last.jsons.push(json);
      else segments.push({ flowId: event.data.flowId, runId: event.data.runId, jsons: [json] });
    }
    await Promise.all(
      segments.map(({ flowId, runId, jsons }) =>
        APPEND_EVENTS.run(this.redis, [this.keys.run(flowId, runId), this.keys.runEvents(flowId, runId)], [maxEventsPerRun, ttlSec, channel, maxEventBytesPerRun, ...jsons]),
      ),
    );
  }

  /**
   * Runs of a flow, newest first. `total` counts the index, which may still hold runs that
   * expired and weren't met yet; those met on the page are removed from it.
   */
  async listRuns(flowId: string, page: Page): Promise<{ items: RunSummary[]; total: number }> {
    const { offset, limit } = checkPage(page);
    const index = this.keys.runs(flowId);
    const [ids, total] = pipelineResults(
      await this.redis.pipeline().zrevrange(index, offset, offset + limit - 1).zcard(index).exec(),
      'listing runs',
    ) as [string[], number];
    if (ids.length === 0) return { items: [], total };
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.run(flowId, id));
    const hashes = pipelineResults(await pipeline.exec(), 'listing runs') as Array<Record<string, string>>;
    const items: RunSummary[] = [];
    const gone: string[] = [];
    hashes.forEach((hash, i) => {
      const summary = parseRunSummary(hash);
      if (summary) items.push(summary);
      else gone.push(ids[i] as string);
    });
    const pruned = gone.length === 0 ? 0 : ((await PRUNE_INDEX.run(this.redis, [index, ...gone.map((id) => this.keys.run(flowId, id))], gone)) as number);
    return { items, total: total - pruned };
  }

  /** A run's summary and its (capped) trace events, oldest first; undefined when it's gone. */
  async getRun(flowId: string, runId: string): Promise<{ summary: RunSummary; events: TraceEvent[] } | undefined> {
    const [hash, events] = pipelineResults(
      await this.redis.pipeline().hgetall(this.keys.run(flowId, runId)).lrange(this.keys.runEvents(flowId, runId), 0, -1).exec(),
      'reading a run',
    ) as [Record<string, string>, string[]];
    const summary = parseRunSummary(hash);
    if (!summary) return undefined;
    return { summary, events: events.map((json) => JSON.parse(json) as TraceEvent) };
  }

  /** Runs trimmed off the index: deleted when finished, flagged `trimmed` while in flight (TRIM_RUNS). */
  private async trimRuns(flowId: string, runIds: readonly string[]): Promise<void> {
    for (let i = 0; i < runIds.length; i += 500) {
      const chunk = runIds.slice(i, i + 500);
      await TRIM_RUNS.run(this.redis, chunk.flatMap((id) => [this.keys.run(flowId, id), this.keys.runEvents(flowId, id)]), []);
    }
  }
}
