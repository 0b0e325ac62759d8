import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/server';
import type { FlowDocument } from '../flows/schema';
import { eventually, useEngines } from '../test/engine';
import { TEST_EXAMPLE_TIMINGS } from '../test/timings';

const flow = (maxRedrives: number): FlowDocument => ({
  format: 'tributary.flow/v1',
  id: 'notify',
  name: 'Notify',
  nodes: [
    { id: 'in', type: 'inject', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'send',
      type: 'http-request',
      position: { x: 200, y: 0 },
      config: { method: 'POST', url: "$env('NOTIFICATION_URL') & '/messages'", body: '{ "orderId": orderId }' },
      policy: {
        retry: { attempts: 1 },
        onError: 'dead-letter',
        circuitBreaker: { enabled: false },
        idempotency: { key: 'orderId', ttlSec: 3600 },
        redrive: { intervalMs: TEST_EXAMPLE_TIMINGS.redriveIntervalMs, maxRedrives },
      },
    },
  ],
  edges: [{ id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'send', port: 'in' } }],
});

describe('when a node with a redrive policy dead-letters', () => {
  const t = useEngines();
  let demo: DemoServer | undefined;
  afterEach(async () => {
    await demo?.close();
    demo = undefined;
  });

  async function failing(maxRedrives: number) {
    demo = await startDemo();
    const engine = await t.start();
    await engine.variables.put('NOTIFICATION_URL', `${demo.url}/notification`);
    await fetch(`${demo.url}/knobs/notification`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"failOperations":["send"]}' });
    await engine.deploy(flow(maxRedrives), 1);
    await engine.trigger('notify', 'in', { orderId: 'o-1' });
    const letter = async () => (await engine.deadLetters.list('notify')).items[0];
    return { engine, demo, letter };
  }

  it('redrives it at each interval while the service fails, and delivers it once after it recovers', async () => {
    const { demo, letter } = await failing(10);
    await eventually(async () => ((await letter())?.replays ?? 0) >= 2, 'two redrives', 20_000);
    expect(demo.state.requests.get('notification.send')).toBeGreaterThanOrEqual(3);
    await fetch(`${demo.url}/knobs/notification`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"failOperations":[]}' });
    await eventually(() => demo.state.stats().effects['notification.send']?.total === 1, 'the delivery', 20_000);
    await eventually(async () => (await letter()) === undefined, 'no dead letter left');
    await new Promise((resolve) => setTimeout(resolve, TEST_EXAMPLE_TIMINGS.redriveIntervalMs + 500));
    expect(demo.state.stats().effects['notification.send']).toEqual({ total: 1, byOrder: { 'o-1': 1 } });
  }, 45_000);

  it('leaves it for a person after maxRedrives', async () => {
    const { demo, letter } = await failing(1);
    await eventually(async () => (await letter())?.replays === 1, 'one redrive', 20_000);
    const calls = demo.state.requests.get('notification.send');
    await new Promise((resolve) => setTimeout(resolve, TEST_EXAMPLE_TIMINGS.redriveIntervalMs * 2));
    expect((await letter())?.replays).toBe(1);
    expect(demo.state.requests.get('notification.send')).toBe(calls);
  }, 30_000);
});
