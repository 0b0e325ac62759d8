import { describe, expect, it } from 'vitest';
import { makePreview, REDACTED } from './preview';

describe('when a payload is previewed for a trace', () => {
  it('redacts values under secret-looking keys and known secret values anywhere', () => {
    const preview = makePreview(
      { user: 'ada', password: 'hunter2', headers: { Authorization: 'Bearer abc', 'x-api-key': 'k' }, note: 'token is s3cr3t-value here' },
      { secrets: ['s3cr3t-value'] },
    );
    expect(preview.value).toEqual({
      user: 'ada',
      password: REDACTED,
      headers: { Authorization: REDACTED, 'x-api-key': REDACTED },
      note: `token is ${REDACTED} here`,
    });
    expect(preview.truncated).toBe(true);
    expect(JSON.stringify(preview)).not.toMatch(/hunter2|abc|s3cr3t-value/);
  });

  it('bounds strings, arrays, depth and total size, and says it did', () => {
    const big = { text: 'x'.repeat(10_000), list: Array.from({ length: 1_000 }, (_, i) => i), deep: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } };
    const preview = makePreview(big);
    expect(preview.truncated).toBe(true);
    expect(JSON.stringify(preview.value).length).toBeLessThan(2_600);
    expect((preview.value as { list: unknown[] }).list).toHaveLength(21);
    expect(JSON.stringify(preview.value)).toContain('{…}');
  });

  it('keeps a small payload whole', () => {
    expect(makePreview({ a: [1, 'two', null, true] })).toEqual({ value: { a: [1, 'two', null, true] }, truncated: false });
  });

  it('keeps a __proto__ key as plain data', () => {
    const preview = makePreview(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.getPrototypeOf(preview.value)).toBe(Object.prototype);
    expect(Object.hasOwn(preview.value as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
