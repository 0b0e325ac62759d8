import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/engine';
import { deployOverApi, fileLines, finishedRun, hookFlow } from '../../test/server-fixtures';
import { useServers } from '../../test/server';

describe('when a webhook is called', () => {
  const t = useServers();

  it('does answer 202 once enqueued, and the run is visible over REST with the body and request attributes', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, hookFlow('h1', [{ path: '/orders' }]));
    const res = await api('POST', '/hooks/h1/orders?src=shop', { orderId: 'A1' }, { 'X-Trace': 't-1', Cookie: 'session=abc', Authorization: 'Bearer xyz', 'X-Api-Key': 'k' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId: expect.stringMatching(/^h1\./) });
    const run = await finishedRun(api, res.body.runId);
    expect(run.summary).toMatchObject({ flowId: 'h1', nodeId: 'hook0', status: 'completed' });
    const [line] = fileLines(t.dataDir, 'h1.jsonl') as Array<{ payload: unknown; attrs: { headers: Record<string, string> } }>;
    expect(line).toMatchObject({ payload: { orderId: 'A1' }, attrs: { method: 'POST', path: '/orders', params: {}, query: { src: 'shop' } } });
    expect(line!.attrs.headers).toMatchObject({ 'x-trace': 't-1', 'content-type': 'application/json' });
    for (const hidden of ['cookie', 'authorization', 'x-api-key']) expect(line!.attrs.headers).not.toHaveProperty(hidden);
  });

  it('does answer a repeated idempotency header with 200 and the original run id, starting nothing', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, hookFlow('h2', [{ path: '/orders' }, { path: '/events', idempotencyHeader: 'X-Delivery' }]));
    const first = await api('POST', '/hooks/h2/orders', { n: 1 }, { 'Idempotency-Key': 'order-1' });
    const again = await api('POST', '/hooks/h2/orders', { n: 2 }, { 'Idempotency-Key': 'order-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ runId: first.body.runId, duplicate: true });
    const event = await api('POST', '/hooks/h2/events', { n: 3 }, { 'X-Delivery': 'd-1' });
    expect((await api('POST', '/hooks/h2/events', { n: 4 }, { 'X-Delivery': 'd-1' })).body).toEqual({ runId: event.body.runId, duplicate: true });
    await finishedRun(api, first.body.runId);
    await finishedRun(api, event.body.runId);
    expect((await api('GET', '/api/flows/h2/runs')).body.total).toBe(2);
    expect(fileLines(t.dataDir, 'h2.jsonl').map((l) => (l as { payload: unknown }).payload)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 3 }]));
    expect(fileLines(t.dataDir, 'h2.jsonl')).toHaveLength(2);
  });

  it('does capture :param segments, prefer a literal segment, and take the query as the payload of a GET', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, hookFlow('h3', [{ path: '/orders/:id/items/:item' }, { path: '/orders/:id' }, { path: '/orders/new' }, { path: '/status', method: 'GET' }]));
    const byParam = await api('POST', '/hooks/h3/orders/7/items/a%20b', 'x', { 'content-type': 'text/plain' });
    const literal = await api('POST', '/hooks/h3/orders/new/', {});
    const get = await api('GET', '/hooks/h3/status?a=1&b=2&b=3');
    for (const r of [byParam, literal, get]) expect(r.status).toBe(202);
    const summaries = await Promise.all([byParam, literal, get].map(async (r) => (await finishedRun(api, r.body.runId)).summary.nodeId));
    expect(summaries).toEqual(['hook0', 'hook2', 'hook3']);
    const lines = fileLines(t.dataDir, 'h3.jsonl') as Array<{ payload: unknown; attrs: { path: string; params: unknown; method: string } }>;
    expect(lines.find((l) => l.attrs.path === '/orders/7/items/a b')).toMatchObject({ payload: 'x', attrs: { params: { id: '7', item: 'a b' } } });
    expect(lines.find((l) => l.attrs.method === 'GET')).toMatchObject({ payload: { a: '1', b: ['2', '3'] }, attrs: { path: '/status' } });
  });

  it('does answer 405 with Allow when only the method differs', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, hookFlow('h4', [{ path: '/things', method: 'PUT' }, { path: '/things', method: 'GET' }]));
    const res = await api('POST', '/hooks/h4/things', {});
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PUT');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await api('DELETE', '/hooks/h4/things')).status).toBe(405);
    expect((await api('PUT', '/hooks/h4/things', {})).status).toBe(202);
  });

  it('does answer 404 for a path no webhook has, a disabled webhook, and a flow that is not deployed', async () => {
    const { api } = await t.startServer();
    const doc = hookFlow('h5', [{ path: '/orders' }, { path: '/off' }]);
    doc.nodes[1] = { ...doc.nodes[1]!, disabled: true } as (typeof doc.nodes)[number];
    await deployOverApi(api, doc);
    expect((await api('POST', '/hooks/h5/orders', {})).status).toBe(202);
    for (const path of ['/hooks/h5/other', '/hooks/h5/orders/extra', '/hooks/h5/ORDERS', '/hooks/h5/off', '/hooks/h5', '/hooks/ghost/orders', '/hooks/..%2Fx/orders']) {
      const res = await api('POST', path, {});
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    await api('POST', '/api/flows/h5/undeploy');
    expect((await api('POST', '/hooks/h5/orders', {})).status).toBe(404);
  });

  it('does parse JSON (400 when malformed), forms and text, and take an empty body as null', async () => {
    const { api } = await t.startServer();
    await deployOverApi(api, hookFlow('h6', [{ path: '/in' }]));
    const malformed = await api('POST', '/hooks/h6/in', '{"a": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toBe('the request body is not valid JSON');
    const sent = [
      await api('POST', '/hooks/h6/in', '{"a":1}', { 'content-type': 'application/vnd.api+json; charset=utf-8' }),
      await api('POST', '/hooks/h6/in', 'a=1&b=x&b=y&__proto__=p', { 'content-type': 'application/x-www-form-urlencoded' }),
      await api('POST', '/hooks/h6/in', 'plain words', { 'content-type': 'text/plain' }),
      await api('POST', '/hooks/h6/in'),
    ];
    for (const r of sent) expect(r.status).toBe(202);
    await eventually(() => fileLines(t.dataDir, 'h6.jsonl').length === 4, 'four lines');
    const payloads = fileLines(t.dataDir, 'h6.jsonl').map((l) => JSON.stringify((l as { payload: unknown }).payload));
    expect(payloads.sort()).toEqual(['"plain words"', '{"a":"1","b":["x","y"],"__proto__":"p"}', '{"a":1}', 'null'].sort());
  });

  it('does refuse a body over the limit with 413', async () => {
    const { api } = await t.startServer({ bodyLimit: '1kb' });
    await deployOverApi(api, hookFlow('h7', [{ path: '/in' }]));
    const res = await api('POST', '/hooks/h7/in', { big: 'x'.repeat(2_000) });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await api('POST', '/hooks/h7/in', { small: 1 })).status).toBe(202);
  });

  it('does answer 503 with Retry-After under back-pressure, and still 200 for a key it accepted', async () => {
    const { api } = await t.startServer({ engine: { workers: false } });
    await deployOverApi(api, hookFlow('h8', [{ path: '/in' }], { backlogLimit: 1 }));
    const first = await api('POST', '/hooks/h8/in', { n: 1 }, { 'Idempotency-Key': 'k1' });
    expect(first.status).toBe(202);
    const busy = await api('POST', '/hooks/h8/in', { n: 2 }, { 'Idempotency-Key': 'k2' });
    expect(busy.status).toBe(503);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(busy.headers.get('content-type')).toContain('application/problem+json');
    expect((await api('POST', '/hooks/h8/in', { n: 1 }, { 'Idempotency-Key': 'k1' })).body).toEqual({ runId: first.body.runId, duplicate: true });
  });
});
