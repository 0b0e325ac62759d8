import { describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../../demo/server';
import { VARIABLE_LIMITS } from '../../flows/variables';
import { eventually } from '../../test/engine';
import { useServers } from '../../test/server';
import { afterEach } from 'vitest';

const pollFlow = {
  format: 'tributary.flow/v1',
  id: 'poll-crm',
  name: 'Poll the CRM',
  nodes: [
    { id: 'poll', type: 'http-poll', position: { x: 0, y: 0 }, config: { urlFrom: "$env('CRM_URL') & '/customers'", intervalMs: 1000, records: 'data', pagination: { mode: 'page', pageSize: 100 } } },
    { id: 'log', type: 'log', position: { x: 200, y: 0 }, config: {} },
  ],
  edges: [{ id: 'e1', from: { node: 'poll', port: 'out' }, to: { node: 'log', port: 'in' } }],
};

describe('when flow variables are set over REST', () => {
  const t = useServers();
  const demos: DemoServer[] = [];
  afterEach(async () => {
    await Promise.all(demos.splice(0).map((d) => d.close()));
  });

  it('stores, lists and deletes them, refusing bad names, oversized values and a full store', async () => {
    const { api, engine } = await t.startServer();
    expect((await api('PUT', '/api/variables/CRM_URL', { value: 'http://127.0.0.1:1/crm' })).status).toBe(200);
    expect((await api('GET', '/api/variables')).body).toEqual([expect.objectContaining({ name: 'CRM_URL', value: 'http://127.0.0.1:1/crm', source: 'user' })]);
    expect((await api('PUT', '/api/variables/bad-name', { value: 'x' })).status).toBe(400);
    expect((await api('PUT', '/api/variables/BIG', { value: 'x'.repeat(VARIABLE_LIMITS.maxValueBytes + 1) })).status).toBe(400);
    for (let i = 1; i < VARIABLE_LIMITS.maxCount; i++) await engine.variables.put(`V${i}`, 'x');
    const full = await api('PUT', '/api/variables/ONE_MORE', { value: 'x' });
    expect(full.status).toBe(400);
    expect(full.body.detail).toMatch(/at most/);
    expect((await api('PUT', '/api/variables/CRM_URL', { value: 'replaced' })).status).toBe(200);
    expect((await api('DELETE', '/api/variables/CRM_URL')).status).toBe(204);
    expect((await api('DELETE', '/api/variables/CRM_URL')).status).toBe(404);
  });

  it('keeps a value the user set when the demo sets its own', async () => {
    const { engine } = await t.startServer();
    await engine.variables.put('CRM_URL', 'https://crm.example.com', 'user');
    expect(await engine.variables.put('CRM_URL', 'http://127.0.0.1:9/crm', 'demo')).toBe(false);
    expect(await engine.variables.put('DEMO_URL', 'http://127.0.0.1:9', 'demo')).toBe(true);
    expect(await engine.variables.put('DEMO_URL', 'http://127.0.0.1:10', 'demo')).toBe(true);
    expect((await engine.variables.list()).map((v) => [v.name, v.value])).toEqual([
      ['CRM_URL', 'https://crm.example.com'],
      ['DEMO_URL', 'http://127.0.0.1:10'],
    ]);
  });

  it('reports a variable a flow needs as a problem, and refuses the deploy until it is set', async () => {
    const { api } = await t.startServer();
    await api('POST', '/api/flows', pollFlow);
    const refused = await api('POST', '/api/flows/poll-crm/deploy', {});
    expect(refused.status).toBe(422);
    expect(refused.body.problems).toEqual([expect.objectContaining({ nodeId: 'poll', message: expect.stringContaining('"CRM_URL" is not set') })]);
    await api('PUT', '/api/variables/CRM_URL', { value: 'http://127.0.0.1:1/crm' });
    expect((await api('POST', '/api/flows/poll-crm/deploy', {})).status).toBe(200);
  });

  it('moves a deployed poll when CRM_URL changes, without a redeploy; the export holds no value', async () => {
    const [a, b] = [await startDemo({ customers: 5 }), await startDemo({ customers: 5 })];
    demos.push(a, b);
    const { api } = await t.startServer();
    await api('PUT', '/api/variables/CRM_URL', { value: `${a.url}/crm` });
    await api('POST', '/api/flows', pollFlow);
    expect((await api('POST', '/api/flows/poll-crm/deploy', {})).status).toBe(200);
    await eventually(() => (a.state.requests.get('crm.list') ?? 0) >= 1, 'a poll of CRM a');
    await api('PUT', '/api/variables/CRM_URL', { value: `${b.url}/crm` });
    await eventually(() => (b.state.requests.get('crm.list') ?? 0) >= 1, 'a poll of CRM b');
    const before = a.state.requests.get('crm.list');
    await eventually(() => (b.state.requests.get('crm.list') ?? 0) >= 2, 'a second poll of CRM b');
    expect(a.state.requests.get('crm.list')).toBe(before);
    const exported = await api('GET', '/api/flows/poll-crm/export');
    expect(exported.text).toContain("$env('CRM_URL')");
    expect(exported.text).not.toContain(a.url);
    expect(exported.text).not.toContain(b.url);
  });
});
