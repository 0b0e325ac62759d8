import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/engine';
import { deployOverApi, fileLines, finishedRun, injectToFile } from '../../test/server-fixtures';
import { useServers } from '../../test/server';

describe('when a run is triggered over REST', () => {
  const t = useServers();

  it('does answer 202 with the run id, run it, and show its full trace', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, injectToFile('r1'));
    const triggered = await api('POST', '/api/flows/r1/trigger', { node: 'in', payload: { orderId: 'A1' } });
    expect(triggered.status).toBe(202);
    const { runId } = triggered.body;
    expect(runId).toMatch(/^r1\./);
    expect(triggered.headers.get('location')).toBe(`/api/runs/${runId}`);

    const run = await finishedRun(api, runId);
    expect(run.summary).toMatchObject({ flowId: 'r1', runId, revision: 1, nodeId: 'in', status: 'completed', pending: 0, completed: 2 });
    const types = run.events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('run:started');
    expect(types.at(-1)).toBe('run:finished');
    expect(types).toEqual(expect.arrayContaining(['node:started', 'node:completed']));
    expect(run.events[0].data.input.value).toEqual({ orderId: 'A1' });
    expect(fileLines(t.dataDir, 'r1.jsonl')).toEqual([{ orderId: 'A1' }]);
  });

  it("does send the inject node's configured payload when the trigger brings none", async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, injectToFile('r2'));
    const { body } = await api('POST', '/api/flows/r2/trigger', { node: 'in' });
    await finishedRun(api, body.runId);
    expect(fileLines(t.dataDir, 'r2.jsonl')).toEqual([{ configured: true }]);
  });

  it('does answer a repeated Idempotency-Key with 200 and the first run, starting nothing', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, injectToFile('r3'));
    const first = await api('POST', '/api/flows/r3/trigger', { node: 'in', payload: 1 }, { 'Idempotency-Key': 'k-1' });
    const again = await api('POST', '/api/flows/r3/trigger', { node: 'in', payload: 2 }, { 'Idempotency-Key': 'k-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ runId: first.body.runId, duplicate: true });
    await finishedRun(api, first.body.runId);
    expect((await api('GET', '/api/flows/r3/runs')).body.total).toBe(1);
  });

  it('does refuse a flow that is not deployed (409), an unknown or non-inject node (404) and a bad body (400)', async () => {
    const { api } = await t.startServer();
    const doc = injectToFile('r4');
    await api('POST', '/api/flows', doc);
    const notDeployed = await api('POST', '/api/flows/r4/trigger', { node: 'in' });
    expect(notDeployed.status).toBe(409);
    expect(notDeployed.headers.get('content-type')).toContain('application/problem+json');
    expect((await api('POST', '/api/flows/never/trigger', { node: 'in' })).status).toBe(409);
    await api('POST', '/api/flows/r4/deploy');
    expect((await api('POST', '/api/flows/r4/trigger', { node: 'nope' })).status).toBe(404);
    expect((await api('POST', '/api/flows/r4/trigger', { node: 'out' })).status).toBe(404);
    const noNode = await api('POST', '/api/flows/r4/trigger', { payload: 1 });
    expect(noNode.status).toBe(400);
    expect(noNode.body.problems).toEqual([{ pointer: '/node', code: 'shape', message: 'is required' }]);
    const extra = await api('POST', '/api/flows/r4/trigger', { node: 'in', color: 'red' });
    expect(extra.body.problems).toEqual([{ pointer: '/color', code: 'shape', message: 'is not a known property here' }]);
    expect((await api('POST', '/api/flows/r4/trigger')).status).toBe(400);
    expect((await api('POST', '/api/flows/r4/trigger', '{"node": ', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await api('POST', '/api/flows/r4/trigger', { node: 'in' }, { 'Idempotency-Key': 'k'.repeat(257) })).status).toBe(400);
  });

  it('does answer 503 with Retry-After while the flow is over its backlog limit', async () => {
    const { api } = await t.startServer({ engine: { workers: false } });
    await deployOverApi(api, injectToFile('r5', 'r5.jsonl', { backlogLimit: 1 }));
    expect((await api('POST', '/api/flows/r5/trigger', { node: 'in' })).status).toBe(202);
    const busy = await api('POST', '/api/flows/r5/trigger', { node: 'in' });
    expect(busy.status).toBe(503);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(busy.body).toMatchObject({ status: 503, retryAfterSec: Number(busy.headers.get('retry-after')) });
  });
});

describe('when runs are listed and read', () => {
  const t = useServers();

  it('does page through the runs of a flow, newest first', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, injectToFile('p1'));
    const ids: string[] = [];
    for (const payload of [1, 2, 3]) ids.push((await api('POST', '/api/flows/p1/trigger', { node: 'in', payload })).body.runId);
    await eventually(async () => (await api('GET', '/api/flows/p1/runs')).body.items.every((r: { status: string }) => r.status === 'completed'), 'all runs completed');
    const all = await api('GET', '/api/flows/p1/runs');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, offset: 0, limit: 50 });
    expect(new Set(all.body.items.map((r: { runId: string }) => r.runId))).toEqual(new Set(ids));
    const starts = all.body.items.map((r: { startedAt: number }) => r.startedAt);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const page = await api('GET', '/api/flows/p1/runs?offset=1&limit=1');
    expect(page.body).toMatchObject({ total: 3, offset: 1, limit: 1, items: [all.body.items[1]] });
  });

  it('does answer an empty page for a known flow without runs, and 404 for a flow that does not exist', async () => {
    const { api, engine } = await t.startServer();
    await api('POST', '/api/flows', injectToFile('saved'));
    await engine.deploy(injectToFile('engine-only'), 1);
    expect((await api('GET', '/api/flows/saved/runs')).body).toEqual({ items: [], total: 0, offset: 0, limit: 50 });
    expect((await api('GET', '/api/flows/engine-only/runs')).body.total).toBe(0);
    expect((await api('GET', '/api/flows/ghost/runs')).status).toBe(404);
    expect((await api('GET', '/api/flows/..%2Fetc/runs')).status).toBe(404);
  });

  it('does refuse bad paging with 400', async () => {
    const { api } = await t.startServer();
    await api('POST', '/api/flows', injectToFile('q'));
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'offset=-1', 'offset=1.5', 'limit=1&limit=2']) {
      const res = await api('GET', `/api/flows/q/runs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.detail).toMatch(/query parameter "(limit|offset)"/);
    }
  });

  it('does answer 404 for a run that does not exist or an id that names none', async () => {
    const { api } = await t.startServer();
    for (const id of ['f1.AAAAAAAAAAAAAAAAAAAAAA', 'no-dot', '.leading', 'f1.x:events', 'f1.']) {
      const res = await api('GET', `/api/runs/${encodeURIComponent(id)}`);
      expect(res.status, id).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
