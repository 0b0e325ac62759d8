import { describe, expect, it } from 'vitest';
import type { TraceBatch } from '../../flows/live-events';
import type { TraceEvent } from '../../flows/trace-events';
import { pipelineFlow, useLiveClients } from '../../test/live';
import { useServers } from '../../test/server';
import { liveTracing } from './relay';

/** run:started, then started + completed of `in`, `m` and `out`, then run:finished. */
const EVENTS_PER_RUN = 8;

/** Events a client has accounted for: received, or dropped from a bounded batch. */
const accounted = (batches: TraceBatch[]) => batches.reduce((n, b) => n + b.events.length + (b.dropped ?? 0), 0);

const runEvents = (events: TraceEvent[], runId: string) => events.filter((e) => e.data.runId === runId);
const finished = (events: TraceEvent[]) => events.filter((e) => e.type === 'run:finished').length;

describe('when an editor watches a flow over Socket.IO', () => {
  const t = useServers();
  const live = useLiveClients();

  it('receives a run’s trace events in the order they were stored, the same as REST gives them', async () => {
    const { url, engine, api } = await t.startServer({ attachments: [liveTracing()] });
    await engine.deploy(pipelineFlow('watched'), 1);
    const client = await live.connect(url);
    expect(await client.join('watched')).toEqual({ ok: true, flowId: 'watched', revision: 1 });

    const triggered = await api('POST', '/api/flows/watched/trigger', { node: 'in', payload: { n: 7 } });
    expect(triggered.status).toBe(202);
    const { runId } = triggered.body as { runId: string };
    await client.until((c) => c.events().some((e) => e.type === 'run:finished' && e.data.runId === runId), 'run:finished over Socket.IO');

    const received = runEvents(client.events(), runId);
    const nodeSpan = ['node:started', 'node:completed'];
    expect(received.map((e) => e.type)).toEqual(['run:started', ...nodeSpan, ...nodeSpan, ...nodeSpan, 'run:finished']);
    expect(received.filter((e) => e.type === 'node:completed').map((e) => 'nodeId' in e.data && e.data.nodeId)).toEqual(['in', 'm', 'out']);
    const rest = await api('GET', `/api/runs/${encodeURIComponent(runId)}`);
    expect(rest.status).toBe(200);
    expect(rest.body.events).toEqual(received);
    expect(rest.body.summary).toMatchObject({ runId, status: 'completed', completed: 3 });
    // Every batch's counters count that batch's events.
    for (const batch of client.batches) {
      const completedOfM = batch.events.filter((e) => e.type === 'node:completed' && e.data.nodeId === 'm').length;
      expect(batch.counters.m?.completed ?? 0).toBe(completedOfM);
    }
  });

  it('batches 200 quick runs into far fewer messages than events, with exact counters', async () => {
    const { url, engine } = await t.startServer({ attachments: [liveTracing()] });
    await engine.deploy(pipelineFlow('busy'), 1);
    const client = await live.connect(url);
    expect((await client.join('busy')).ok).toBe(true);
    const published = await t.traces();

    await Promise.all(Array.from({ length: 200 }, (_, n) => engine.trigger('busy', 'in', { n })));
    await client.until((c) => c.counters('busy').out?.completed === 200, '200 completions of the log node');
    await published.until((events) => finished(events) === 200);

    const total = published.events.filter((e) => e.data.flowId === 'busy').length;
    expect(total).toBe(200 * EVENTS_PER_RUN);
    // The last batch may still be gathering when the last event is published.
    await client.until((c) => accounted(c.batches) >= total, 'every event received or counted as dropped');
    expect(accounted(client.batches)).toBe(total);
    expect(client.batches.length * 10).toBeLessThan(total);
    expect(client.batches.every((b) => b.flowId === 'busy' && b.events.length <= 500)).toBe(true);
    const zero = { failed: 0, retried: 0, deadLettered: 0, skipped: 0 };
    const each = { started: 200, completed: 200, ...zero };
    expect(client.counters('busy')).toEqual({ in: each, m: each, out: each });
  });

  it('keeps a batch bounded — the newest events, the count of dropped ones — and its counters exact', async () => {
    const { url, engine } = await t.startServer({ attachments: [liveTracing({ batch: { maxEvents: 10, intervalMs: 100 } })] });
    await engine.deploy(pipelineFlow('flood'), 1);
    const client = await live.connect(url);
    await client.join('flood');
    const published = await t.traces();

    await Promise.all(Array.from({ length: 60 }, (_, n) => engine.trigger('flood', 'in', { n })));
    await client.until((c) => c.counters('flood').out?.completed === 60, '60 completions of the log node');
    await published.until((events) => finished(events) === 60);

    await client.until((c) => accounted(c.batches) >= 60 * EVENTS_PER_RUN, 'every event received or counted as dropped');
    expect(accounted(client.batches)).toBe(60 * EVENTS_PER_RUN);
    expect(client.batches.every((b) => b.events.length <= 10)).toBe(true);
    const dropping = client.batches.filter((b) => (b.dropped ?? 0) > 0);
    expect(dropping.length).toBeGreaterThan(0);
    expect(client.counters('flood').m).toMatchObject({ started: 60, completed: 60 });
    // What a dropping batch kept are the newest of the events published in its window.
    const order = published.events.filter((e) => e.data.flowId === 'flood');
    for (const batch of dropping) {
      const last = batch.events.at(-1)!;
      const end = order.findIndex((e) => JSON.stringify(e) === JSON.stringify(last));
      expect(order.slice(end - batch.events.length + 1, end + 1)).toEqual(batch.events);
    }
  });

  it('relays only the flows a client joined, and stops after leave', async () => {
    const { url, engine } = await t.startServer({ attachments: [liveTracing()] });
    await engine.deploy(pipelineFlow('mine'), 1);
    await engine.deploy(pipelineFlow('other'), 1);
    const client = await live.connect(url);
    await client.join('mine');
    const published = await t.traces();
    await engine.trigger('other', 'in', { n: 1 });
    const mine = await engine.trigger('mine', 'in', { n: 2 });
    await client.until((c) => c.events().some((e) => e.type === 'run:finished' && e.data.runId === mine.runId));
    await published.until((events) => finished(events) === 2);
    expect(new Set(client.events().map((e) => e.data.flowId))).toEqual(new Set(['mine']));

    client.socket.emit('leave', 'mine');
    const afterLeave = client.batches.length;
    // The leave reached the server once a later join round trip has been answered.
    await client.join('other');
    const theirs = await engine.trigger('other', 'in', { n: 3 });
    const again = await engine.trigger('mine', 'in', { n: 4 });
    await client.until((c) => c.events().some((e) => e.type === 'run:finished' && e.data.runId === theirs.runId));
    await published.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === again.runId));
    expect(client.batches.slice(afterLeave).every((b) => b.flowId === 'other')).toBe(true);
  });

  it('refuses a join that is not a flow id', async () => {
    const { url } = await t.startServer({ attachments: [liveTracing()] });
    const client = await live.connect(url);
    expect(await client.join('../etc/passwd')).toEqual({ ok: false, error: 'join: expected a flow id' });
    expect(await client.socket.timeout(5_000).emitWithAck('join', { $gt: '' } as unknown as string)).toMatchObject({ ok: false });
  });

  it('pushes deployment changes and dead letters to the flow’s room', async () => {
    const { url, engine } = await t.startServer({ attachments: [liveTracing()] });
    const client = await live.connect(url);
    expect(await client.join('changing')).toEqual({ ok: true, flowId: 'changing' });
    await engine.deploy(pipelineFlow('changing'), 1);
    await engine.deploy(pipelineFlow('changing', '$error("refused " & n)'), 2);
    const run = await engine.trigger('changing', 'in', { n: 1 });
    await client.until((c) => c.deadLetters.length === 1, 'a dead-letter notice');
    expect(client.deadLetters).toEqual([{ flowId: 'changing', nodeId: 'm', deadLetterId: expect.any(String) }]);
    const deadLettered = client.events().find((e) => e.type === 'node:dead-lettered');
    expect(deadLettered?.data).toMatchObject({ runId: run.runId, nodeId: 'm', deadLetterId: client.deadLetters[0]!.deadLetterId });
    expect(await engine.deadLetters.get('changing', client.deadLetters[0]!.deadLetterId)).toMatchObject({ nodeId: 'm' });
    await engine.undeploy('changing');
    // Undeployed: draining first, then drained once its queue is empty.
    await client.until((c) => c.deployments.length === 4, 'four deployment notices');
    expect(client.deployments).toEqual([
      { flowId: 'changing', revision: 1 },
      { flowId: 'changing', revision: 2 },
      { flowId: 'changing', draining: true },
      { flowId: 'changing' },
    ]);
  });
});

describe('when a second server process serves the editor', () => {
  const t = useServers();
  const live = useLiveClients();

  it('relays the events of runs the first process executes', async () => {
    const first = await t.startServer({ attachments: [liveTracing()] });
    const second = await t.startServer({ engine: { workers: false }, attachments: [liveTracing()] });
    await first.engine.deploy(pipelineFlow('shared'), 1);
    const client = await live.connect(second.url);
    expect(await client.join('shared')).toEqual({ ok: true, flowId: 'shared', revision: 1 });

    const triggered = await first.api('POST', '/api/flows/shared/trigger', { node: 'in', payload: { n: 1 } });
    const { runId } = triggered.body as { runId: string };
    await client.until((c) => c.events().some((e) => e.type === 'run:finished' && e.data.runId === runId), 'run:finished relayed by the second process');
    const stored = await second.api('GET', `/api/runs/${encodeURIComponent(runId)}`);
    expect(runEvents(client.events(), runId)).toEqual(stored.body.events);
  });
});
