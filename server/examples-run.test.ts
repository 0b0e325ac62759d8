/**
 * Every example flow validates, deploys and runs — against the demo services, reached through
 * the flow variables `npm start` sets — with the short timings of test/timings.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/server';
import type { FlowDocument } from '../flows/schema';
import { eventually } from '../test/engine';
import { useServers, type TestServer } from '../test/server';
import { TEST_EXAMPLE_TIMINGS } from '../test/timings';
import { exampleFlows } from './examples';

/** Needs a Kafka broker (KAFKA_BROKERS): not run here. */
const NEEDS_KAFKA = new Set(['crm-inventory-analytics', 'ecommerce-sync']); // ecommerce-sync runs in examples-kafka.test.ts

const example = (id: string): FlowDocument => {
  const doc = exampleFlows().find((d) => d.id === id);
  if (!doc) throw new Error(`no example ${id}`);
  return doc;
};

/** The document with test timings in place of its own (poll intervals, merge windows). */
function withTestTimings(doc: FlowDocument): FlowDocument {
  const copy = structuredClone(doc);
  for (const node of copy.nodes) {
    const config = node.config as Record<string, unknown>;
    if (node.type === 'http-poll') config.intervalMs = TEST_EXAMPLE_TIMINGS.pollIntervalMs;
    if (node.type === 'merge' && config.mode === 'window') config.windowMs = TEST_EXAMPLE_TIMINGS.mergeWindowMs;
  }
  return copy;
}

