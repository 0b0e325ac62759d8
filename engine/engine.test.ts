import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { BackpressureError } from './ingest';
import { MemoryPressureError } from './redis/memory-guard';
import { InvalidFlowError } from './plan';
import { MAX_TRACE_OUTPUTS } from '../flows/trace-events';

const at = (i: number) => ({ x: i * 200, y: 0 });
const edge = (id: string, from: string, to: string, fromPort = 'out', toPort = 'in') => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
const flow = (id: string, nodes: Array<Record<string, unknown>>, edges: unknown[], settings?: Record<string, unknown>) => ({
  format: 'tributary.flow/v1',
  id,
  name: id,
  nodes: nodes.map((n, i) => ({ position: at(i), config: {}, ...n })),
  edges,
  ...(settings && { settings }),
});

const readLines = (file: string): unknown[] => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

describe('when a flow is deployed and triggered', () => {
  const t = useEngines();

  it('runs every node as a job and traces the run from start to finish, in order', async () => {
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(
      flow(
        'hello',
        [
          { id: 'in', type: 'inject', config: { payload: { name: 'ada' } } },
          { id: 'greet', type: 'map', config: { expression: '{ "text": "hi " & name }' } },
          { id: 'out', type: 'file', config: { path: 'out.jsonl' } },
        ],
        [edge('e1', 'in', 'greet'), edge('e2', 'greet', 'out')],
      ),
      1,
    );
    const { runId } = await engine.trigger('hello', 'in');
    await traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === runId));
    expect(readLines(join(t.dataDir, 'files', 'out.jsonl'))).toEqual([{ text: 'hi ada' }]);
    const sequence = traces.events.filter((e) => e.data.runId === runId).map((e) => `${e.type}${'nodeId' in e.data ? ` ${e.data.nodeId}` : ''}`);
    expect(sequence).toEqual([
      'run:started in',
      'node:started in',
      'node:completed in',
      'node:started greet',
      'node:completed greet',
      'node:started out',
      'node:completed out',
      'run:finished',
    ]);
    const finished = traces.of('run:finished', runId)[0]!;
    expect(finished.status).toBe('completed');
    expect(finished.counts).toEqual({ completed: 3, failed: 0, deadLettered: 0, skipped: 0 });
    const run = await engine.runs.getRun('hello', runId);
    expect(run?.summary).toMatchObject({ status: 'completed', pending: 0, completed: 3 });
  });

  it('splits, filters and switches, emitting one message per item to the right port', async () => {
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(
      flow(
        'routes',
        [
          { id: 'in', type: 'inject' },
          { id: 'each', type: 'split', config: { items: 'orders' } },
          { id: 'paid', type: 'filter', config: { expression: 'paid' } },
          { id: 'size', type: 'switch', config: { rules: [{ port: 'big', expression: 'total > 100' }] } },
          { id: 'big', type: 'file', config: { path: 'big.jsonl' } },
          { id: 'small', type: 'file', config: { path: 'small.jsonl' } },
        ],
        [edge('e1', 'in', 'each'), edge('e2', 'each', 'paid'), edge('e3', 'paid', 'size'), edge('e4', 'size', 'big', 'big'), edge('e5', 'size', 'small', 'otherwise')],
      ),
      1,
    );
    const orders = [
      { id: 1, paid: true, total: 500 },
      { id: 2, paid: false, total: 900 },
      { id: 3, paid: true, total: 20 },
    ];
    const { runId } = await engine.trigger('routes', 'in', { orders });
    await traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === runId));
    expect(readLines(join(t.dataDir, 'files', 'big.jsonl'))).toEqual([orders[0]]);
    expect(readLines(join(t.dataDir, 'files', 'small.jsonl'))).toEqual([orders[2]]);
  });

  it('lists the first outputs of a 10,000-item split in its node:completed event and counts the rest', async () => {
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(flow('wide', [{ id: 'in', type: 'inject' }, { id: 'each', type: 'split', config: { items: 'items' } }], [edge('e1', 'in', 'each')]), 1);
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: i, note: 'x'.repeat(200) }));
    const { runId } = await engine.trigger('wide', 'in', { items });
    const events = await traces.until((all) => all.some((e) => e.type === 'node:completed' && e.data.runId === runId && e.data.nodeId === 'each'));
    const completed = events.find((e) => e.type === 'node:completed' && e.data.runId === runId && e.data.nodeId === 'each');
    if (completed?.type !== 'node:completed') throw new Error('no node:completed');
    expect(completed.data.outputs).toHaveLength(MAX_TRACE_OUTPUTS);
    expect(completed.data.moreOutputs).toBe(10_000 - MAX_TRACE_OUTPUTS);
    expect(JSON.stringify(completed).length).toBeLessThan(100_000);
  });

  it('removes the jobs a queue keeps once its flow is neither deployed nor draining, not before', async () => {
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(flow('gone', [{ id: 'in', type: 'inject' }, { id: 'm', type: 'map', config: { expression: '$' } }], [edge('e1', 'in', 'm')]), 1);
    const { runId } = await engine.trigger('gone', 'in', { a: 1 });
    await traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === runId));
    expect(await engine.forget('gone')).toBe(0);
    expect((await engine.queue('gone').getJobCounts('completed')).completed).toBeGreaterThan(0);
    await engine.undeploy('gone');
    await eventually(async () => (await engine.forget('gone')) > 0);
    expect((await engine.queue('gone').getJobCounts('completed', 'failed'))).toEqual({ completed: 0, failed: 0 });
  });

  it('refuses to deploy an invalid flow, listing its problems', async () => {
    const engine = await t.start();
    const bad = flow('bad', [{ id: 'm', type: 'map', config: { expression: '$.a +' } }], []);
    const error = await engine.deploy(bad, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidFlowError);
    expect((error as InvalidFlowError).problems[0]).toMatchObject({ code: 'expression', pointer: '/nodes/0/config/expression' });
    expect(await engine.deployed()).toEqual(new Map());
  });
});

