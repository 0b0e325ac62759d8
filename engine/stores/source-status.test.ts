import { describe, expect, it } from 'vitest';
import { useRedis } from '../../test/redis';
import { Keys } from '../keys';
import { MAX_STALE_ENTRIES, SourceStatusStore } from './source-status';

const FLOW = 'orders';

describe('the subscription members\' states of a flow', () => {
  const t = useRedis();

  it('hold the entries of vanished processes only up to a bound, even when nobody lists them', async () => {
    const keys = new Keys(t.prefix);
    const store = new SourceStatusStore(t.redis, keys);
    // Processes killed over the hours (a crash-looping worker) never removed their entries, and
    // the live member's writes keep the hash's TTL from ever running out.
    const long = Date.now() - 3_600_000;
    for (let i = 0; i < 500; i++) {
      await t.redis.hset(keys.sourceStatus(FLOW), `in gone-${i}`, JSON.stringify({ nodeId: 'in', process: `gone-${i}`, revision: 1, state: 'running', since: long, at: long }));
    }
    await store.put(FLOW, { nodeId: 'in', process: 'alive', revision: 1, state: 'running', since: Date.now() });
    expect(await t.redis.hlen(keys.sourceStatus(FLOW))).toBeLessThanOrEqual(MAX_STALE_ENTRIES + 1);
    expect((await store.list(FLOW)).map((s) => s.process)).toEqual(['alive']);
  });
});
