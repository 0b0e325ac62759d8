import { afterEach, describe, expect, it } from 'vitest';
import { startServer as startReceiver, type TestServer as Receiver } from '../../nodes/runtime/http/test-servers';
import { eventually } from '../../test/engine';
import { deployOverApi, edge, finishedRun, flowDoc } from '../../test/server-fixtures';
import { useServers, type TestServer } from '../../test/server';

/** A receiver that answers 400 (echoing the request's API key, as careless APIs do) until it is fixed. */
async function receiver(): Promise<Receiver & { fixed: boolean; bodies(): unknown[] }> {
  const server = await startReceiver((req, res) => {
    res.statusCode = receiver.fixed ? 200 : 400;
    res.end(JSON.stringify(receiver.fixed ? { ok: true } : { error: `key ${String(req.headers['x-api-key'])} may not post` }));
  });
  const receiver = Object.assign(server, { fixed: false, bodies: () => server.requests.map((r) => JSON.parse(r.body) as unknown) });
  return receiver;
}

/** `inject "in"` → `http-request "send"` to the receiver (with the `crm` credential), and → `validate "check"` needing `orderId`. */
const dlqFlow = (id: string, url: string) =>
  flowDoc(
    id,
    [
      { id: 'in', type: 'inject' },
      { id: 'send', type: 'http-request', config: { url: JSON.stringify(url), credential: 'crm' } },
      { id: 'check', type: 'validate', config: { schema: { type: 'object', required: ['orderId'] } } },
    ],
    [edge('e1', 'in', 'send'), edge('e2', 'in', 'check')],
  );

const SECRET = 'dlq-s3cret-key-value';

/** The run once `completed` of its deliveries completed and none is pending (a replayed run finishes again). */
const runWith = (server: TestServer, runId: string, completed: number) =>
  eventually(async () => {
    const { body } = await server.api('GET', `/api/runs/${runId}`);
    return body.summary.pending === 0 && body.summary.completed === completed ? body : undefined;
  }, `run ${runId} with ${completed} completed`);

