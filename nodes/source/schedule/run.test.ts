import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing/harness';
import { runtime } from './run';

const times = { scheduledAt: '2024-05-01T10:00:00.000Z', firedAt: '2024-05-01T10:00:00.012Z' };

describe('when the engine delivers a tick', () => {
  it('does emit the configured payload with the tick times', async () => {
    const { emissions } = await runNode(runtime, { config: { payload: { report: 'daily' } }, port: 'trigger', attrs: times });
    expect(emissions).toEqual([{ port: 'out', payload: { report: 'daily' }, attrs: times }]);
  });

  it('does mark a catch-up tick as one', async () => {
    const { emissions } = await runNode(runtime, { port: 'trigger', attrs: { ...times, catchUp: true } });
    expect(emissions).toEqual([{ port: 'out', payload: {}, attrs: { ...times, catchUp: true } }]);
  });
});
