import { describe, expect, it } from 'vitest';
import { useServers } from '../../test/server';

const doc = (id = 'f1', expression = '$') => ({
  format: 'tributary.flow/v1',
  id,
  name: `Flow ${id}`,
  nodes: [
    { id: 'in', type: 'inject', position: { x: 0, y: 0 }, config: {} },
    { id: 'm', type: 'map', position: { x: 200, y: 0 }, config: { expression } },
  ],
  edges: [{ id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'm', port: 'in' } }],
});

describe('when flows are saved over REST', () => {
  const t = useServers();

  it('creates, reads, updates with revisions, and refuses a stale revision with the current one', async () => {
    const { api } = await t.startServer();
    const created = await api('POST', '/api/flows', doc());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'f1', revision: 1, problems: [] });
    const updated = await api('PUT', '/api/flows/f1', doc('f1', '$.a'), { 'If-Match': '"1"' });
    expect(updated.status).toBe(200);
    expect(updated.body.revision).toBe(2);
    const stale = await api('PUT', '/api/flows/f1', doc('f1', '$.b'), { 'If-Match': '"1"' });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body).toMatchObject({ currentRevision: 2, current: { id: 'f1' } });
    const revisions = await api('GET', '/api/flows/f1/revisions');
    expect(revisions.body.map((r: { revision: number }) => r.revision)).toEqual([1, 2]);
  });

  it('saves a draft with problems and lists them; refuses what is not a flow with 400', async () => {
    const { api } = await t.startServer();
    const draft = await api('POST', '/api/flows', doc('d', '$.a +'));
    expect(draft.status).toBe(201);
    expect(draft.body.problems[0]).toMatchObject({ pointer: '/nodes/1/config/expression', code: 'expression' });
    const junk = await api('POST', '/api/flows', { hello: 'world' });
    expect(junk.status).toBe(400);
    expect(junk.body.problems.map((p: { pointer: string }) => p.pointer)).toEqual(['/format', '/id', '/nodes', '/edges']);
    const malformed = await api('POST', '/api/flows', '{"format": ');
    expect(malformed.status).toBe(400);
    expect(malformed.text).not.toMatch(/at .*\.js|node_modules/);
  });

  it('deploys (422 when invalid), refuses to delete while deployed, and rolls back to an earlier revision', async () => {
    const { api, engine } = await t.startServer();
    await api('POST', '/api/flows', doc('f2', '$.a +'));
    const refused = await api('POST', '/api/flows/f2/deploy');
    expect(refused.status).toBe(422);
    expect(refused.body.problems[0].code).toBe('expression');
    await api('PUT', '/api/flows/f2', doc('f2', '$.a'));
    await api('PUT', '/api/flows/f2', doc('f2', '$.b'));
    expect((await api('POST', '/api/flows/f2/deploy')).body).toEqual({ flowId: 'f2', revision: 3, changed: true });
    expect((await api('POST', '/api/flows/f2/deploy')).body.changed).toBe(false);
    expect((await api('DELETE', '/api/flows/f2')).status).toBe(409);
    expect((await api('POST', '/api/flows/f2/deploy', { revision: 2 })).body).toEqual({ flowId: 'f2', revision: 2, changed: true });
    expect((await engine.currentPlan('f2'))?.nodes.m?.config.expression).toBe('$.a');
    expect((await api('POST', '/api/flows/f2/undeploy')).body.undeployed).toBe(true);
    expect((await api('DELETE', '/api/flows/f2')).status).toBe(204);
  });

  it('exports and imports round trip; on an existing id refuses or copies, as asked', async () => {
    const { api } = await t.startServer();
    await api('POST', '/api/flows', doc('rt'));
    const exported = await api('GET', '/api/flows/rt/export');
    expect(exported.body).toEqual(doc('rt'));
    expect((await api('POST', '/api/flows/import', exported.body)).status).toBe(409);
    const copied = await api('POST', '/api/flows/import?onConflict=copy', [exported.body, exported.body]);
    expect(copied.status).toBe(201);
    expect(copied.body.map((f: { id: string }) => f.id)).toEqual(['rt-copy', 'rt-copy-2']);
    const again = await api('GET', '/api/flows/rt-copy/export');
    expect({ ...again.body, id: 'rt' }).toEqual(exported.body);
  });

  it("refuses a body or query its route's schema doesn't take, before the handler runs", async () => {
    const { api } = await t.startServer();
    await api('POST', '/api/flows', doc('q'));
    const badRevision = await api('POST', '/api/flows/q/deploy', { revision: 0 });
    expect(badRevision.status).toBe(400);
    expect(badRevision.body.problems).toEqual([{ pointer: '/revision', code: 'shape', message: 'must be >= 1' }]);
    const badMode = await api('POST', '/api/flows/import?onConflict=merge', doc('q2'));
    expect(badMode.status).toBe(400);
    expect(badMode.body.detail).toBe('query parameter "onConflict" must be one of "fail", "copy"');
    expect((await api('GET', '/api/flows/q2')).status).toBe(404);
    const staleByQuery = await api('PUT', '/api/flows/q?revision=7', doc('q', '$.x'));
    expect(staleByQuery.status).toBe(409);
    expect((await api('PUT', '/api/flows/q?revision=one', doc('q', '$.x'))).body.detail).toMatch(/^query parameter "revision" /);
  });
});

