import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/engine';
import { deployOverApi, edge, flowDoc } from '../../test/server-fixtures';
import { useServers } from '../../test/server';

/** `in → out` (a file sink) and `in → bad` (a map whose expression always fails: dead letter). */
const countedFlow = (id: string) =>
  flowDoc(
    id,
    [
      { id: 'in', type: 'inject', config: { payload: { n: 1 } } },
      { id: 'out', type: 'file', config: { path: `${id}.jsonl` } },
      { id: 'bad', type: 'map', config: { expression: '$error("always")' } },
    ],
    [edge('e1', 'in', 'out'), edge('e2', 'in', 'bad')],
  );

describe('GET /api/flows/:id/counters', () => {
  const t = useServers();

  it("answers each node's counts of the deployed revision, as the live batches count them", async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, countedFlow('c1'));
    for (let i = 0; i < 2; i += 1) expect((await api('POST', '/api/flows/c1/trigger', { node: 'in' })).status).toBe(202);

    const { body } = await eventually(async () => {
      const answer = await api('GET', '/api/flows/c1/counters');
      return answer.body?.counters?.out?.completed === 2 && answer.body.counters.bad?.deadLettered === 2 ? answer : undefined;
    }, 'both runs counted');
    expect(body.flowId).toBe('c1');
    expect(body.revision).toBe(1);
    expect(body.counters.in).toEqual({ started: 2, completed: 2, failed: 0, retried: 0, deadLettered: 0, skipped: 0 });
    expect(body.counters.out).toEqual({ started: 2, completed: 2, failed: 0, retried: 0, deadLettered: 0, skipped: 0 });
    expect(body.counters.bad).toMatchObject({ completed: 0, deadLettered: 2 });
    expect(body.counters.bad.failed).toBeGreaterThanOrEqual(2);
    expect(body.counters.bad.started).toBe(body.counters.bad.failed);
  });

  it('lists only the nodes of the deployed revision, with zeros for those that never ran', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, countedFlow('c2'));
    await api('POST', '/api/flows/c2/trigger', { node: 'in' });
    await eventually(async () => (await api('GET', '/api/flows/c2/counters')).body?.counters?.out?.completed === 1, 'the run counted');

    // Revision 2 drops `bad` and adds `later`, which hasn't run.
    const next = flowDoc('c2', [
      { id: 'in', type: 'inject', config: { payload: { n: 1 } } },
      { id: 'out', type: 'file', config: { path: 'c2.jsonl' } },
      { id: 'later', type: 'file', config: { path: 'c2-later.jsonl' } },
    ], [edge('e1', 'in', 'out'), edge('e3', 'in', 'later')]);
    expect((await api('PUT', '/api/flows/c2', next)).status).toBe(200);
    expect((await api('POST', '/api/flows/c2/deploy')).status).toBe(200);

    const { body } = await api('GET', '/api/flows/c2/counters');
    expect(body.revision).toBe(2);
    expect(Object.keys(body.counters).sort()).toEqual(['in', 'later', 'out']);
    expect(body.counters.out.completed).toBe(1);
    expect(body.counters.later).toEqual({ started: 0, completed: 0, failed: 0, retried: 0, deadLettered: 0, skipped: 0 });
  });

  it('answers no counters for a saved flow that is not deployed, and 404 for an unknown one', async () => {
    const { api } = await t.startServer();
    expect((await api('POST', '/api/flows', countedFlow('c3'))).status).toBe(201);
    expect((await api('GET', '/api/flows/c3/counters')).body).toEqual({ flowId: 'c3', counters: {} });
    expect((await api('GET', '/api/flows/nope/counters')).status).toBe(404);
  });
});
