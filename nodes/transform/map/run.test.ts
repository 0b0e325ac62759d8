import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../../flows/expression';
import { PermanentError } from '../../errors';
import { deployNode, runNode } from '../../testing/harness';
import { runtime } from './run';

describe('when the expression reshapes the payload', () => {
  it('does emit its result, with $meta and $attrs bound', async () => {
    const { emissions } = await runNode(runtime, {
      config: { expression: '{ "id": orderId, "total": $sum(lines.(qty * price)), "src": $attrs.source, "flow": $meta.flowId }' },
      payload: { orderId: 'A1', lines: [{ qty: 2, price: 5 }, { qty: 1, price: 3 }] },
      attrs: { source: 'shop' },
    });
    expect(emissions).toEqual([{ port: 'out', payload: { id: 'A1', total: 13, src: 'shop', flow: 'harness-flow' } }]);
  });

  it('does pass the payload through with the default expression', async () => {
    const { emissions } = await runNode(runtime, { payload: [1, 2, 3] });
    expect(emissions).toEqual([{ port: 'out', payload: [1, 2, 3] }]);
  });

  it('does emit null when the expression yields nothing', async () => {
    const { emissions } = await runNode(runtime, { config: { expression: 'missing.field' }, payload: { a: 1 } });
    expect(emissions).toEqual([{ port: 'out', payload: null }]);
  });
});

describe('when the expression fails', () => {
  it('does fail permanently with the JSONata code and the ExpressionError as cause', async () => {
    const error = await runNode(runtime, { config: { expression: '$number("not a number")' }, payload: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'D3030', message: expect.stringMatching(/^expression: /) });
    expect((error as PermanentError).cause).toBeInstanceOf(ExpressionError);
  });

  it('does stop a runaway tail recursion with D1012 and keep working afterwards', async () => {
    const node = await deployNode(runtime, {
      config: { expression: '( $loop := function($n) { $loop($n + 1) }; $loop(0) )' },
      expressionLimits: { timeoutMs: 150 },
    });
    try {
      const error = await node.run({ payload: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentError);
      expect(error).toMatchObject({ code: 'D1012' });
    } finally {
      node.close();
    }
    const { emissions } = await runNode(runtime, { config: { expression: 'a + 1' }, payload: { a: 1 } });
    expect(emissions).toEqual([{ port: 'out', payload: 2 }]);
  });

  it('does fail the deploy when the expression does not compile', async () => {
    const failing = deployNode(runtime, { config: { expression: '{ "a": ' } });
    await expect(failing).rejects.toBeInstanceOf(PermanentError);
    await expect(failing).rejects.toThrow(/^expression: /);
  });
});
