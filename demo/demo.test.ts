import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from './server';

let demo: DemoServer | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => undefined)) as any };
};

describe('the demo services', () => {
  it('pages the CRM customers and filters them by updatedSince', async () => {
    demo = await startDemo({ customers: 250, rateLimit: { requests: 100, windowMs: 1000 } });
    const first = await call('GET', `${demo.url}/crm/customers?page=1&limit=100`);
    const last = await call('GET', `${demo.url}/crm/customers?page=3&limit=100`);
    expect(first.body.data).toHaveLength(100);
    expect(last.body.data).toHaveLength(50);
    const cursor = last.body.data.at(-1).updatedAt;
    await call('PATCH', `${demo.url}/crm/customers/C00007`, { tier: 'gold' });
    const changed = await call('GET', `${demo.url}/crm/customers?updatedSince=${encodeURIComponent(cursor)}`);
    expect(changed.body.data.map((c: { id: string }) => c.id)).toEqual(['C00007']);
  });

  it('answers 429 with Retry-After past the CRM rate limit', async () => {
    demo = await startDemo({ rateLimit: { requests: 3, windowMs: 5000 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('GET', `${demo.url}/crm/customers`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await call('GET', `${demo.url}/crm/customers`);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(demo.state.rateLimited).toBe(3);
  });

  it('applies a charge once per Idempotency-Key and repeats the stored answer', async () => {
    demo = await startDemo();
    const key = { 'idempotency-key': 'order-1' };
    const [a, b] = await Promise.all([
      call('POST', `${demo.url}/payment/charges`, { orderId: 'o1', amount: 10 }, key),
      call('POST', `${demo.url}/payment/charges`, { orderId: 'o1', amount: 10 }, key),
    ]);
    const c = await call('POST', `${demo.url}/payment/charges`, { orderId: 'o1', amount: 10 }, key);
    expect(a.body.chargeId).toBe(b.body.chargeId);
    expect(c.body.chargeId).toBe(a.body.chargeId);
    expect(c.headers.get('idempotent-replayed')).toBe('true');
    expect((await call('GET', `${demo.url}/stats`)).body.effects['payment.charge']).toEqual({ total: 1, byOrder: { o1: 1 } });
  });

  it('reserves and releases stock, refusing a reservation past the stock with 409', async () => {
    demo = await startDemo({ products: 2 });
    const reserve = await call('POST', `${demo.url}/inventory/reservations`, { orderId: 'o1', items: [{ sku: 'SKU-0001', quantity: 60 }] });
    const refused = await call('POST', `${demo.url}/inventory/reservations`, { orderId: 'o2', items: [{ sku: 'SKU-0001', quantity: 60 }] });
    expect([reserve.status, refused.status]).toEqual([201, 409]);
    await call('POST', `${demo.url}/inventory/reservations/o1/release`, {});
    await call('POST', `${demo.url}/inventory/reservations/o1/release`, {});
    expect(demo.state.products[0]!.stock).toBe(100);
    expect(demo.state.stats().effects['inventory.release']!.total).toBe(1);
  });

  it('fails as its knobs say: one operation, a permanent 4xx, added latency', async () => {
    demo = await startDemo();
    expect((await call('PUT', `${demo.url}/knobs/payment`, { failOperations: ['charge'] })).status).toBe(200);
    expect((await call('POST', `${demo.url}/payment/charges`, { orderId: 'o1', amount: 1 })).status).toBe(503);
    await call('PUT', `${demo.url}/knobs/payment`, { failOperations: [], permanentStatus: 402 });
    expect((await call('POST', `${demo.url}/payment/charges`, { orderId: 'o1', amount: 1 })).status).toBe(402);
    await call('PUT', `${demo.url}/knobs/payment`, { permanentStatus: null, latencyMs: 300 });
    const started = Date.now();
    expect((await call('POST', `${demo.url}/payment/charges`, { orderId: 'o1', amount: 1 })).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await call('PUT', `${demo.url}/knobs/payment`, { errorRate: 2 })).status).toBe(400);
    expect(demo.state.stats().effects['payment.charge']!.total).toBe(1);
  });

  it('shows what analytics received, and names each service as a variable', async () => {
    demo = await startDemo();
    await call('POST', `${demo.url}/analytics/batches`, { eventId: 'e1', customers: [] });
    expect((await call('GET', `${demo.url}/analytics/batches`)).body[0].body.eventId).toBe('e1');
    expect(demo.variables()).toMatchObject({ DEMO_URL: demo.url, CRM_URL: `${demo.url}/crm`, ANALYTICS_URL: `${demo.url}/analytics` });
    expect((await fetch(demo.url)).headers.get('content-type')).toMatch(/html/);
  });
});
