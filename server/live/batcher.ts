/**
 * Batches a flow's trace events for the browser: whatever arrives within one interval leaves as
 * one `trace` message. A batch keeps at most `maxEvents` events — the newest; older ones are
 * dropped and counted — while its per-node counters always count every event, so badges stay
 * exact however busy the flow. Dead-letter notices ride along, bounded the same way (the editor
 * reloads its list on any notice, so a dropped one loses nothing).
 */
import { COUNTER_OF_EVENT, type DeadLetterNotice, type NodeCounters, type TraceBatch } from '../../flows/live-events';
import type { TraceEvent, TraceEventName } from '../../flows/trace-events';

export interface BatchLimits {
  /** How long events gather before they leave, from the first of a batch. Default 75 ms. */
  intervalMs: number;
  /** Events one batch carries at most (the newest). Default 500. */
  maxEvents: number;
  /** Dead-letter notices sent per batch at most. Default 50. */
  maxDeadLetterNotices: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { intervalMs: 75, maxEvents: 500, maxDeadLetterNotices: 50 };

export function checkBatchLimits(limits: BatchLimits): BatchLimits {
  const { intervalMs, maxEvents, maxDeadLetterNotices } = limits;
  if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new Error(`live batch intervalMs must be an integer >= 1, got ${intervalMs}`);
  if (!Number.isInteger(maxEvents) || maxEvents < 1) throw new Error(`live batch maxEvents must be an integer >= 1, got ${maxEvents}`);
  if (!Number.isInteger(maxDeadLetterNotices) || maxDeadLetterNotices < 0) {
    throw new Error(`live batch maxDeadLetterNotices must be an integer >= 0, got ${maxDeadLetterNotices}`);
  }
  return limits;
}

const COUNTER_OF: Partial<Record<TraceEventName, keyof NodeCounters>> = COUNTER_OF_EVENT;

const emptyCounters = (): NodeCounters => ({ started: 0, completed: 0, failed: 0, retried: 0, deadLettered: 0, skipped: 0 });

/** One flow's events since its last flush. */
export class FlowBatch {
  #events: TraceEvent[] = [];
  #added = 0;
  // A Map: node ids such as `constructor` must not meet Object.prototype.
  readonly #counters = new Map<string, NodeCounters>();
  readonly #deadLetters: DeadLetterNotice[] = [];

  constructor(
    readonly flowId: string,
    private readonly limits: Pick<BatchLimits, 'maxEvents' | 'maxDeadLetterNotices'>,
  ) {}

  get size(): number {
    return this.#added;
  }

  add(event: TraceEvent): void {
    this.#added += 1;
    this.#events.push(event);
    // Trim in chunks so that a flood costs amortised O(1) per event, memory at most 2× the bound.
    if (this.#events.length >= 2 * this.limits.maxEvents) this.#events = this.#events.slice(-this.limits.maxEvents);
    const counter = COUNTER_OF[event.type];
    if (counter && 'nodeId' in event.data) {
      const { nodeId } = event.data;
      let counters = this.#counters.get(nodeId);
      if (!counters) this.#counters.set(nodeId, (counters = emptyCounters()));
      counters[counter] += 1;
    }
    if (event.type === 'node:dead-lettered' && this.#deadLetters.length < this.limits.maxDeadLetterNotices) {
      this.#deadLetters.push({ flowId: this.flowId, nodeId: event.data.nodeId, deadLetterId: event.data.deadLetterId });
    }
  }

  /** The batch to send and the dead-letter notices that follow it. */
  take(): { batch: TraceBatch; deadLetters: DeadLetterNotice[] } {
    const events = this.#events.length > this.limits.maxEvents ? this.#events.slice(-this.limits.maxEvents) : this.#events;
    const dropped = this.#added - events.length;
    const batch: TraceBatch = { flowId: this.flowId, events, counters: Object.fromEntries(this.#counters) };
    if (dropped > 0) batch.dropped = dropped;
    return { batch, deadLetters: this.#deadLetters };
  }
}

/**
 * Gathers events per flow and hands each flow's batch to `flush` one interval after its first
 * event. Timers are unref'd: a batch in waiting never keeps the process up.
 */
export class Batcher {
  readonly #pending = new Map<string, { batch: FlowBatch; timer: NodeJS.Timeout }>();
  readonly #limits: BatchLimits;

  constructor(
    limits: Partial<BatchLimits>,
    private readonly flush: (batch: TraceBatch, deadLetters: DeadLetterNotice[]) => void,
  ) {
    this.#limits = checkBatchLimits({ ...DEFAULT_BATCH_LIMITS, ...limits });
  }

  add(event: TraceEvent): void {
    const { flowId } = event.data;
    let pending = this.#pending.get(flowId);
    if (!pending) {
      const timer = setTimeout(() => this.#flush(flowId), this.#limits.intervalMs);
      timer.unref();
      pending = { batch: new FlowBatch(flowId, this.#limits), timer };
      this.#pending.set(flowId, pending);
    }
    pending.batch.add(event);
  }

  #flush(flowId: string): void {
    const pending = this.#pending.get(flowId);
    if (!pending) return;
    this.#pending.delete(flowId);
    const { batch, deadLetters } = pending.batch.take();
    this.flush(batch, deadLetters);
  }

  /** Forgets a flow's waiting events (nobody watches it any more). */
  discard(flowId: string): void {
    const pending = this.#pending.get(flowId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(flowId);
  }

  close(): void {
    for (const flowId of [...this.#pending.keys()]) this.discard(flowId);
  }
}
