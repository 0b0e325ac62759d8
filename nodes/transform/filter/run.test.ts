import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../errors';
import { runNode } from '../../testing/harness';
import { runtime } from './run';

describe('when the condition holds', () => {
  it('does emit the unchanged payload on out', async () => {
    const payload = { total: 150, status: 'paid' };
    const { emissions } = await runNode(runtime, { config: { expression: 'total > 100 and status = "paid"' }, payload });
    expect(emissions).toEqual([{ port: 'out', payload }]);
  });
});

describe('when the condition does not hold', () => {
  it('does emit nothing by default', async () => {
    const { emissions } = await runNode(runtime, { config: { expression: 'total > 100' }, payload: { total: 5 } });
    expect(emissions).toEqual([]);
  });

  it('does emit on rejected when emitRejected is on', async () => {
    const { emissions } = await runNode(runtime, { config: { expression: 'total > 100', emitRejected: true }, payload: { total: 5 } });
    expect(emissions).toEqual([{ port: 'rejected', payload: { total: 5 } }]);
  });
});

describe('when the condition yields a value that is not a boolean', () => {
  it.each([
    ['"text"', true],
    ['""', false],
    ['0', false],
    ['7', true],
    ['null', false],
    ['missing', false],
    ['[]', false],
    ['[0, ""]', false],
    ['[0, 1]', true],
    ['{}', false],
    ['{ "a": 1 }', true],
    ['function($x) { $x }', false],
  ])('does read %s as $boolean() does (%s)', async (expression, passes) => {
    const { emissions } = await runNode(runtime, { config: { expression }, payload: {} });
    expect(emissions.map((e) => e.port)).toEqual(passes ? ['out'] : []);
  });
});

describe('when the condition fails to evaluate', () => {
  it('does fail permanently', async () => {
    await expect(runNode(runtime, { config: { expression: '$substring(1)' }, payload: {} })).rejects.toBeInstanceOf(PermanentError);
  });
});
