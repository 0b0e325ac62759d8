import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../../demo/server';
import { eventually } from '../../test/engine';
import { useServers } from '../../test/server';

/** webhook (request-reply) → saga charging the demo payment → http-reply for each outcome. */
const orderFlow = (replyTimeoutMs: number) => ({
  format: 'tributary.flow/v1',
  id: 'pay',
  name: 'Pay',
  nodes: [
    { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: { path: '/orders', respond: 'reply-node', replyTimeoutMs } },
    {
      id: 'saga',
      type: 'saga',
      position: { x: 200, y: 0 },
      config: {
        steps: [
          {
            name: 'charge',
            timeoutMs: 5000,
            retry: { attempts: 1 },
            action: { method: 'POST', url: "$env('PAYMENT_URL') & '/charges'", body: '{ "orderId": orderId, "amount": total }' },
          },
        ],
      },
    },
    { id: 'confirmed', type: 'http-reply', position: { x: 400, y: 0 }, config: { status: '200', headers: '{ "X-Order": input.orderId }', body: '{ "orderId": input.orderId, "chargeId": steps.charge.body.chargeId }' } },
    { id: 'refused', type: 'http-reply', position: { x: 400, y: 100 }, config: { status: '402', body: '{ "orderId": input.orderId, "error": failed.error.message }' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'saga', port: 'in' } },
    { id: 'e2', from: { node: 'saga', port: 'completed' }, to: { node: 'confirmed', port: 'in' } },
    { id: 'e3', from: { node: 'saga', port: 'compensated' }, to: { node: 'refused', port: 'in' } },
  ],
});

describe('when a webhook answers with a downstream http-reply', () => {
  const t = useServers();
  let demo: DemoServer | undefined;
  afterEach(async () => {
    await demo?.close();
    demo = undefined;
  });

  async function deployed(replyTimeoutMs: number) {
    demo = await startDemo();
    const server = await t.startServer();
    for (const [name, value] of Object.entries(demo.variables())) await server.engine.variables.put(name, value);
    expect((await server.api('POST', '/api/flows', orderFlow(replyTimeoutMs))).status).toBe(201);
    expect((await server.api('POST', '/api/flows/pay/deploy', {})).status).toBe(200);
    const order = (id: string) => server.api('POST', '/hooks/pay/orders', { orderId: id, total: 12 }, { 'Idempotency-Key': id });
    return { ...server, order, demo };
  }

  it('gives the caller the reply synchronously, and a repeat the same reply with no second charge', async () => {
    const { order, demo } = await deployed(10_000);
    const first = await order('o-1');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-order')).toBe('o-1');
    expect(first.body).toEqual({ orderId: 'o-1', chargeId: expect.stringMatching(/^ch_/) });
    const again = await order('o-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(demo.state.stats().effects['payment.charge']).toEqual({ total: 1, byOrder: { 'o-1': 1 } });
  });

  it('answers a business failure with the failure reply', async () => {
    const { order, demo } = await deployed(10_000);
    await fetch(`${demo.url}/knobs/payment`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ permanentStatus: 402 }) });
    const refused = await order('o-2');
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ orderId: 'o-2', error: expect.stringContaining('402') });
    expect(demo.state.stats().effects['payment.charge']).toBeUndefined();
  });

  it('falls back to 202 with the run id past the timeout; a repeat once done gets the first result', async () => {
    const { order, demo } = await deployed(300);
    await fetch(`${demo.url}/knobs/payment`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 1500 }) });
    const slow = await order('o-3');
    expect(slow.status).toBe(202);
    expect(slow.body.runId).toEqual(expect.any(String));
    await eventually(() => demo.state.stats().effects['payment.charge']?.total === 1, 'the charge');
    const done = await eventually(async () => {
      const repeat = await order('o-3');
      return repeat.status === 200 ? repeat : undefined;
    }, 'the stored reply');
    expect(done.body).toEqual({ orderId: 'o-3', chargeId: [...demo.state.charges.values()][0]!.chargeId });
    expect(done.headers.get('tributary-run-id')).toBe(slow.body.runId);
    expect(demo.state.stats().effects['payment.charge']!.total).toBe(1);
  });

  it('makes a repeat while the first still runs wait out the first timeout, then 202 with the same run id', async () => {
    const { order, demo } = await deployed(1_000);
    await fetch(`${demo.url}/knobs/payment`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 4000 }) });
    const first = order('o-4');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const repeat = await order('o-4');
    expect(repeat.status).toBe(202);
    expect(repeat.body).toMatchObject({ runId: (await first).body.runId, duplicate: true });
    expect((await first).status).toBe(202);
  });
});
