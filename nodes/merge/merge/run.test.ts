/**
 * The merge runtime through the node harness, its state in real Redis (the engine's node state
 * under the test's own key prefix), its timers recorded. Crash re-runs are replayed by running
 * the same delivery again: what the engine does after a crash. The engine-level proofs (worker
 * processes, real timers, kill -9) are in join.test.ts, window.test.ts and window-crash.test.ts.
 */
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeState } from '../../../engine/context';
import { emissionIds } from '../../../engine/delivery';
import { Keys } from '../../../engine/keys';
import type { PlanNode } from '../../../engine/plan';
import { useRedis } from '../../../test/redis';
import { PermanentError } from '../../errors';
import { TIMER_PORT, type Emission } from '../../runtime';
import { deployNode, HARNESS_FLOW_ID, type DeployedNode, type MessageOptions } from '../../testing/harness';
import { runtime } from './run';
import type { MergeConfig } from './spec';

interface Timer {
  key: string;
  atMs: number;
  payload: unknown;
}

describe('when a merge runs in the harness with its state in Redis', () => {
  const t = useRedis();
  const deployed: DeployedNode[] = [];
  // Closes the harness's HTTP clients; registered after useRedis, so it runs before the cleanup.
  afterEach(() => deployed.splice(0).forEach((node) => node.close()));

  /** The merge as the engine would run it, its state on `connection` (another client = another process). */
  async function merge(config: Partial<MergeConfig>, connection: Redis = t.redis) {
    const timers: Timer[] = [];
    const node = await deployNode(runtime, {
      config,
      nodeId: 'm',
      state: nodeState(connection, new Keys(t.prefix), HARNESS_FLOW_ID, 'm'),
      timers: { set: async (key, atMs, payload) => void timers.push({ key, atMs, payload }) },
    });
    deployed.push(node);
    const run = async (m: MessageOptions) => (await node.run(m)).emissions;
    /** Delivers the timer message the engine would deliver for `timer`. */
    const fire = (timer: Timer) => run({ port: TIMER_PORT, messageId: `timer-${timer.key}`, attrs: { timer: { key: timer.key, payload: timer.payload } } });
    return { run, fire, timers };
  }

  const part = (port: string, id: string, payload: unknown): MessageOptions => ({ port, messageId: id, runId: `run-${id}`, payload });
  const idsOf = (inputId: string, emissions: Emission[]) => emissionIds({ id: 'm' } as PlanNode, { id: inputId, meta: { flowId: HARNESS_FLOW_ID } } as never, emissions);

  describe('when joining', () => {
    const config = { inputs: ['orders', 'payments'], correlationKey: 'orderId', timeoutMs: 1_000 };

    it('does emit one message per key once every input has a part, with the runs it joined', async () => {
      const m = await merge(config);
      expect(await m.run(part('orders', 'o1', { orderId: 7, total: 30 }))).toEqual([]);
      expect(await m.run(part('orders', 'o2', { orderId: 8, total: 5 }))).toEqual([]);
      const out = await m.run(part('payments', 'p1', { orderId: 7, paid: true }));
      expect(out).toEqual([
        {
          port: 'out',
          payload: { orders: { orderId: 7, total: 30 }, payments: { orderId: 7, paid: true } },
          attrs: { joinedRuns: ['run-o1', 'run-p1'], correlationKey: 7 },
          joinedRuns: ['run-o1', 'run-p1'],
        },
      ]);
      // The first part of each key set that group's timeout.
      expect(m.timers.map((timer) => timer.key)).toHaveLength(2);
      expect(m.timers.every((timer) => timer.key.startsWith('join:'))).toBe(true);
    });

    it('does not count a redelivered part twice', async () => {
      const m = await merge({ ...config, inputs: ['a', 'b', 'c'] });
      await m.run(part('a', 'a1', { orderId: 1 }));
      await m.run(part('b', 'b1', { orderId: 1 }));
      expect(await m.run(part('b', 'b1', { orderId: 1 }))).toEqual([]);
      const [out] = await m.run(part('c', 'c1', { orderId: 1 }));
      expect(out!.joinedRuns).toEqual(['run-a1', 'run-b1', 'run-c1']);
    });

    it('does emit the same group with the same id when the completing delivery runs again after a crash', async () => {
      const m = await merge(config);
      await m.run(part('orders', 'o1', { orderId: 7 }));
      const first = await m.run(part('payments', 'p1', { orderId: 7 })); // "crashed" before enqueueing this
      const again = await m.run(part('payments', 'p1', { orderId: 7 }));
      expect(again).toEqual(first);
      expect(idsOf('p1', again)).toEqual(idsOf('p1', first));
      // A re-run of the part that opened the completed group neither emits nor sets a timer again.
      const timersBefore = m.timers.length;
      expect(await m.run(part('orders', 'o1', { orderId: 7 }))).toEqual([]);
      expect(m.timers).toHaveLength(timersBefore);
    });

    it('does set the timer again when the opening delivery runs again while its group is open', async () => {
      const m = await merge(config);
      await m.run(part('orders', 'o1', { orderId: 7 }));
      await m.run(part('orders', 'o1', { orderId: 7 }));
      expect(m.timers).toHaveLength(2);
      expect(m.timers[1]).toEqual(m.timers[0]);
    });

    it('does emit what arrived on timeout when the timer fires first, and clears the key', async () => {
      const m = await merge(config);
      await m.run(part('orders', 'o1', { orderId: 7, total: 30 }));
      const [timer] = m.timers;
      expect(timer!.atMs).toBeGreaterThan(Date.now() - 60_000);
      const out = await m.fire(timer!);
      expect(out).toEqual([
        {
          port: 'timeout',
          payload: { arrived: { orders: { orderId: 7, total: 30 } }, missing: ['payments'] },
          attrs: { missing: ['payments'], joinedRuns: ['run-o1'], correlationKey: 7 },
          joinedRuns: ['run-o1'],
        },
      ]);
      expect(await m.fire(timer!)).toEqual(out); // a re-run of the timer's delivery
      // The key starts afresh: the late payment opens a new group with a timer of its own.
      expect(await m.run(part('payments', 'p1', { orderId: 7 }))).toEqual([]);
      expect(m.timers).toHaveLength(2);
      expect(m.timers[1]!.key).not.toBe(timer!.key);
    });

    it('does nothing when the timer of a completed group fires', async () => {
      const m = await merge(config);
      await m.run(part('orders', 'o1', { orderId: 7 }));
      await m.run(part('payments', 'p1', { orderId: 7 }));
      expect(await m.fire(m.timers[0]!)).toEqual([]);
    });

    it('does fail for good when the correlation key yields nothing', async () => {
      const m = await merge(config);
      await expect(m.run(part('orders', 'o1', { other: 1 }))).rejects.toBeInstanceOf(PermanentError);
    });

    it('does complete each key exactly once when its halves race in from two connections', async () => {
      // Two clients stand for two worker processes; each half of each key goes through its own.
      const [left, right] = [await merge(config, t.connection()), await merge(config, t.connection())];
      const keys = Array.from({ length: 200 }, (_, i) => i);
      const results = await Promise.all(
        keys.flatMap((k) => [left.run(part('orders', `o${k}`, { orderId: k })), right.run(part('payments', `p${k}`, { orderId: k }))]),
      );
      const joined = results.flat();
      expect(joined).toHaveLength(200);
      expect(joined.map((e) => (e.payload as { orders: { orderId: number } }).orders.orderId).sort((x, y) => x - y)).toEqual(keys);
      expect(joined.every((e) => e.joinedRuns!.length === 2)).toBe(true);
    });
  });

  describe('when collecting windows', () => {
    const config = { mode: 'window' as const, inputs: ['customers', 'products'], maxMessages: 3, windowMs: 1_000 };

    it('does close a window by count, grouping payloads by input, every input listed', async () => {
      const m = await merge(config);
      expect(await m.run(part('customers', 'c1', 'ada'))).toEqual([]);
      expect(await m.run(part('customers', 'c2', 'bob'))).toEqual([]);
      const [out] = await m.run(part('customers', 'c3', 'cy'));
      expect(out).toMatchObject({ port: 'out', payload: { customers: ['ada', 'bob', 'cy'], products: [] }, joinedRuns: ['run-c1', 'run-c2', 'run-c3'] });
      expect(out!.attrs!.window).toMatchObject({ count: 3, reason: 'count' });
      // The window's opener set its timer; when it fires the window is closed already.
      expect(m.timers).toHaveLength(1);
      expect(m.timers[0]!.key).toBe(`window:${(out!.attrs!.window as { id: string }).id}`);
      expect(await m.fire(m.timers[0]!)).toEqual([]);
    });

    it('does append a redelivered message once', async () => {
      const m = await merge(config);
      await m.run(part('customers', 'c1', 'ada'));
      await m.run(part('products', 'p1', 'tea'));
      expect(await m.run(part('products', 'p1', 'tea'))).toEqual([]);
      const [out] = await m.run(part('customers', 'c2', 'bob'));
      expect(out!.payload).toEqual({ customers: ['ada', 'bob'], products: ['tea'] });
    });

    it('does emit the same window with the same id when the closing delivery runs again after a crash', async () => {
      const m = await merge(config);
      await m.run(part('customers', 'c1', 'ada'));
      await m.run(part('customers', 'c2', 'bob'));
      const first = await m.run(part('customers', 'c3', 'cy'));
      await m.run(part('products', 'p1', 'tea')); // the next window is open meanwhile
      const again = await m.run(part('customers', 'c3', 'cy'));
      expect(again).toEqual(first);
      expect(idsOf('c3', again)).toEqual(idsOf('c3', first));
    });

    it('does flush an open window by time, once, and open a new one afterwards', async () => {
      const m = await merge(config);
      await m.run(part('customers', 'c1', 'ada'));
      await m.run(part('products', 'p1', 'tea'));
      const [timer] = m.timers;
      const [out] = await m.fire(timer!);
      expect(out!.payload).toEqual({ customers: ['ada'], products: ['tea'] });
      expect(out!.attrs!.window).toMatchObject({ count: 2, reason: 'time' });
      expect(await m.fire(timer!)).toEqual([out]); // a re-run of the timer's delivery
      await m.run(part('customers', 'c2', 'bob'));
      expect(m.timers).toHaveLength(2);
      expect(m.timers[1]!.key).not.toBe(timer!.key);
    });

    it('does put every message in exactly one window when appends race in from two connections', async () => {
      const [left, right] = [await merge(config, t.connection()), await merge(config, t.connection())];
      const ids = Array.from({ length: 99 }, (_, i) => i);
      const results = await Promise.all(ids.map((i) => (i % 2 ? left : right).run(part(i % 2 ? 'customers' : 'products', `x${i}`, i))));
      const windows = results.flat();
      expect(windows).toHaveLength(33);
      const seen = windows.flatMap((w) => Object.values(w.payload as Record<string, number[]>).flat());
      expect(seen.sort((x, y) => x - y)).toEqual(ids);
    });
  });

  it('does give every key it writes a TTL', async () => {
    const joins = await merge({ inputs: ['a', 'b'], correlationKey: 'k' });
    await joins.run(part('a', 'a1', { k: 1 })); // an open group
    await joins.run(part('a', 'a2', { k: 2 }));
    await joins.run(part('b', 'b2', { k: 2 })); // a completed one
    await joins.run(part('a', 'a3', { k: 3 }));
    await joins.fire(joins.timers.at(-1)!); // a timed-out one
    const windows = await merge({ mode: 'window', inputs: ['a'], maxMessages: 2 }, t.connection());
    for (const i of [1, 2, 3]) await windows.run(part('a', `w${i}`, i)); // a closed window and an open one
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await t.redis.scan(cursor, 'MATCH', `${t.prefix}:*:state:*`, 'COUNT', 1_000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThanOrEqual(12);
    const ttls = await Promise.all(keys.map((key) => t.redis.ttl(key)));
    expect(keys.filter((_, i) => !(ttls[i]! > 0))).toEqual([]);
  });

  it('does refuse a message on a port it does not have', async () => {
    const m = await merge({ inputs: ['a', 'b'], correlationKey: 'k' });
    await expect(m.run(part('c', 'c1', { k: 1 }))).rejects.toBeInstanceOf(PermanentError);
  });
});
