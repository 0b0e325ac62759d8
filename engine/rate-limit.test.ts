import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/server';
import type { FlowDocument } from '../flows/schema';
import { useEngines } from '../test/engine';
import { useWorkerProcesses } from '../test/processes';

const flow = (rateLimit?: { requests: number; intervalMs: number }): FlowDocument => ({
  format: 'tributary.flow/v1',
  id: 'crm-calls',
  name: 'CRM calls',
  nodes: [
    { id: 'in', type: 'inject', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'crm',
      type: 'http-request',
      position: { x: 200, y: 0 },
      config: { method: 'GET', url: "$env('CRM_URL') & '/customers?limit=1&page=' & $string(i)" },
      policy: { retry: { attempts: 10, backoff: { type: 'fixed', delayMs: 200 } }, circuitBreaker: { enabled: false }, ...(rateLimit && { rateLimit }) },
    },
  ],
  edges: [{ id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'crm', port: 'in' } }],
});

describe('when a node with a rate limit calls the CRM from two worker processes', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();
  let demo: DemoServer | undefined;
  afterEach(async () => {
    await demo?.close();
    demo = undefined;
  });

  async function burst(rateLimit?: { requests: number; intervalMs: number }) {
    demo = await startDemo({ customers: 50, rateLimit: { requests: 5, windowMs: 1000 } });
    const api = await t.start({ workers: false });
    await api.variables.put('CRM_URL', `${demo.url}/crm`);
    await Promise.all([0, 1].map(() => workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir: t.dataDir, concurrency: 8 })));
    const traces = await t.traces();
    await api.deploy(flow(rateLimit), 1);
    const total = 20;
    for (let i = 1; i <= total; i++) await api.trigger('crm-calls', 'in', { i });
    await traces.until((events) => events.filter((e) => e.type === 'run:finished').length === total);
    return { served: demo.state.requests.get('crm.list'), rateLimited: demo.state.rateLimited };
  }

  it('spaces the requests of both so that the CRM answers no 429 past the first', async () => {
    // Under the CRM's 5 a second: the limiter counts requests as they leave, the CRM as
    // they arrive, and a loaded machine can bunch arrivals by a few hundred ms.
    const { served, rateLimited } = await burst({ requests: 4, intervalMs: 1250 });
    expect(served).toBe(20);
    expect(rateLimited).toBeLessThanOrEqual(1);
  }, 40_000);

  it('gets 429s from the CRM without one (the check above can fail)', async () => {
    const { served, rateLimited } = await burst();
    expect(served).toBe(20);
    expect(rateLimited).toBeGreaterThan(1);
  }, 40_000);
});