describe('when messages end in the dead letters', () => {
  const t = useServers();
  const receivers: Receiver[] = [];
  afterEach(async () => Promise.all(receivers.splice(0).map((r) => r.close())));

  async function setUp(flowId: string) {
    const server = await t.startServer();
    const api = await receiver();
    receivers.push(api);
    expect((await server.api('PUT', '/api/credentials/crm', { type: 'http-header', name: 'X-Api-Key', value: SECRET })).status).toBe(200);
    await deployOverApi(server.api, dlqFlow(flowId, `${api.origin}/orders`));
    return { ...server, receiver: api };
  }

  /** Triggers `payload`; resolves once its run failed with both its letters. */
  async function failedRun(server: TestServer, flowId: string, payload: unknown): Promise<string> {
    const { body } = await server.api('POST', `/api/flows/${flowId}/trigger`, { node: 'in', payload });
    const run = await finishedRun(server.api, body.runId, 'failed');
    expect(run.summary.deadLettered).toBe(2);
    return body.runId;
  }

  it('does list and inspect letters, and a replay after the fix delivers it and finishes the run', async () => {
    const server = await setUp('d1');
    const runId = await failedRun(server, 'd1', { qty: 1 });
    const listed = await server.api('GET', '/api/flows/d1/dead-letters');
    expect(listed.body).toMatchObject({ total: 2, offset: 0, limit: 50 });
    const sendLetters = await server.api('GET', '/api/flows/d1/dead-letters?node=send');
    expect(sendLetters.body).toMatchObject({ total: 1, items: [{ nodeId: 'send', nodeType: 'http-request' }] });
    const id = sendLetters.body.items[0].id;
    const letter = await server.api('GET', `/api/flows/d1/dead-letters/${id}`);
    expect(letter.body).toMatchObject({ id, flowId: 'd1', revision: 1, port: 'in', attempts: 1, replays: 0, message: { runId, payload: { qty: 1 } }, error: { kind: 'permanent', code: 'HTTP_400' } });
    // The receiver echoed the credential; no dead letter, listing or trace carries it.
    expect(letter.body.error.message).toContain('[redacted]');
    for (const path of [`/api/flows/d1/dead-letters/${id}`, '/api/flows/d1/dead-letters', `/api/runs/${runId}`]) expect((await server.api('GET', path)).text).not.toContain(SECRET);

    server.receiver.fixed = true;
    const replayed = await server.api('POST', `/api/flows/d1/dead-letters/${id}/replay`);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ id, runId, revision: 1 });
    const run = await runWith(server, runId, 2);
    expect(run.summary).toMatchObject({ status: 'failed', deadLettered: 1 });
    expect(server.receiver.bodies()).toEqual([{ qty: 1 }, { qty: 1 }]);
    expect((await server.api('GET', `/api/flows/d1/dead-letters/${id}`)).status).toBe(404);
    expect((await server.api('GET', '/api/flows/d1/dead-letters')).body.total).toBe(1);
  });

  it('does deliver the edited payload when the replay brings one', async () => {
    const server = await setUp('d2');
    const runId = await failedRun(server, 'd2', { qty: 1 });
    const [letter] = (await server.api('GET', '/api/flows/d2/dead-letters?node=check')).body.items;
    const replayed = await server.api('POST', `/api/flows/d2/dead-letters/${letter.id}/replay`, { payload: { orderId: 'A1', qty: 1 } });
    expect(replayed.status).toBe(202);
    const { events } = await runWith(server, runId, 2);
    expect((await server.api('GET', '/api/flows/d2/dead-letters?node=check')).body.total).toBe(0);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'node:started', data: expect.objectContaining({ nodeId: 'check', input: expect.objectContaining({ value: { orderId: 'A1', qty: 1 } }) }) }),
        expect.objectContaining({ type: 'node:completed', data: expect.objectContaining({ nodeId: 'check' }) }),
      ]),
    );
  });

  it('does replay-all and discard-all, each filtered by node', async () => {
    const server = await setUp('d3');
    await failedRun(server, 'd3', { qty: 1 });
    await failedRun(server, 'd3', { qty: 2 });
    expect((await server.api('GET', '/api/flows/d3/dead-letters')).body.total).toBe(4);

    server.receiver.fixed = true;
    const all = await server.api('POST', '/api/flows/d3/dead-letters/replay-all', { node: 'send' });
    expect(all.status).toBe(200);
    expect(all.body.replayed).toHaveLength(2);
    expect(all.body.refused).toEqual([]);
    const discarded = await server.api('POST', '/api/flows/d3/dead-letters/discard-all', { node: 'check' });
    expect(discarded.body).toEqual({ discarded: 2 });
    expect((await server.api('GET', '/api/flows/d3/dead-letters')).body.total).toBe(0);
    await expect.poll(() => server.receiver.bodies().length).toBe(4);
    expect(server.receiver.bodies().slice(2)).toEqual(expect.arrayContaining([{ qty: 1 }, { qty: 2 }]));
    expect((await server.api('POST', '/api/flows/d3/dead-letters/discard-all')).body).toEqual({ discarded: 0 });
  });

  it('does discard one letter (204), then answer 404 for it', async () => {
    const server = await setUp('d4');
    await failedRun(server, 'd4', { qty: 1 });
    const [letter] = (await server.api('GET', '/api/flows/d4/dead-letters')).body.items;
    expect((await server.api('DELETE', `/api/flows/d4/dead-letters/${letter.id}`)).status).toBe(204);
    expect((await server.api('DELETE', `/api/flows/d4/dead-letters/${letter.id}`)).status).toBe(404);
    expect((await server.api('POST', `/api/flows/d4/dead-letters/${letter.id}/replay`)).status).toBe(404);
    expect((await server.api('GET', '/api/flows/d4/dead-letters')).body.total).toBe(1);
  });

  it('does refuse to replay into a flow that is not deployed (409), and bad bodies (400)', async () => {
    const server = await setUp('d5');
    await failedRun(server, 'd5', { qty: 1 });
    const [letter] = (await server.api('GET', '/api/flows/d5/dead-letters')).body.items;
    const badEdit = await server.api('POST', `/api/flows/d5/dead-letters/${letter.id}/replay`, { payload: 1, extra: true });
    expect(badEdit.status).toBe(400);
    expect(badEdit.body.problems).toEqual([{ pointer: '/extra', code: 'shape', message: 'is not a known property here' }]);
    expect((await server.api('POST', '/api/flows/d5/dead-letters/replay-all', { node: 5 })).status).toBe(400);
    expect((await server.api('POST', '/api/flows/d5/dead-letters/discard-all', [])).status).toBe(400);

    await server.api('POST', '/api/flows/d5/undeploy');
    const refused = await server.api('POST', `/api/flows/d5/dead-letters/${letter.id}/replay`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/not deployed/);
    expect((await server.api('POST', '/api/flows/d5/dead-letters/replay-all')).status).toBe(409);
    expect((await server.api('GET', `/api/flows/d5/dead-letters/${letter.id}`)).status).toBe(200);
  });
});

describe('when dead letters are asked for what is not there', () => {
  const t = useServers();

  it('does answer 404 for an unknown flow or letter, an empty page for a known flow, and 400 for bad paging', async () => {
    const { api } = await t.startServer();
    await api('POST', '/api/flows', flowDoc('known', [{ id: 'in', type: 'inject' }], []));
    expect((await api('GET', '/api/flows/known/dead-letters')).body).toEqual({ items: [], total: 0, offset: 0, limit: 50 });
    expect((await api('GET', '/api/flows/known/dead-letters?node=in')).body).toMatchObject({ items: [], total: 0 });
    expect((await api('GET', '/api/flows/ghost/dead-letters')).status).toBe(404);
    expect((await api('GET', '/api/flows/known/dead-letters/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await api('GET', '/api/flows/known/dead-letters/bad%3Aid')).status).toBe(404);
    expect((await api('DELETE', '/api/flows/known/dead-letters/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await api('GET', '/api/flows/known/dead-letters?limit=0')).status).toBe(400);
    expect((await api('GET', '/api/flows/known/dead-letters?node=a&node=b')).status).toBe(400);
  });
});
