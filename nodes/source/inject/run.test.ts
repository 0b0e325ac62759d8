import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing/harness';
import { runtime } from './run';

describe('when a trigger starts a run', () => {
  it('does emit the source message payload on out, unchanged', async () => {
    const { emissions } = await runNode(runtime, { config: { payload: { ignored: true } }, payload: { orderId: 'A1', lines: [1, 2] } });
    expect(emissions).toEqual([{ port: 'out', payload: { orderId: 'A1', lines: [1, 2] } }]);
  });
});
