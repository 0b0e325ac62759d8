/**
 * A flow's backlog, as back-pressure measures it: deliveries waiting to be processed — waiting,
 * prioritized, and delayed ones (retries under backoff, circuit waits) — less the timers nodes
 * set. A timer (engine/timers.ts: a merge's join timeout, a window's flush) is a delayed job too,
 * but no work waiting; counted, enough open joins shut intake, including the messages that would
 * close them. Timers are therefore registered in a per-flow sorted set (job id → due time) and
 * those not yet due are subtracted.
 *
 * The set is capped by time: entries past due are removed whenever a timer is set, and the key
 * expires a minute after its latest timer is due.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { Delivery } from './delivery';

export class Backlog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly queue: (flowId: string) => Queue<Delivery>,
  ) {}

  /** Deliveries of the flow waiting to be processed (timers not counted). */
  async of(flowId: string): Promise<number> {
    const [counts, timers] = await Promise.all([
      this.queue(flowId).getJobCounts('waiting', 'delayed', 'prioritized'),
      this.redis.zcount(this.keys.timers(flowId), Date.now(), '+inf'),
    ]);
    return Math.max(0, Object.values(counts).reduce((a, b) => a + b, 0) - timers);
  }

  /**
   * Registers timer job `jobId`, due at `atMs`, before it is added. NX: a timer set again keeps its
   * first time, as its job (one id) does.
   */
  async timer(flowId: string, jobId: string, atMs: number): Promise<void> {
    const key = this.keys.timers(flowId);
    const now = Date.now();
    const ttlSec = Math.max(1, Math.ceil((atMs - now) / 1000) + 60);
    await this.redis.multi().zremrangebyscore(key, '-inf', now).zadd(key, 'NX', atMs, jobId).expire(key, ttlSec, 'GT').expire(key, ttlSec, 'NX').exec();
  }
}
