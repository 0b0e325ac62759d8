import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing/harness';
import { runtime } from './run';

const config = { path: '/orders' };

describe('when a request was accepted', () => {
  it('does emit the body on out with the request attributes passed on', async () => {
    const attrs = { method: 'POST', path: '/orders', params: {}, query: { src: 'shop' }, headers: { 'content-type': 'application/json' } };
    const { emissions } = await runNode(runtime, { config, payload: { orderId: 'A1' }, attrs });
    expect(emissions).toEqual([{ port: 'out', payload: { orderId: 'A1' }, attrs }]);
  });

  it('does emit no attrs key when the message has none', async () => {
    const { emissions } = await runNode(runtime, { config, payload: 'text body' });
    expect(emissions).toEqual([{ port: 'out', payload: 'text body' }]);
  });
});
