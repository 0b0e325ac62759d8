import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../errors';
import { runNode } from '../../testing/harness';
import { runtime } from './run';

const rules = [
  { port: 'big', expression: 'total >= 100' },
  { port: 'paid', expression: 'status = "paid"' },
];

describe('when mode is first', () => {
  it('does emit only on the first rule that holds', async () => {
    const payload = { total: 150, status: 'paid' };
    const { emissions } = await runNode(runtime, { config: { rules }, payload });
    expect(emissions).toEqual([{ port: 'big', payload }]);
  });

  it('does not evaluate the rules after the first that holds', async () => {
    const config = { rules: [{ port: 'any', expression: 'true' }, { port: 'broken', expression: '$substring(1)' }] };
    const { emissions } = await runNode(runtime, { config, payload: {} });
    expect(emissions.map((e) => e.port)).toEqual(['any']);
  });
});

describe('when mode is all', () => {
  it('does emit once on every rule that holds, in rule order', async () => {
    const payload = { total: 150, status: 'paid' };
    const { emissions } = await runNode(runtime, { config: { rules, mode: 'all' }, payload });
    expect(emissions).toEqual([
      { port: 'big', payload },
      { port: 'paid', payload },
    ]);
  });
});

describe('when no rule holds', () => {
  it('does emit on otherwise by default', async () => {
    const { emissions } = await runNode(runtime, { config: { rules }, payload: { total: 1 } });
    expect(emissions).toEqual([{ port: 'otherwise', payload: { total: 1 } }]);
  });

  it('does emit nothing when otherwise is off', async () => {
    const { emissions } = await runNode(runtime, { config: { rules, otherwise: false }, payload: { total: 1 } });
    expect(emissions).toEqual([]);
  });
});

describe('when a rule fails to evaluate', () => {
  it('does fail permanently, naming the rule', async () => {
    const config = { rules: [{ port: 'no', expression: 'false' }, { port: 'broken', expression: '$substring(1)' }] };
    const error = await runNode(runtime, { config, payload: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/^rules\[1\]\.expression: /);
  });
});
