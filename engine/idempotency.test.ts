/**
 * Idempotency keys, end to end: a node's key is claimed before the node runs, so concurrent
 * deliveries with one key run it once; and an intake's key (`Idempotency-Key`) either names a
 * duplicate or starts new work — never acknowledges a message it then drops.
 */
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { edge, fileLines, flowDoc } from '../test/policy-fixtures';

const FLOW = 'orders';

/** inject "in" → file "out" (`orders.jsonl`), the file sink with `policy`. */
const fileFlow = (policy?: Record<string, unknown>) =>
  flowDoc(FLOW, [{ id: 'in', type: 'inject' }, { id: 'out', type: 'file', config: { path: 'orders.jsonl' }, ...(policy && { policy }) }], [edge('e1', 'in', 'out')]);

describe('when deliveries with one idempotency key arrive at a node at the same time', () => {
  const t = useEngines();

  it('runs the node once: four concurrent triggers with one orderId write one line', async () => {
    const engine = await t.start({ concurrency: 16 });
    await engine.deploy(fileFlow({ idempotency: { key: 'orderId', ttlSec: 60 } }), 1);
    const runs = await Promise.all([1, 2, 3, 4].map((n) => engine.trigger(FLOW, 'in', { orderId: 'A1', n })));
    await eventually(async () => {
      const summaries = await Promise.all(runs.map((r) => engine.runs.getRun(FLOW, r.runId)));
      return summaries.every((s) => s?.summary.status === 'completed');
    }, 'every run finished');
    expect(fileLines(t.dataDir, 'orders.jsonl')).toHaveLength(1);
    const counts = await Promise.all(runs.map(async (r) => (await engine.runs.getRun(FLOW, r.runId))!.summary));
    expect(counts.map((c) => c.skipped).sort()).toEqual([0, 1, 1, 1]);
  });
});

describe('when an intake idempotency key comes again after its marker expired', () => {
  const t = useEngines();

  it('runs it as new work, with its own run and its own payload', async () => {
    const engine = await t.start({ retention: { idempotencySec: 1 } });
    await engine.deploy(fileFlow(), 1);
    const first = await engine.trigger(FLOW, 'in', { n: 1 }, { idempotencyKey: 'k' });
    await eventually(async () => (await engine.runs.getRun(FLOW, first.runId))?.summary.status === 'completed', 'the first run finished');
    expect(await engine.trigger(FLOW, 'in', { n: 1 }, { idempotencyKey: 'k' })).toEqual({ runId: first.runId, duplicate: true });
    // The intake marker lives idempotencySec; the first delivery's done marker lives on (days).
    await eventually(async () => (await engine.redis.keys(`${t.redis.prefix}:*:ingested:*`)).length === 0, 'the intake marker expired');

    const again = await engine.trigger(FLOW, 'in', { n: 2 }, { idempotencyKey: 'k' });
    expect(again.duplicate).toBe(false);
    expect(again.runId).not.toBe(first.runId);
    await eventually(async () => (await engine.runs.getRun(FLOW, again.runId))?.summary.status === 'completed', 'the new run finished');
    expect(fileLines(t.dataDir, 'orders.jsonl')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await engine.trigger(FLOW, 'in', { n: 3 }, { idempotencyKey: 'k' })).toEqual({ runId: again.runId, duplicate: true });
  });
});
