/**
 * What back-pressure counts: messages waiting to be processed — waiting, prioritized and delayed
 * deliveries (retries, circuit waits) — but not the timers nodes set (a merge's join timeout, a
 * window's flush), which are delayed jobs too and no work waiting.
 */
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { atRest, mergeFlow, written } from '../nodes/merge/merge/fixtures';

const FLOW = 'joins';

describe('when more joins are open than the backlog bound', () => {
  const t = useEngines();

  it('keeps taking messages in, including those that close the joins', async () => {
    const engine = await t.start();
    await engine.deploy({ ...mergeFlow(FLOW, { inputs: ['a', 'b'], correlationKey: 'orderId', timeoutMs: 600_000 }), settings: { backlogLimit: 3 } }, 1);
    for (let i = 0; i < 5; i++) await engine.trigger(FLOW, 'in-a', { orderId: `o${i}` });
    // Five joins open, each with its timeout pending as a delayed job.
    await eventually(async () => (await engine.queue(FLOW).getJobCounts('delayed')).delayed === 5, 'five join timers');
    await eventually(async () => (await engine.queue(FLOW).getJobCounts('waiting', 'active')).waiting === 0, 'the a-side drained');
    expect(await engine.backlog(FLOW)).toBe(0);

    for (let i = 0; i < 5; i++) await engine.trigger(FLOW, 'in-b', { orderId: `o${i}` });
    await eventually(() => written([t.dataDir], 'out.jsonl').length === 5, 'five joins closed');
    expect(await engine.backlog(FLOW)).toBe(0);
    expect(await atRest(engine, FLOW)).toBe(false); // the timers still wait, as they should
  });
});
