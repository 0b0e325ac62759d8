import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../flows/expression';
import { truthy } from './truthy';

const jsonataBoolean = compileExpression('$boolean($v)');

describe('when a condition yields a JSON value', () => {
  it('does read it exactly as JSONata $boolean() does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        expect(truthy(value)).toBe(await jsonataBoolean.evaluate({}, { v: value }));
      }),
      { numRuns: 300 },
    );
  });

  it('does read nothing at all as false', () => {
    expect(truthy(undefined)).toBe(false);
  });
});
