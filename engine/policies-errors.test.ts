/**
 * What happens to a message a node fails on for good, by its onError policy — routed to the
 * node's `error` port, or dropped — and a runaway expression, which fails its own message while
 * the worker goes on with the next one.
 */
import { describe, expect, it } from 'vitest';
import { useEngines } from '../test/engine';
import { edge, fileLines, flowDoc, nodeEvents, runFinished } from '../test/policy-fixtures';

describe('when a node routes its errors', () => {
  const t = useEngines();

  /** `inject → map "check"` whose expression fails on a `bad` order; its outputs go to file sinks. */
  const checkFlow = (id: string, onError: 'error' | 'drop') =>
    flowDoc(
      id,
      [
        { id: 'in', type: 'inject' },
        { id: 'check', type: 'map', config: { expression: 'bad ? $error("bad order " & id) : { "ok": id }' }, policy: { onError } },
        { id: 'good', type: 'file', config: { path: 'good.jsonl' } },
        ...(onError === 'error' ? [{ id: 'errors', type: 'file', config: { path: 'errors.jsonl' } }] : []),
      ],
      [edge('e1', 'in', 'check'), edge('e2', 'check', 'good'), ...(onError === 'error' ? [edge('e3', 'check', 'errors', 'error')] : [])],
    );

  it('does send { error, input, node, attempts } to the error port, and dead-letters nothing', async () => {
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(checkFlow('routes', 'error'), 1);

    const bad = await engine.trigger('routes', 'in', { id: 1, bad: true });
    const good = await engine.trigger('routes', 'in', { id: 2, bad: false });
    const finished = await runFinished(traces, bad.runId);
    await runFinished(traces, good.runId);

    expect(fileLines(t.dataDir, 'errors.jsonl')).toEqual([
      {
        error: { kind: 'permanent', code: 'D3137', message: expect.stringContaining('bad order 1') },
        input: { id: 1, bad: true },
        node: 'check',
        attempts: 1,
      },
    ]);
    expect(fileLines(t.dataDir, 'good.jsonl')).toEqual([{ ok: 2 }]);
    expect(nodeEvents(traces, 'node:failed', bad.runId, 'check')).toEqual([expect.objectContaining({ outcome: 'error-port', error: expect.objectContaining({ code: 'D3137' }) })]);
    expect(nodeEvents(traces, 'node:completed', bad.runId, 'errors')).toHaveLength(1);
    expect(nodeEvents(traces, 'node:dead-lettered', bad.runId, 'check')).toEqual([]);
    expect(finished.counts.deadLettered).toBe(0);
    expect(await engine.deadLetters.count('routes')).toBe(0);
  });

  it('does drop the message when told to: traced, not dead-lettered, and the run finishes', async () => {
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(checkFlow('drops', 'drop'), 1);

    const { runId } = await engine.trigger('drops', 'in', { id: 1, bad: true });

    const finished = await runFinished(traces, runId);
    expect(finished.counts.deadLettered).toBe(0);
    expect(nodeEvents(traces, 'node:failed', runId, 'check')).toEqual([
      expect.objectContaining({ outcome: 'drop', error: expect.objectContaining({ message: expect.stringContaining('bad order 1') }) }),
    ]);
    expect(nodeEvents(traces, 'node:dead-lettered', runId, 'check')).toEqual([]);
    expect(await engine.deadLetters.count('drops')).toBe(0);
    expect(fileLines(t.dataDir, 'good.jsonl')).toEqual([]);
    expect((await engine.runs.getRun('drops', runId))?.summary).toMatchObject({ pending: 0, dropped: 1 });
  });
});

describe('when an expression runs away', () => {
  const t = useEngines();

  it('does fail that message with the JSONata code and goes on with the next one', async () => {
    const engine = await t.start();
    const traces = await t.traces();
    // A tail call never deepens the stack, so only the clock stops it (D1012); a non-tail
    // recursion is stopped by the depth bound (D1011).
    const expression = [
      'mode = "loop" ? ($f := function($x) { $f($x + 1) }; $f(0))',
      ': mode = "deep" ? ($g := function($x) { 1 + $g($x + 1) }; $g(0))',
      ': { "n": n + 1 }',
    ].join(' ');
    await engine.deploy(
      flowDoc(
        'runaway',
        [
          { id: 'in', type: 'inject' },
          { id: 'calc', type: 'map', config: { expression } },
          { id: 'out', type: 'file', config: { path: 'out.jsonl' } },
        ],
        [edge('e1', 'in', 'calc'), edge('e2', 'calc', 'out')],
      ),
      1,
    );

    const loop = await engine.trigger('runaway', 'in', { mode: 'loop' });
    const deep = await engine.trigger('runaway', 'in', { mode: 'deep' });
    expect((await runFinished(traces, loop.runId)).status).toBe('failed');
    expect((await runFinished(traces, deep.runId)).status).toBe('failed');
    const normal = await engine.trigger('runaway', 'in', { mode: 'normal', n: 1 });
    expect((await runFinished(traces, normal.runId)).status).toBe('completed');

    expect(fileLines(t.dataDir, 'out.jsonl')).toEqual([{ n: 2 }]);
    const letters = (await engine.deadLetters.list('runaway')).items;
    const byRun = new Map(letters.map((l) => [l.message.runId, l]));
    expect(letters).toHaveLength(2);
    expect(byRun.get(loop.runId)).toMatchObject({ nodeId: 'calc', attempts: 1, error: { kind: 'permanent', code: 'D1012' } });
    expect(byRun.get(deep.runId)).toMatchObject({ nodeId: 'calc', attempts: 1, error: { kind: 'permanent', code: 'D1011' } });
  });
});
