import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../flows/trace-events';
import { useRedis } from '../../test/redis';
import { Keys } from '../keys';
import { bucketOf, DURATION_BUCKETS_SEC, MetricsStore } from './metrics';

const node = (nodeId: string, attempt = 1) => ({ flowId: 'f', revision: 1, runId: 'r', at: 0, nodeId, nodeType: 'http-request', messageId: 'm', attempt });
const error = { kind: 'transient' as const, message: 'down' };

const events: TraceEvent[] = [
  { type: 'run:started', data: { flowId: 'f', revision: 1, runId: 'r', at: 0, messageId: 'm', nodeId: 'in', input: { value: null, truncated: false } } },
  { type: 'node:started', data: { ...node('a'), input: { value: null, truncated: false } } },
  { type: 'node:failed', data: { ...node('a'), durationMs: 30, error, outcome: 'retry' } },
  { type: 'node:retrying', data: { ...node('a'), error, delayMs: 10, nextAttemptAt: 10 } },
  { type: 'node:completed', data: { ...node('a', 2), durationMs: 2_000, outputs: [] } },
  { type: 'node:completed', data: { ...node('a', 1), durationMs: 400_000, outputs: [] } },
  { type: 'node:skipped', data: { ...node('a'), reason: 'duplicate', idempotencyKey: 'k' } },
  { type: 'node:dead-lettered', data: { ...node('b'), deadLetterId: 'd', error, attempts: 3 } },
  { type: 'run:finished', data: { flowId: 'f', revision: 1, runId: 'r', at: 0, status: 'failed', durationMs: 5, counts: { completed: 1, failed: 1, deadLettered: 1, skipped: 1 } } },
];

describe('when trace events are counted', () => {
  const t = useRedis();

  it('keeps per-node counters, duration buckets and run counts, read back by flow', async () => {
    const store = new MetricsStore(t.redis, new Keys(t.prefix));
    for (const event of events) await store.record(event);
    const flow = (await store.read(['f', 'none'])).get('f')!;
    expect(flow.runs).toEqual({ started: 1, completed: 0, failed: 1 });
    const a = flow.nodes.get('a')!;
    expect(a).toMatchObject({ type: 'http-request', processed: 2, failed: 1, retried: 1, deadLettered: 0, skipped: 1 });
    expect(a.durations.completed.sumMs).toBe(402_000);
    expect(a.durations.completed.buckets[DURATION_BUCKETS_SEC.indexOf(2.5)]).toBe(1);
    expect(a.durations.completed.buckets[DURATION_BUCKETS_SEC.length]).toBe(1);
    expect(a.durations.failed.buckets[bucketOf(30)]).toBe(1);
    expect(flow.nodes.get('b')).toMatchObject({ deadLettered: 1, processed: 0 });
    expect((await store.read(['none'])).get('none')).toEqual({ nodes: new Map(), runs: { started: 0, completed: 0, failed: 0 } });
  });

  it('bounds every key: a TTL refreshed on each write, and a field cap that starts the counts again', async () => {
    const keys = new Keys(t.prefix);
    const store = new MetricsStore(t.redis, keys, { ttlSec: 60, maxFields: 8 });
    await store.record(events[4]!);
    expect(await t.redis.ttl(keys.metrics('f'))).toBeGreaterThan(55);
    for (const event of events) await store.record(event);
    expect(await t.redis.hlen(keys.metrics('f'))).toBeLessThanOrEqual(8 + 4);
    expect(await t.redis.ttl(keys.metrics('f'))).toBeGreaterThan(55);
  });

  it('puts a duration on the bucket boundary into that bucket', () => {
    expect(bucketOf(5)).toBe(0);
    expect(bucketOf(6)).toBe(1);
    expect(bucketOf(300_000)).toBe(DURATION_BUCKETS_SEC.length - 1);
    expect(bucketOf(300_001)).toBe(DURATION_BUCKETS_SEC.length);
  });
});
