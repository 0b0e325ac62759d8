import { describe, expect, it } from 'vitest';
import { useRedis } from '../../test/redis';
import { Keys } from '../keys';
import type { Retention } from '../retention';
import { type DeadLetter, DeadLetterStore } from './dead-letters';
import { keysWithTtl, retentionWith } from './testing';

const FLOW = 'orders';
const T0 = 1_700_000_000_000;

const letter = (id: string, failedAt: number, nodeId = 'pay'): DeadLetter => ({
  id,
  flowId: FLOW,
  revision: 2,
  nodeId,
  nodeType: 'http-request',
  port: 'in',
  message: { id: `m-${id}`, runId: 'r1', payload: { order: id }, meta: { flowId: FLOW, revision: 2, port: 'in', startedAt: T0 } },
  error: { kind: 'transient', message: 'HTTP 503', code: '503' },
  attempts: 5,
  firstAttemptAt: failedAt - 1_000,
  failedAt,
  replays: 0,
});

describe('DeadLetterStore', () => {
  const t = useRedis();
  const store = (retention: Retention = retentionWith(), onTrimmed?: (flowId: string, ids: string[]) => void) =>
    new DeadLetterStore(t.redis, new Keys(t.prefix), retention, onTrimmed ? { onTrimmed } : {});

  describe('when the same letter is added twice', () => {
    it('keeps one, and says the second was not added', async () => {
      const dlq = store();
      expect(await dlq.add(letter('a', T0))).toBe(true);
      expect(await dlq.add({ ...letter('a', T0 + 5), attempts: 9 })).toBe(false);
      expect(await dlq.count(FLOW)).toBe(1);
      expect(await dlq.get(FLOW, 'a')).toEqual(letter('a', T0));
    });
  });

  describe('when letters are listed', () => {
    const fill = async (dlq: DeadLetterStore) => {
      for (let i = 0; i < 6; i++) await dlq.add(letter(`l${i}`, T0 + i, i % 2 === 0 ? 'pay' : 'mail'));
    };

    it('lists newest first, page by page', async () => {
      const dlq = store();
      await fill(dlq);
      const first = await dlq.list(FLOW, { offset: 0, limit: 4 });
      const second = await dlq.list(FLOW, { offset: 4, limit: 4 });
      expect(first.items.map((l) => l.id)).toEqual(['l5', 'l4', 'l3', 'l2']);
      expect(second.items.map((l) => l.id)).toEqual(['l1', 'l0']);
      expect([first.total, second.total]).toEqual([6, 6]);
    });

    it('filters by node, with paging and the filtered total', async () => {
      const dlq = store();
      await fill(dlq);
      const page = await dlq.list(FLOW, { offset: 1, limit: 1, nodeId: 'pay' });
      expect(page).toEqual({ items: [letter('l2', T0 + 2, 'pay')], total: 3 });
      expect((await dlq.list(FLOW, { offset: 0, limit: 10, nodeId: 'mail' })).items.map((l) => l.id)).toEqual(['l5', 'l3', 'l1']);
    });

    it('bounds a filtered walk and says when it stopped early', async () => {
      const dlq = store();
      await fill(dlq);
      const page = await dlq.list(FLOW, { offset: 0, limit: 10, nodeId: 'pay', scanLimit: 3 });
      expect(page).toEqual({ items: [letter('l4', T0 + 4, 'pay')], total: 1, partial: true });
    });

    it('gives ids oldest first, of one node when asked', async () => {
      const dlq = store();
      await fill(dlq);
      expect(await dlq.ids(FLOW)).toEqual(['l0', 'l1', 'l2', 'l3', 'l4', 'l5']);
      expect(await dlq.ids(FLOW, { nodeId: 'mail' })).toEqual(['l1', 'l3', 'l5']);
      expect(await dlq.ids(FLOW, { nodeId: 'pay', limit: 2 })).toEqual(['l0', 'l2']);
    });

    it('cleans index entries whose letter expired when it meets them', async () => {
      const dlq = store();
      await fill(dlq);
      const keys = new Keys(t.prefix);
      await t.redis.del(keys.deadLetter(FLOW, 'l4'), keys.deadLetter(FLOW, 'l1'));
      const page = await dlq.list(FLOW, { offset: 0, limit: 3 });
      expect(page.items.map((l) => l.id)).toEqual(['l5', 'l3']);
      expect(page.total).toBe(5);
      expect(await dlq.ids(FLOW, { nodeId: 'mail' })).toEqual(['l3', 'l5']);
      expect(await t.redis.zrange(keys.deadLetters(FLOW), 0, -1)).toEqual(['l0', 'l2', 'l3', 'l5']);
    });
  });

  describe('when the flow passes its cap', () => {
    it('removes the oldest letters and reports them', async () => {
      const trims: Array<{ flowId: string; ids: string[] }> = [];
      const dlq = store(retentionWith({ deadLetters: { maxPerFlow: 3 } }), (flowId, ids) => trims.push({ flowId, ids }));
      const keys = new Keys(t.prefix);
      for (let i = 0; i < 3; i++) await dlq.add(letter(`l${i}`, T0 + i));
      expect(trims).toEqual([]);
      await dlq.add(letter('l3', T0 + 3));
      await dlq.add(letter('l4', T0 + 4));
      expect(trims).toEqual([{ flowId: FLOW, ids: ['l0'] }, { flowId: FLOW, ids: ['l1'] }]);
      expect(await dlq.count(FLOW)).toBe(3);
      expect(await t.redis.exists(keys.deadLetter(FLOW, 'l0'), keys.deadLetter(FLOW, 'l1'))).toBe(0);
      expect(await dlq.ids(FLOW)).toEqual(['l2', 'l3', 'l4']);
    });
  });

  describe('when a letter is removed', () => {
    it('is gone from the store and the index, once', async () => {
      const dlq = store();
      await dlq.add(letter('a', T0));
      await dlq.add(letter('b', T0 + 1));
      expect(await dlq.remove(FLOW, 'a')).toBe(true);
      expect(await dlq.remove(FLOW, 'a')).toBe(false);
      expect(await dlq.get(FLOW, 'a')).toBeUndefined();
      expect(await dlq.ids(FLOW)).toEqual(['b']);
    });
  });

  describe('when letters are written', () => {
    it('gives every key a TTL and keeps the index within its cap', async () => {
      const dlq = store(retentionWith({ deadLetters: { maxPerFlow: 2, ttlSec: 3_600 } }), () => undefined);
      for (let i = 0; i < 4; i++) await dlq.add(letter(`l${i}`, T0 + i));
      const all = await keysWithTtl(t.redis, t.prefix);
      expect(all.size).toBe(4); // two letters, the index and the node hash
      for (const [key, ttl] of all) expect({ key, ttl: ttl > 0 && ttl <= 3_600 }).toEqual({ key, ttl: true });
      expect(await dlq.count(FLOW)).toBe(2);
      const nodeHash = [...all.keys()].find((k) => k.endsWith(':dlqnodes'))!;
      expect(await t.redis.hlen(nodeHash)).toBe(2);
    });

    it('counts the letters each node holds, leaving out removed and expired ones', async () => {
      const dlq = store(retentionWith({ deadLetters: { maxPerFlow: 100, ttlSec: 3_600 } }), () => undefined);
      const now = Date.now();
      await dlq.add({ ...letter('a1', now), nodeId: 'a' });
      await dlq.add({ ...letter('a2', now), nodeId: 'a' });
      await dlq.add({ ...letter('b1', now), nodeId: 'b' });
      await dlq.add({ ...letter('old', now - 3_601_000), nodeId: 'b' }); // older than the TTL: expired
      await dlq.remove(FLOW, 'a2');
      expect(await dlq.countByNode(FLOW, now)).toEqual(new Map([['a', 1], ['b', 1]]));
    });
  });
});
