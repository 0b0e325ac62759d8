import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import type { TraceEvent } from '../../flows/trace-events';
import { useRedis } from '../../test/redis';
import { Keys } from '../keys';
import type { Retention } from '../retention';
import { RunStore, type SettleResult } from './runs';
import { keysWithTtl, retentionWith } from './testing';

const FLOW = 'orders';
const T0 = 1_700_000_000_000;

const start = (runId: string, startedAt = T0) => ({ runId, revision: 3, nodeId: 'hook', messageId: runId, startedAt });

const event = (runId: string, n: number): TraceEvent => ({
  type: 'node:started',
  data: { flowId: FLOW, revision: 3, runId, at: T0 + n, nodeId: 'map', nodeType: 'map', messageId: `m${n}`, attempt: 1, input: { value: n, truncated: false } },
});

describe('RunStore', () => {
  const t = useRedis();
  const store = (retention: Retention = retentionWith(), redis: Redis = t.redis) => new RunStore(redis, new Keys(t.prefix), retention);

  describe('when a run starts', () => {
    it('creates its record once: a repeated start changes nothing', async () => {
      const runs = store();
      expect(await runs.startRun(FLOW, start('r1'))).toBe(true);
      await runs.settle(FLOW, { jobId: 'j1', runId: 'r1', children: 2, outcome: 'completed' });
      expect(await runs.startRun(FLOW, { ...start('r1'), revision: 9 })).toBe(false);
      const run = await runs.getRun(FLOW, 'r1');
      expect(run?.summary).toMatchObject({ flowId: FLOW, runId: 'r1', revision: 3, nodeId: 'hook', status: 'running', pending: 2, completed: 1 });
    });
  });

  describe('when the same job settles twice', () => {
    it('changes the counters once', async () => {
      const runs = store();
      await runs.startRun(FLOW, start('r1'));
      const first = await runs.settle(FLOW, { jobId: 'j1', runId: 'r1', children: 2, outcome: 'completed' });
      const again = await runs.settle(FLOW, { jobId: 'j1', runId: 'r1', children: 2, outcome: 'completed' });
      expect(first).toEqual({ first: true, pending: 2 });
      expect(again).toEqual({ first: false, pending: 2 });
      expect(await runs.isSettled(FLOW, 'j1')).toBe(true);
      expect(await runs.isSettled(FLOW, 'j2')).toBe(false);
      expect((await runs.getRun(FLOW, 'r1'))?.summary).toMatchObject({ pending: 2, completed: 1 });
    });
  });

  describe('when a source fans out to three messages', () => {
    it('finishes the run exactly once, on the last settle, with the counts', async () => {
      const runs = store();
      await runs.startRun(FLOW, start('r1'));
      const results: SettleResult[] = [await runs.settle(FLOW, { jobId: 'src', runId: 'r1', children: 3, outcome: 'completed' })];
      for (const [i, outcome] of (['completed', 'skipped', 'completed'] as const).entries()) {
        results.push(await runs.settle(FLOW, { jobId: `c${i}`, runId: 'r1', children: 0, outcome, now: T0 + 50 }));
      }
      results.push(await runs.settle(FLOW, { jobId: 'c2', runId: 'r1', children: 0, outcome: 'completed' }));
      expect(results.map((r) => r.pending)).toEqual([3, 2, 1, 0, 0]);
      expect(results.filter((r) => r.finished)).toHaveLength(1);
      expect(results[3]?.finished).toEqual({
        flowId: FLOW, runId: 'r1', revision: 3, nodeId: 'hook', messageId: 'r1', status: 'completed',
        startedAt: T0, finishedAt: T0 + 50, durationMs: 50,
        pending: 0, completed: 3, failed: 0, deadLettered: 0, skipped: 1, dropped: 0,
      });
    });

    it('calls the run failed when a message was dead-lettered', async () => {
      const runs = store();
      await runs.startRun(FLOW, start('r1'));
      await runs.settle(FLOW, { jobId: 'src', runId: 'r1', children: 2, outcome: 'completed' });
      await runs.settle(FLOW, { jobId: 'a', runId: 'r1', outcome: 'dead-lettered' });
      const last = await runs.settle(FLOW, { jobId: 'b', runId: 'r1', outcome: 'dropped' });
      expect(last.finished).toMatchObject({ status: 'failed', deadLettered: 1, dropped: 1, completed: 1 });
    });
  });

  describe('when a job reserves its children before enqueueing them', () => {
    it('keeps children that settle first from finishing the run, and reserves once', async () => {
      const runs = store();
      await runs.startRun(FLOW, start('r1'));
      expect(await runs.reserve(FLOW, { jobId: 'src', runId: 'r1', children: ['a', 'b'] })).toEqual({ first: true, reserved: 2, pending: 3 });
      // A re-run after a crash between reserve and settle must not count the children twice.
      expect(await runs.reserve(FLOW, { jobId: 'src', runId: 'r1', children: ['a', 'b'] })).toEqual({ first: false, reserved: 2, pending: 3 });
      const a = await runs.settle(FLOW, { jobId: 'a', runId: 'r1', outcome: 'completed' });
      const b = await runs.settle(FLOW, { jobId: 'b', runId: 'r1', outcome: 'completed' });
      expect([a.pending, b.pending, a.finished, b.finished]).toEqual([2, 1, undefined, undefined]);
      const src = await runs.settle(FLOW, { jobId: 'src', runId: 'r1', outcome: 'completed' });
      expect(src.finished).toMatchObject({ status: 'completed', completed: 3, pending: 0 });
      expect(await runs.reserve(FLOW, { jobId: 'src', runId: 'r1', children: ['a', 'b'] })).toEqual({ first: false, reserved: 0, pending: 0 });
      expect(await t.redis.exists(new Keys(t.prefix).reserved(FLOW, 'src'))).toBe(0);
    });
  });

  describe('when 50 jobs settle concurrently from two connections', () => {
    it('ends with pending exactly 0 and exactly one finished', async () => {
      const one = store();
      const two = store(retentionWith(), t.connection());
      await one.startRun(FLOW, start('r1'));
      await one.reserve(FLOW, { jobId: 'src', runId: 'r1', children: Array.from({ length: 50 }, (_, i) => `c${i}`) });
      await one.settle(FLOW, { jobId: 'src', runId: 'r1', outcome: 'completed' });
      // Every child settled twice, once from each connection, all at once.
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => [
          one.settle(FLOW, { jobId: `c${i}`, runId: 'r1', children: 0, outcome: 'completed' }),
          two.settle(FLOW, { jobId: `c${i}`, runId: 'r1', children: 0, outcome: 'completed' }),
        ]).flat(),
      );
      expect(results.filter((r) => r.first)).toHaveLength(50);
      expect(results.filter((r) => r.finished)).toHaveLength(1);
      expect((await one.getRun(FLOW, 'r1'))?.summary).toMatchObject({ pending: 0, completed: 51, status: 'completed' });
    });
  });

  describe('when a settle carries an idempotency marker', () => {
    it('sets it with its TTL, atomically with the settle', async () => {
      const runs = store();
      await runs.startRun(FLOW, start('r1'));
      expect(await runs.hasIdempotencyMarker(FLOW, 'pay', 'k1')).toBe(false);
      await runs.settle(FLOW, { jobId: 'j1', runId: 'r1', outcome: 'completed', idempotency: { nodeId: 'pay', keyHash: 'k1', ttlSec: 600 } });
      expect(await runs.hasIdempotencyMarker(FLOW, 'pay', 'k1')).toBe(true);
      const ttl = await t.redis.ttl(new Keys(t.prefix).idempotency(FLOW, 'pay', 'k1'));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600);
    });
  });

  describe('when the runs index passes its cap', () => {
    it('keeps the newest runs and deletes the trimmed runs\' hash and events once they finished', async () => {
      const runs = store(retentionWith({ runs: { maxPerFlow: 3 } }));
      const keys = new Keys(t.prefix);
      for (let i = 0; i < 5; i++) {
        await runs.startRun(FLOW, start(`r${i}`, T0 + i));
        await runs.recordEvent(event(`r${i}`, i));
        await runs.settle(FLOW, { jobId: `j${i}`, runId: `r${i}`, outcome: 'completed' });
      }
      expect(await t.redis.zcard(keys.runs(FLOW))).toBe(3);
      for (const id of ['r0', 'r1']) {
        expect(await t.redis.exists(keys.run(FLOW, id), keys.runEvents(FLOW, id))).toBe(0);
        expect(await runs.getRun(FLOW, id)).toBeUndefined();
      }
      const page = await runs.listRuns(FLOW, { offset: 0, limit: 2 });
      expect(page.total).toBe(3);
      expect(page.items.map((r) => r.runId)).toEqual(['r4', 'r3']);
      expect((await runs.listRuns(FLOW, { offset: 2, limit: 2 })).items.map((r) => r.runId)).toEqual(['r2']);
    });

    it('keeps a run trimmed while in flight, says it was trimmed, and records its events and its finish', async () => {
      const runs = store(retentionWith({ runs: { maxPerFlow: 1 } }));
      const keys = new Keys(t.prefix);
      const subscriber = t.connection();
      const received: unknown[] = [];
      subscriber.on('message', (_channel: string, json: string) => received.push(JSON.parse(json)));
      await subscriber.subscribe(keys.traceChannel());
      await runs.startRun(FLOW, start('old', T0));
      await runs.startRun(FLOW, start('new', T0 + 1)); // trims "old" off the index, still running
      expect(await t.redis.zrange(keys.runs(FLOW), 0, -1)).toEqual(['new']);
      const late = event('old', 1);
      await runs.recordEvents([late, event('new', 2)]);
      await vi.waitFor(() => expect(received).toEqual([late, event('new', 2)]));
      const settled = await runs.settle(FLOW, { jobId: 'j-old', runId: 'old', outcome: 'completed' });
      expect(settled.finished).toMatchObject({ runId: 'old', status: 'completed', trimmed: true });
      const old = await runs.getRun(FLOW, 'old');
      expect(old?.summary).toMatchObject({ status: 'completed', completed: 1, pending: 0, trimmed: true });
      expect(old?.events).toEqual([late]);
      // Finished off the index, it is kept only briefly: nothing counts it against the cap.
      expect(await t.redis.ttl(keys.run(FLOW, 'old'))).toBeLessThanOrEqual(retentionWith().completedJobs.ageSec);
      await runs.startRun(FLOW, start('newer', T0 + 2));
      expect(await runs.getRun(FLOW, 'new')).toMatchObject({ summary: { status: 'running', trimmed: true } });
    });

    it('drops runs whose record expired from the index when a listing meets them', async () => {
      const runs = store();
      const keys = new Keys(t.prefix);
      for (const id of ['a', 'b', 'c']) await runs.startRun(FLOW, start(id, T0 + id.charCodeAt(0)));
      await t.redis.del(keys.run(FLOW, 'b'));
      const page = await runs.listRuns(FLOW, { offset: 0, limit: 10 });
      expect(page.items.map((r) => r.runId)).toEqual(['c', 'a']);
      expect(page.total).toBe(2);
      expect(await t.redis.zrange(keys.runs(FLOW), 0, -1)).toEqual(['a', 'c']);
    });
  });

  describe('when trace events are recorded', () => {
    it('keeps the last maxEventsPerRun of a run and publishes every one', async () => {
      const runs = store(retentionWith({ runs: { maxEventsPerRun: 3 } }));
      await runs.startRun(FLOW, start('r1'));
      const subscriber = t.connection();
      const received: unknown[] = [];
      const allIn = new Promise<void>((resolve) => {
        subscriber.on('message', (_channel: string, json: string) => {
          received.push(JSON.parse(json));
          if (received.length === 5) resolve();
        });
      });
      await subscriber.subscribe(new Keys(t.prefix).traceChannel());
      const events = [0, 1, 2, 3, 4].map((n) => event('r1', n));
      await runs.recordEvent(events[0] as TraceEvent);
      await runs.recordEvents(events.slice(1));
      await allIn;
      expect(received).toEqual(events);
      expect((await runs.getRun(FLOW, 'r1'))?.events).toEqual(events.slice(2));
    });

    it('keeps the newest events within maxEventBytesPerRun and counts the executions not kept', async () => {
      const runs = store(retentionWith({ runs: { maxEventsPerRun: 1_000, maxEventBytesPerRun: 4_000 } }));
      await runs.startRun(FLOW, start('r1'));
      const completed = (n: number): TraceEvent => ({
        type: 'node:completed',
        data: { flowId: FLOW, revision: 3, runId: 'r1', at: T0 + n, nodeId: 'map', nodeType: 'map', messageId: `m${n}`, attempt: 1, durationMs: 1, outputs: [{ port: 'out', messageId: `o${n}`, preview: { value: 'x'.repeat(900), truncated: false } }] },
      });
      const events = Array.from({ length: 10 }, (_, n) => completed(n));
      for (const e of events) await runs.recordEvent(e);
      const run = await runs.getRun(FLOW, 'r1');
      const kept = run?.events ?? [];
      expect(kept.length).toBeGreaterThan(0);
      expect(kept).toEqual(events.slice(events.length - kept.length));
      expect(kept.reduce((sum, e) => sum + JSON.stringify(e).length, 0)).toBeLessThanOrEqual(4_000);
      expect(run?.summary.executionsNotKept).toBe(events.length - kept.length);
    });
  });

  describe('when a dead-lettered message is replayed', () => {
    it('reopens the finished run, which then finishes again', async () => {
      const runs = store();
      await runs.startRun(FLOW, start('r1'));
      const dead = await runs.settle(FLOW, { jobId: 'src', runId: 'r1', outcome: 'dead-lettered' });
      expect(dead.finished).toMatchObject({ status: 'failed', deadLettered: 1 });
      expect(await runs.reopen(FLOW, 'r1')).toEqual({ reopened: true, recreated: false, pending: 1 });
      const reopened = (await runs.getRun(FLOW, 'r1'))?.summary;
      expect(reopened).toMatchObject({ status: 'running', pending: 1, deadLettered: 0 });
      expect(reopened?.finishedAt).toBeUndefined();
      const replayed = await runs.settle(FLOW, { jobId: 'replay-1', runId: 'r1', outcome: 'completed' });
      expect(replayed.finished).toMatchObject({ status: 'completed', completed: 1, deadLettered: 0 });
    });

    it('reopens once per token', async () => {
      const runs = store();
      await runs.startRun(FLOW, start('r1'));
      await runs.settle(FLOW, { jobId: 'src', runId: 'r1', outcome: 'dead-lettered' });
      expect((await runs.reopen(FLOW, 'r1', 1, { token: 'replay-1' })).reopened).toBe(true);
      expect(await runs.reopen(FLOW, 'r1', 1, { token: 'replay-1' })).toEqual({ reopened: false, recreated: false, pending: 1 });
    });

    it('recreates a run whose record expired', async () => {
      const runs = store();
      expect(await runs.reopen(FLOW, 'gone', 2, { revision: 4, startedAt: T0 })).toEqual({ reopened: true, recreated: true, pending: 2 });
      expect((await runs.getRun(FLOW, 'gone'))?.summary).toMatchObject({ runId: 'gone', revision: 4, status: 'running', pending: 2, recreated: true });
      await runs.settle(FLOW, { jobId: 'x', runId: 'gone', outcome: 'completed' });
      const last = await runs.settle(FLOW, { jobId: 'y', runId: 'gone', outcome: 'completed' });
      expect(last.finished).toMatchObject({ status: 'completed', completed: 2 });
    });
  });

  describe('when a settle meets a run whose record is gone', () => {
    it('still marks the job done, and counts nothing', async () => {
      const runs = store();
      expect(await runs.settle(FLOW, { jobId: 'j', runId: 'nope', outcome: 'completed' })).toEqual({ first: true, pending: 0, runMissing: true });
      expect(await runs.isSettled(FLOW, 'j')).toBe(true);
      expect(await t.redis.exists(new Keys(t.prefix).run(FLOW, 'nope'))).toBe(0);
    });
  });

  describe('when a run has gone through every kind of write', () => {
    it('leaves only keys with a TTL, and the index within its cap', async () => {
      const runs = store(retentionWith({ runs: { maxPerFlow: 2 } }));
      const keys = new Keys(t.prefix);
      for (const id of ['r1', 'r2', 'r3']) {
        await runs.startRun(FLOW, start(id, T0 + Number(id.slice(1))));
        await runs.recordEvent(event(id, 1));
        await runs.reserve(FLOW, { jobId: `${id}-src`, runId: id, children: [`${id}-child`] });
        await runs.reserve(FLOW, { jobId: `${id}-open`, runId: id, children: [`${id}-next`] });
        await runs.settle(FLOW, { jobId: `${id}-src`, runId: id, outcome: 'completed', idempotency: { nodeId: 'n', keyHash: id, ttlSec: 60 } });
        await runs.settle(FLOW, { jobId: `${id}-child`, runId: id, outcome: 'dead-lettered' });
        await runs.reopen(FLOW, id, 1, { token: `${id}-replay` });
      }
      await runs.reopen(FLOW, 'expired', 1);
      await runs.settle(FLOW, { jobId: 'orphan', runId: 'expired-too', outcome: 'completed' });
      const all = await keysWithTtl(t.redis, t.prefix);
      expect(all.size).toBeGreaterThan(10);
      for (const [key, ttl] of all) expect({ key, ttl: ttl > 0 }).toEqual({ key, ttl: true });
      expect(await t.redis.zcard(keys.runs(FLOW))).toBe(2);
      expect(await t.redis.llen(keys.runEvents(FLOW, 'r3'))).toBeLessThanOrEqual(retentionWith().runs.maxEventsPerRun);
    });
  });
});
