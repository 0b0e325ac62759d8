import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../errors';
import { runNode } from '../../testing/harness';
import { runtime } from './run';

describe('when items yields an array', () => {
  it('does emit one message per item with split.index and split.count', async () => {
    const { emissions } = await runNode(runtime, { config: { items: 'lines' }, payload: { lines: [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }] } });
    expect(emissions).toEqual([
      { port: 'out', payload: { sku: 'a' }, attrs: { split: { index: 0, count: 3 } } },
      { port: 'out', payload: { sku: 'b' }, attrs: { split: { index: 1, count: 3 } } },
      { port: 'out', payload: { sku: 'c' }, attrs: { split: { index: 2, count: 3 } } },
    ]);
  });

  it('does emit nothing for an empty array', async () => {
    const { emissions } = await runNode(runtime, { payload: [] });
    expect(emissions).toEqual([]);
  });
});

describe('when items yields a single value or nothing', () => {
  it('does emit one message for a single value', async () => {
    const { emissions } = await runNode(runtime, { config: { items: 'lines' }, payload: { lines: [{ sku: 'only' }] } });
    expect(emissions).toEqual([{ port: 'out', payload: { sku: 'only' }, attrs: { split: { index: 0, count: 1 } } }]);
  });

  it('does emit nothing when the expression yields nothing', async () => {
    const { emissions } = await runNode(runtime, { config: { items: 'lines' }, payload: { other: 1 } });
    expect(emissions).toEqual([]);
  });
});

describe('when there are more items than maxItems', () => {
  it('does fail permanently and emit nothing', async () => {
    const error = await runNode(runtime, { config: { maxItems: 2 }, payload: [1, 2, 3] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'TOO_MANY_ITEMS', message: expect.stringContaining('3 items') });
  });
});
