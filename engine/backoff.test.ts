import { describe, expect, it } from 'vitest';
import { retryDelay } from './backoff';

describe('when a retry delay is computed', () => {
  const exp = { type: 'exponential' as const, delayMs: 100, maxDelayMs: 1_000, jitter: 0 };

  it('doubles per attempt and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(exp, a))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps a fixed delay fixed', () => {
    expect(retryDelay({ ...exp, type: 'fixed' }, 5)).toBe(100);
  });

  it('spreads only the jitter fraction of the delay', () => {
    const j = { ...exp, jitter: 0.5 };
    expect(retryDelay(j, 2, () => 0)).toBe(100);
    expect(retryDelay(j, 2, () => 0.999999)).toBe(200);
  });
});
