import { describe, expect, it } from 'vitest';
import { checkExpression, compileExpression } from './expression';
import { variableRefs } from './variables';

describe('when an expression reads a flow variable with $env', () => {
  it('gets the value the lookup gives at evaluation time, and nothing without one', async () => {
    const expr = compileExpression("$env('CRM_URL') & '/customers'");
    const values = new Map([['CRM_URL', 'http://a']]);
    const env = (name: string) => Promise.resolve(values.get(name));
    expect(await expr.evaluate({}, {}, { env })).toBe('http://a/customers');
    values.set('CRM_URL', 'http://b');
    expect(await expr.evaluate({}, {}, { env })).toBe('http://b/customers');
    expect(await compileExpression("$env('CRM_URL')").evaluate({})).toBeUndefined();
    expect(checkExpression("$env('X')")).toBeNull();
  });

  it('keeps the memory guard: a variable padded past the string bound fails', async () => {
    const expr = compileExpression("$pad($env('X'), 10000000)");
    await expect(expr.evaluate({}, {}, { env: () => 'x' })).rejects.toMatchObject({ code: 'MEMORY_LIMIT' });
  });
});

describe('when a document is searched for the variables it needs', () => {
  it('finds each literal $env name once, in any nested string', () => {
    const config = { url: "$env('CRM_URL') & '/x'", steps: [{ action: { url: '$env("PAYMENT_URL")' } }, { body: "$env( 'CRM_URL' )" }], other: 'env(NOPE)' };
    expect(variableRefs(config)).toEqual(['CRM_URL', 'PAYMENT_URL']);
  });
});
