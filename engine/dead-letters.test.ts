/**
 * Dead letters as a user handles them, end to end on a real engine: a sink's receiver rejects
 * messages until its cause is fixed; the letters are listed, inspected, replayed (as they were,
 * or edited) and discarded, one by one or per node.
 */
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { edge, fakeApi, flowDoc, reply, runFinished, sinkFlow, type FakeApi } from '../test/policy-fixtures';
import { ReplayConflictError, ReplayTruncatedError } from './dead-letter-service';
import { DEFAULT_RETENTION } from './retention';

describe('when a sink rejects messages until its cause is fixed', () => {
  const t = useEngines();

  /** A receiver that answers 400 while it is broken, 200 once fixed. */
  async function receiver(): Promise<FakeApi & { fixed: boolean }> {
    const state = { fixed: false };
    const api = await fakeApi(t, (_req, _n, res) => (state.fixed ? reply(res, 200) : reply(res, 400)));
    return Object.assign(state, api);
  }

  /** Triggers `payload` on flow `flowId` and waits until its run finished with a dead letter. */
  async function deadLettered(engine: Awaited<ReturnType<typeof t.start>>, traces: Awaited<ReturnType<typeof t.traces>>, flowId: string, payload: unknown) {
    const { runId } = await engine.trigger(flowId, 'in', payload);
    expect(await runFinished(traces, runId)).toMatchObject({ status: 'failed', counts: { deadLettered: 1 } });
    return runId;
  }

  it('does list and inspect the letter, and a replay after the fix delivers it, removes it and finishes the run', async () => {
    const api = await receiver();
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(sinkFlow('dlq', `${api.origin}/orders`), 1);
    const runId = await deadLettered(engine, traces, 'dlq', { orderId: 'A1' });

    const { items, total } = await engine.deadLetters.list('dlq');
    expect(total).toBe(1);
    const letter = await engine.deadLetters.get('dlq', items[0]!.id);
    expect(letter).toMatchObject({
      flowId: 'dlq',
      nodeId: 'send',
      nodeType: 'http-request',
      revision: 1,
      port: 'in',
      attempts: 1,
      replays: 0,
      message: { runId, payload: { orderId: 'A1' } },
      error: { kind: 'permanent', code: 'HTTP_400', message: expect.stringContaining('400') },
    });
    expect(letter!.failedAt).toBeGreaterThanOrEqual(letter!.firstAttemptAt!);

    api.fixed = true;
    const replayed = await engine.deadLetters.replay('dlq', letter!.id);
    expect(replayed).toMatchObject({ id: letter!.id, runId, revision: 1 });

    // The run was reopened by the replay and finishes again, now completed.
    expect((await runFinished(traces, runId, 2)).status).toBe('completed');
    expect(api.seen.map((r) => r.body)).toEqual([{ orderId: 'A1' }, { orderId: 'A1' }]);
    expect(await engine.deadLetters.get('dlq', letter!.id)).toBeUndefined();
    expect((await engine.deadLetters.list('dlq')).total).toBe(0);
    expect((await engine.runs.getRun('dlq', runId))?.summary).toMatchObject({ status: 'completed', pending: 0, deadLettered: 0 });
  });

  it('does keep a payload over the cap truncated and marked, and refuse to replay it unedited', async () => {
    const api = await receiver();
    const engine = await t.start({ retention: { deadLetters: { ...DEFAULT_RETENTION.deadLetters, maxPayloadBytes: 1_000 } } });
    const traces = await t.traces();
    await engine.deploy(sinkFlow('dlq', `${api.origin}/orders`), 1);
    const payload = { orderId: 'T1', blob: 'x'.repeat(50_000) };
    const runId = await deadLettered(engine, traces, 'dlq', payload);
    const [letter] = (await engine.deadLetters.list('dlq')).items;
    expect(letter!.truncated).toEqual({ originalBytes: JSON.stringify(payload).length });
    expect(letter!.message.payload).toBe(JSON.stringify(payload).slice(0, 1_000));

    api.fixed = true;
    const refused = await engine.deadLetters.replay('dlq', letter!.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ReplayTruncatedError);
    expect(await engine.deadLetters.get('dlq', letter!.id)).toBeDefined();
    expect(api.seen).toHaveLength(1);

    await engine.deadLetters.replay('dlq', letter!.id, { payload: { orderId: 'T1' } });
    expect((await runFinished(traces, runId, 2)).status).toBe('completed');
    expect(api.seen.at(-1)?.body).toEqual({ orderId: 'T1' });
  });

  it('does deliver the edited payload when a replay edits it', async () => {
    const api = await receiver();
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(sinkFlow('dlq', `${api.origin}/orders`), 1);
    const runId = await deadLettered(engine, traces, 'dlq', { orderId: 'B2', qty: 1 });
    const [letter] = (await engine.deadLetters.list('dlq')).items;

    api.fixed = true;
    await engine.deadLetters.replay('dlq', letter!.id, { payload: { orderId: 'B2', qty: 2 } });

    expect((await runFinished(traces, runId, 2)).status).toBe('completed');
    expect(api.seen.map((r) => r.body)).toEqual([
      { orderId: 'B2', qty: 1 },
      { orderId: 'B2', qty: 2 },
    ]);
  });

  it('does discard a letter without sending it', async () => {
    const api = await receiver();
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(sinkFlow('dlq', `${api.origin}/orders`), 1);
    const runId = await deadLettered(engine, traces, 'dlq', { orderId: 'C3' });
    const [letter] = (await engine.deadLetters.list('dlq')).items;

    expect(await engine.deadLetters.discard('dlq', letter!.id)).toBe(true);

    expect(await engine.deadLetters.get('dlq', letter!.id)).toBeUndefined();
    expect((await engine.deadLetters.list('dlq')).total).toBe(0);
    expect(await engine.deadLetters.discard('dlq', letter!.id)).toBe(false);
    expect(api.seen).toHaveLength(1);
    expect((await engine.runs.getRun('dlq', runId))?.summary.status).toBe('failed');
  });

  it('does refuse to replay into a deployed revision that no longer has the node, and keeps the letter', async () => {
    const api = await receiver();
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(sinkFlow('dlq', `${api.origin}/orders`), 1);
    await deadLettered(engine, traces, 'dlq', { orderId: 'D4' });
    const [letter] = (await engine.deadLetters.list('dlq')).items;
    // Revision 2 renamed the sink: node "send" is gone.
    const renamed = flowDoc(
      'dlq',
      [
        { id: 'in', type: 'inject' },
        { id: 'deliver', type: 'http-request', config: { url: JSON.stringify(`${api.origin}/orders`) } },
      ],
      [edge('e1', 'in', 'deliver')],
    );
    await engine.deploy(renamed, 2);
    api.fixed = true;

    const refused = await engine.deadLetters.replay('dlq', letter!.id).catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(ReplayConflictError);
    expect((refused as Error).message).toMatch(/"send".*revision 2/);
    expect(await engine.deadLetters.get('dlq', letter!.id)).toMatchObject({ id: letter!.id, nodeId: 'send' });
    expect(api.seen).toHaveLength(1);
  });

  it("does replay all of one node's letters and discard all of another's", async () => {
    const api = await receiver();
    const engine = await t.start();
    const traces = await t.traces();
    const send = (id: string) => ({ id, type: 'http-request', config: { url: JSON.stringify(`${api.origin}/${id}`) } });
    // Every message goes to both sinks, and both are rejected: two letters per message.
    await engine.deploy(flowDoc('fan', [{ id: 'in', type: 'inject' }, send('a'), send('b')], [edge('e1', 'in', 'a'), edge('e2', 'in', 'b')]), 1);
    const runs: string[] = [];
    for (const n of [1, 2]) {
      const { runId } = await engine.trigger('fan', 'in', { n });
      expect(await runFinished(traces, runId)).toMatchObject({ counts: { deadLettered: 2 } });
      runs.push(runId);
    }
    expect((await engine.deadLetters.list('fan', { nodeId: 'a' })).total).toBe(2);
    expect((await engine.deadLetters.list('fan', { nodeId: 'b' })).total).toBe(2);
    api.fixed = true;

    const { replayed, refused } = await engine.deadLetters.replayAll('fan', { nodeId: 'a' });

    expect(refused).toEqual([]);
    expect(replayed.map((r) => r.runId).sort()).toEqual([...runs].sort());
    // Each run finishes again once its replayed letter is delivered (still failed: b's letter stays).
    for (const runId of runs) expect((await runFinished(traces, runId, 2)).counts).toMatchObject({ deadLettered: 1 });
    const delivered = api.seen.slice(4);
    expect(delivered.map((r) => r.url).sort()).toEqual(['/a', '/a']);
    expect(delivered.map((r) => r.body)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    expect((await engine.deadLetters.list('fan', { nodeId: 'a' })).total).toBe(0);
    expect((await engine.deadLetters.list('fan')).items.map((l) => l.nodeId)).toEqual(['b', 'b']);

    expect(await engine.deadLetters.discardAll('fan', { nodeId: 'b' })).toBe(2);

    expect((await engine.deadLetters.list('fan')).total).toBe(0);
    expect(api.seen.filter((r) => r.url === '/b')).toHaveLength(2); // only the first, rejected sends
  });
});

describe('when every dead letter is replayed into a flow with a backlog bound', () => {
  const t = useEngines();

  it('replays no more than the bound leaves room for, oldest first, and says how many remain', async () => {
    const api = await fakeApi(t, (_req, _n, res) => reply(res, 400));
    const worker = await t.start();
    const flow = { ...sinkFlow('bound', `${api.origin}/orders`), settings: { backlogLimit: 5 } };
    await worker.deploy(flow, 1);
    for (let i = 0; i < 12; i++) await worker.trigger('bound', 'in', { i });
    await eventually(async () => (await worker.deadLetters.count('bound')) === 12, 'twelve dead letters');
    await worker.close();

    // No worker drains the queue now: every replay stays in the backlog.
    const engine = await t.start({ workers: false });
    const oldest = (await engine.deadLetters.list('bound', { limit: 12 })).items.map((l) => l.id).reverse();
    const first = await engine.deadLetters.replayAll('bound');
    expect(first.replayed.map((r) => r.id)).toEqual(oldest.slice(0, 5));
    expect(first).toMatchObject({ refused: [], remaining: 7 });
    expect(await engine.backlog('bound')).toBe(5);
    expect(await engine.deadLetters.count('bound')).toBe(7);
    // Still full: nothing more goes in.
    expect(await engine.deadLetters.replayAll('bound')).toMatchObject({ replayed: [], remaining: 7 });
  });
});