const knobs = (demo: DemoServer, service: string, change: unknown) =>
  fetch(`${demo.url}/knobs/${service}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) });

describe('when the example flows run against the demo services', () => {
  const t = useServers();
  let demo: DemoServer | undefined;
  afterEach(async () => {
    await demo?.close();
    demo = undefined;
  });

  async function started(seed: Parameters<typeof startDemo>[0] = {}): Promise<TestServer & { demo: DemoServer }> {
    demo = await startDemo(seed);
    const server = await t.startServer();
    for (const [name, value] of Object.entries(demo.variables())) await server.engine.variables.put(name, value, 'demo');
    return { ...server, demo };
  }

  async function deploy(server: TestServer, doc: FlowDocument): Promise<void> {
    expect((await server.api('POST', '/api/flows', doc)).status).toBe(201);
    const deployed = await server.api('POST', `/api/flows/${doc.id}/deploy`, {});
    expect(deployed.body.problems ?? []).toEqual([]);
    expect(deployed.status).toBe(200);
  }

  it('deploys every example that needs no Kafka broker, with no problem', async () => {
    const server = await started();
    const docs = exampleFlows();
    expect(docs.map((d) => d.id)).toEqual(expect.arrayContaining(['order-saga', 'ecommerce-sync-direct', 'hello-world']));
    for (const doc of docs.filter((d) => !NEEDS_KAFKA.has(d.id))) {
      expect(doc.description, doc.id).toMatch(/Try/);
      await deploy(server, doc);
    }
  });

  it('order saga: confirms synchronously, once per order even when posted twice, and notifies once', async () => {
    const server = await started();
    await deploy(server, example('order-saga'));
    const order = (id: string, key = id) =>
      server.api('POST', '/hooks/order-saga/orders', { orderId: id, items: [{ sku: 'SKU-0001', quantity: 1 }], total: 25, shippingAddress: { city: 'Lyon' } }, { 'Idempotency-Key': key });
    const [a, b] = await Promise.all([order('o-1'), order('o-1')]);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ orderId: 'o-1', status: 'confirmed', trackingNumber: expect.stringMatching(/^TRK/) });
    expect(b.body).toEqual(a.body);
    const { demo } = server;
    expect(demo.state.stats().effects['payment.charge']).toEqual({ total: 1, byOrder: { 'o-1': 1 } });
    await eventually(() => demo.state.stats().effects['notification.send']?.total === 1, 'the notification');
    const invalid = await server.api('POST', '/hooks/order-saga/orders', { orderId: 'o-x' }, { 'Idempotency-Key': 'o-x' });
    expect(invalid.status).toBe(422);
  });

  it('order saga: 200 orders, each posted twice, complete with one charge each and every caller confirmed', async () => {
    const server = await started({ products: 10 });
    await deploy(server, example('order-saga'));
    const order = (id: string) =>
      server.api('POST', '/hooks/order-saga/orders', { orderId: id, items: [{ sku: 'SKU-0001', quantity: 1 }], total: 10, shippingAddress: {} }, { 'Idempotency-Key': id });
    server.demo.state.products[0]!.stock = 1_000;
    const ids = Array.from({ length: 200 }, (_, i) => `o-${i}`);
    const answers: Array<{ status: number; body: any }> = [];
    for (let i = 0; i < ids.length; i += 20) {
      const batch = ids.slice(i, i + 20);
      answers.push(...(await Promise.all([...batch, ...batch].map(order))));
    }
    expect(answers.filter((a) => a.status === 200 && a.body.status === 'confirmed')).toHaveLength(400);
    const charges = server.demo.state.stats().effects['payment.charge']!;
    expect(charges.total).toBe(200);
    expect(Object.values(charges.byOrder).every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('order saga: with payment refusing, the stock is released once and the caller gets the failure', async () => {
    const server = await started();
    await deploy(server, example('order-saga'));
    await knobs(server.demo, 'payment', { permanentStatus: 402 });
    const failed = await server.api('POST', '/hooks/order-saga/orders', { orderId: 'o-2', items: [{ sku: 'SKU-0002', quantity: 3 }], total: 9, shippingAddress: {} }, { 'Idempotency-Key': 'o-2' });
    expect(failed.status).toBe(402);
    expect(failed.body).toMatchObject({ orderId: 'o-2', status: 'failed', failedStep: 'chargePayment' });
    const { effects } = server.demo.state.stats();
    expect(effects['inventory.release']).toEqual({ total: 1, byOrder: { 'o-2': 1 } });
    expect(effects['payment.charge']).toBeUndefined();
    expect(server.demo.state.products[1]!.stock).toBe(100);
  });

  it('order saga: with shipping refusing, the payment is refunded and the stock released, each once', async () => {
    const server = await started();
    await deploy(server, example('order-saga'));
    await knobs(server.demo, 'shipping', { permanentStatus: 422 });
    const failed = await server.api('POST', '/hooks/order-saga/orders', { orderId: 'o-3', items: [{ sku: 'SKU-0003', quantity: 1 }], total: 9, shippingAddress: {} }, { 'Idempotency-Key': 'o-3' });
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({ failedStep: 'createShippingLabel' });
    const { effects } = server.demo.state.stats();
    expect(effects['payment.refund']).toEqual({ total: 1, byOrder: { 'o-3': 1 } });
    expect(effects['inventory.release']).toEqual({ total: 1, byOrder: { 'o-3': 1 } });
  });

  it('e-commerce sync without Kafka: every customer and product reaches analytics once; a change sends only it', async () => {
    const server = await started({ customers: 300, products: 120, rateLimit: { requests: 50, windowMs: 1000 } });
    await deploy(server, withTestTimings(example('ecommerce-sync-direct')));
    const { demo } = server;
    const received = () => {
      const customers = demo.state.batches.flatMap((b) => (b.body as { customers: Array<{ id: string }> }).customers.map((c) => c.id));
      const products = demo.state.batches.flatMap((b) => (b.body as { products: Array<{ sku: string }> }).products.map((p) => p.sku));
      return { customers, products };
    };
    await eventually(() => received().customers.length >= 300 && received().products.length >= 120, 'the full sync', 30_000);
    expect(new Set(received().customers).size).toBe(received().customers.length);
    expect(received().products).toHaveLength(120);
    const batch = demo.state.batches[0]!.body as Record<string, any>;
    expect(batch).toMatchObject({ eventId: expect.any(String), timestamp: expect.any(String), metadata: { customerCount: batch.customers.length, productCount: batch.products.length } });
    const before = demo.state.batches.length;
    for (let i = 1; i <= 10; i++) {
      await fetch(`${demo.url}/crm/customers/C${String(i * 7).padStart(5, '0')}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"tier":"gold"}' });
    }
    await eventually(() => demo.state.batches.slice(before).flatMap((b) => (b.body as { customers: unknown[] }).customers).length >= 10, 'the changed customers', 20_000);
    const later = demo.state.batches.slice(before).flatMap((b) => (b.body as { customers: Array<{ id: string; tier: string }> }).customers);
    expect(later.map((c) => c.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `C${String((i + 1) * 7).padStart(5, '0')}`).sort());
    expect(later.every((c) => c.tier === 'gold')).toBe(true);
    expect(received().customers).toHaveLength(310);
  }, 60_000);
});