describe('when messages come in through a webhook', () => {
  const t = useEngines();
  const hookFlow = (settings?: Record<string, unknown>) =>
    flow('hooks', [{ id: 'hook', type: 'webhook', config: { path: '/orders' } }, { id: 'log', type: 'log' }], [edge('e1', 'hook', 'log')], settings);

  it('returns the same run id for a repeated idempotency key, and runs it once', async () => {
    const engine = await t.start();
    await engine.deploy(hookFlow(), 1);
    const first = await engine.ingest('hooks', { nodeId: 'hook', payload: { n: 1 }, idempotencyKey: 'abc' });
    const again = await engine.ingest('hooks', { nodeId: 'hook', payload: { n: 1 }, idempotencyKey: 'abc' });
    const other = await engine.ingest('hooks', { nodeId: 'hook', payload: { n: 2 }, idempotencyKey: 'xyz' });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ runId: first.runId, duplicate: true });
    expect(other.runId).not.toBe(first.runId);
    await eventually(async () => (await engine.runs.getRun('hooks', first.runId))?.summary.status === 'completed');
    const { items } = await engine.runs.listRuns('hooks', { offset: 0, limit: 10 });
    expect(items.map((r) => r.runId).sort()).toEqual([first.runId, other.runId].sort());
  });

  it('refuses with a retry hint once the backlog bound is reached, and accepts again once drained', async () => {
    const api = await t.start({ workers: false });
    await api.deploy(hookFlow({ backlogLimit: 3 }), 1);
    for (let i = 0; i < 3; i++) await api.ingest('hooks', { nodeId: 'hook', payload: { i } });
    const refused = await api.ingest('hooks', { nodeId: 'hook', payload: { i: 3 } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackpressureError);
    expect((refused as BackpressureError).retryAfterSec).toBeGreaterThanOrEqual(1);
    await t.start(); // a process with workers drains the backlog
    // Drained means every run finished: between a webhook job and the log job it enqueues the
    // backlog can read 0 for a moment.
    await eventually(async () => {
      const { items } = await api.runs.listRuns('hooks', { offset: 0, limit: 10 });
      return items.length === 3 && items.every((r) => r.status === 'completed');
    });
    expect(await api.backlog('hooks')).toBe(0);
    await expect(api.ingest('hooks', { nodeId: 'hook', payload: { i: 3 } })).resolves.toMatchObject({ duplicate: false });
  });

  it('sheds intake with a retry hint while Redis holds more than the memory bound, and enqueues nothing', async () => {
    const api = await t.start({ workers: false, memory: { fraction: 0, limitBytes: 1 } });
    await api.deploy(hookFlow(), 1);
    const refused = await api.ingest('hooks', { nodeId: 'hook', payload: { i: 1 } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MemoryPressureError);
    expect((refused as MemoryPressureError).retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(await api.backlog('hooks')).toBe(0);
    const roomy = await t.start({ workers: false, memory: { limitBytes: 1024 ** 4 } });
    await expect(roomy.ingest('hooks', { nodeId: 'hook', payload: { i: 2 } })).resolves.toMatchObject({ duplicate: false });
  });
});
