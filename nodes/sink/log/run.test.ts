import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../errors';
import { runNode } from '../../testing/harness';
import { runtime } from './run';

describe('when a message arrives', () => {
  it('does log the evaluated value at the configured level with the ids, and emit nothing', async () => {
    const { emissions, logs } = await runNode(runtime, {
      config: { level: 'warn', value: '{ "order": orderId }' },
      payload: { orderId: 'A1', secret: 'not logged' },
      messageId: 'm-1',
    });
    expect(emissions).toEqual([]);
    expect(logs).toEqual([
      { level: 'warn', msg: 'log node', fields: { flowId: 'harness-flow', nodeId: 'node-1', runId: 'm-1', messageId: 'm-1', value: { order: 'A1' } } },
    ]);
  });

  it('does log the whole payload at info by default, and null for nothing', async () => {
    const first = await runNode(runtime, { payload: [1, 2] });
    expect(first.logs.map((l) => [l.level, l.fields?.value])).toEqual([['info', [1, 2]]]);
    const second = await runNode(runtime, { config: { value: 'missing' }, payload: {} });
    expect(second.logs.map((l) => l.fields?.value)).toEqual([null]);
  });
});

describe('when the value is large or holds a credential', () => {
  it('does log the bounded, redacted preview the traces use, and say it was cut', async () => {
    const { logs } = await runNode(runtime, {
      credentials: { api: { type: 'http-bearer', token: 'sk-live-0123456789' } },
      payload: { big: 'x'.repeat(1_000_000), items: Array.from({ length: 10_000 }, (_, i) => i), echo: 'Bearer sk-live-0123456789' },
    });
    const [line] = logs;
    const value = line!.fields!.value as { big: string; items: unknown[]; echo: string };
    expect(line!.fields!.truncated).toBe(true);
    expect(value.big.length).toBeLessThan(1_000);
    expect(value.items.length).toBeLessThan(100);
    expect(value.echo).toBe('Bearer [redacted]');
    expect(JSON.stringify(line).length).toBeLessThan(10_000);
  });
});

describe('when the value fails to evaluate', () => {
  it('does fail permanently', async () => {
    await expect(runNode(runtime, { config: { value: '$substring(1)' }, payload: {} })).rejects.toBeInstanceOf(PermanentError);
  });
});
