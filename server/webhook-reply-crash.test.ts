/**
 * Request-reply under a crash: the server is SIGKILLed while its callers wait for their orders'
 * replies. Every order was durably enqueued before anyone waited, so a server started again on
 * the same Redis finishes them, and each caller retrying with its Idempotency-Key gets its
 * confirmation — with one charge per order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/server';
import { useAppProcesses } from '../test/app-process';
import { eventually } from '../test/engine';
import { useRedis } from '../test/redis';

const json = { 'content-type': 'application/json' };

describe('when the server is killed while request-reply callers wait', () => {
  const redis = useRedis();
  const apps = useAppProcesses();
  let demo: DemoServer | undefined;
  afterEach(async () => {
    await demo?.close();
    demo = undefined;
  });

  it('loses no order: a retry with the same key gets each confirmation, charged once', async () => {
    demo = await startDemo();
    const env = { TRIBUTARY_DEMO: 'off' };
    const first = await apps.spawn('start', { redisUrl: redis.url, prefix: redis.prefix, env });
    for (const [name, value] of Object.entries(demo.variables())) {
      expect((await fetch(`${first.url}/api/variables/${name}`, { method: 'PUT', headers: json, body: JSON.stringify({ value }) })).status).toBe(200);
    }
    expect((await fetch(`${first.url}/api/flows/order-saga/deploy`, { method: 'POST', headers: json, body: '{}' })).status).toBe(200);
    await fetch(`${demo.url}/knobs/payment`, { method: 'PUT', headers: json, body: JSON.stringify({ latencyMs: 1500 }) });

    const ids = Array.from({ length: 20 }, (_, i) => `k-${i}`);
    const order = (url: string, id: string) =>
      fetch(`${url}/hooks/order-saga/orders`, {
        method: 'POST',
        headers: { ...json, 'idempotency-key': id },
        body: JSON.stringify({ orderId: id, items: [{ sku: 'SKU-0001', quantity: 1 }], total: 5, shippingAddress: {} }),
      }).then(
        async (res) => ({ status: res.status, body: (await res.json()) as { status?: string } }),
        () => ({ status: 0, body: {} as { status?: string } }),
      );
    const waiting = ids.map((id) => order(first.url, id));
    await eventually(() => (demo!.state.requests.get('payment.charge') ?? 0) > 0, 'charges under way');
    first.child.kill('SIGKILL');
    const early = await Promise.all(waiting);
    expect(early.some((a) => a.status === 0)).toBe(true);

    const second = await apps.spawn('start', { redisUrl: redis.url, prefix: redis.prefix, dataDir: first.dataDir, env });
    await fetch(`${demo.url}/knobs/payment`, { method: 'PUT', headers: json, body: JSON.stringify({ latencyMs: 0 }) });
    for (const id of ids) {
      const answer = await eventually(async () => {
        const a = await order(second.url, id);
        return a.status === 200 ? a : undefined;
        // npm start's own lock timings: a job the killed process held is taken over after its
        // 30 s lock and two 30 s stall checks, about a minute.
      }, `the confirmation of ${id}`, 100_000);
      expect((answer.body as { status?: string }).status).toBe('confirmed');
    }
    const charges = demo.state.stats().effects['payment.charge']!;
    expect(Object.keys(charges.byOrder).sort()).toEqual([...ids].sort());
    expect(Object.values(charges.byOrder).every((n) => n === 1)).toBe(true);
  }, 150_000);
});
