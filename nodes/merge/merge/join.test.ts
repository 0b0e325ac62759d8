/**
 * merge `join` on the real engine: worker processes sharing one Redis, real timers.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useWorkerProcesses } from '../../../test/processes';
import { atRest, mergeFlow, written } from './fixtures';

type Half = { orderId: number; side: string };
type Joined = { a: Half; b: Half };

describe('when the halves of a join arrive at different worker processes', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();
  const dirs = (...names: string[]) => names.map((name) => join(t.dataDir, name)).map((dir) => (mkdirSync(dir), dir));

  it('does join halves stored by one process with halves that reach another, each key once', async () => {
    const api = await t.start({ workers: false });
    const [dirA, dirB] = dirs('first', 'second');
    const first = await workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir: dirA! });
    const second = await workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir: dirB!, standby: true });
    const traces = await t.traces();
    // Long enough that no group times out while the second process takes over; the test doesn't wait for it.
    await api.deploy(mergeFlow('pinned', { inputs: ['a', 'b'], correlationKey: 'orderId', timeoutMs: 120_000 }), 1);
    const keys = Array.from({ length: 20 }, (_, k) => k);

    // Only the first process runs: every `a` half is stored by it. Its runs end at the merge.
    const runsA = await Promise.all(keys.map(async (k) => (await api.trigger('pinned', 'in-a', { orderId: k, side: 'a' })).runId));
    await traces.until((events) => runsA.every((runId) => events.some((e) => e.type === 'run:finished' && e.data.runId === runId)));
    expect(written([dirA!], 'out.jsonl')).toEqual([]);
    await first.kill('SIGKILL');

    // Only the second process runs: every `b` half reaches it, and completes its key.
    await second.activate();
    const runsB = await Promise.all(keys.map(async (k) => (await api.trigger('pinned', 'in-b', { orderId: k, side: 'b' })).runId));
    await eventually(() => written([dirA!, dirB!], 'out.jsonl').length >= keys.length, 'every key joined');
    const joined = written<Joined>([dirA!, dirB!], 'out.jsonl');
    expect(joined.map((j) => j.value.payload.a.orderId).sort((x, y) => x - y)).toEqual(keys);
    for (const { value } of joined) {
      const k = value.payload.a.orderId;
      expect(value.payload).toEqual({ a: { orderId: k, side: 'a' }, b: { orderId: k, side: 'b' } });
      expect(value.joinedRuns).toEqual([runsA[k], runsB[k]]);
    }
  });

  it('does emit exactly one joined message per key when both halves race in through two processes', async () => {
    const api = await t.start({ workers: false });
    const processDirs = dirs('p1', 'p2');
    await Promise.all(processDirs.map((dataDir) => workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir, concurrency: 8 })));
    await api.deploy(mergeFlow('race', { inputs: ['a', 'b'], correlationKey: 'orderId', timeoutMs: 3_000 }), 1);
    const keys = Array.from({ length: 50 }, (_, k) => k);
    // Both halves of every key at once: the two processes take them as they come.
    const runs = await Promise.all(
      keys.map(async (k) => {
        const [a, b] = await Promise.all([api.trigger('race', 'in-a', { orderId: k, side: 'a' }), api.trigger('race', 'in-b', { orderId: k, side: 'b' })]);
        return [a.runId, b.runId];
      }),
    );
    // At rest: every half stored or joined, and every timer — one per key — has fired.
    await eventually(() => atRest(api, 'race'), 'the flow at rest', 30_000);
    const joined = written<Joined>(processDirs, 'out.jsonl');
    expect(joined).toHaveLength(keys.length);
    expect(joined.map((j) => j.value.payload.a.orderId).sort((x, y) => x - y)).toEqual(keys);
    for (const { value } of joined) {
      const k = value.payload.a.orderId;
      expect(value.payload.b).toEqual({ orderId: k, side: 'b' });
      expect(value.joinedRuns).toEqual(runs[k]);
      expect(value.attrs).toMatchObject({ joinedRuns: runs[k], correlationKey: k });
    }
    // The timers of the completed groups fired and did nothing.
    expect(written(processDirs, 'timeout.jsonl')).toEqual([]);
    expect(await api.deadLetters.count('race')).toBe(0);
  }, 60_000);
});

describe('when a join times out', () => {
  const t = useEngines();

  it('does emit what arrived on the timeout port, and joins the key afresh afterwards', async () => {
    const engine = await t.start();
    await engine.deploy(mergeFlow('late', { inputs: ['orders', 'payments'], correlationKey: 'orderId', timeoutMs: 300 }), 1);
    const order = await engine.trigger('late', 'in-orders', { orderId: 7, total: 30 });
    await eventually(() => atRest(engine, 'late'), 'the timeout');
    const timedOut = written<{ arrived: unknown; missing: string[] }>([t.dataDir], 'timeout.jsonl');
    expect(timedOut).toHaveLength(1);
    expect(timedOut[0]!.value.payload).toEqual({ arrived: { orders: { orderId: 7, total: 30 } }, missing: ['payments'] });
    expect(timedOut[0]!.value.joinedRuns).toEqual([order.runId]);
    expect(timedOut[0]!.value.attrs).toMatchObject({ missing: ['payments'], correlationKey: 7 });

    // The key was cleared: a late payment opens a group of its own, which times out in turn.
    const payment = await engine.trigger('late', 'in-payments', { orderId: 7, paid: true });
    await eventually(() => atRest(engine, 'late'), 'the second timeout');
    const second = written<{ arrived: unknown; missing: string[] }>([t.dataDir], 'timeout.jsonl').find((w) => w.id !== timedOut[0]!.id)!;
    expect(second.value.payload).toEqual({ arrived: { payments: { orderId: 7, paid: true } }, missing: ['orders'] });
    expect(second.value.joinedRuns).toEqual([payment.runId]);
    expect(written([t.dataDir], 'out.jsonl')).toEqual([]);
  });
});
