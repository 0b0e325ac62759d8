import { describe, expect, it } from 'vitest';
import { CATEGORY_DEFAULT_POLICY, effectivePolicy } from './policy';

describe('when a node policy is resolved', () => {
  it('starts from the category default', () => {
    expect(effectivePolicy('sink')).toEqual(CATEGORY_DEFAULT_POLICY.sink);
    expect(effectivePolicy('transform').circuitBreaker).toBeUndefined();
  });

  it('lets later layers win field by field, merging backoff deeply', () => {
    const policy = effectivePolicy('sink', { timeoutMs: 1_000 }, { retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 50 } }, onError: 'error' });
    expect(policy.timeoutMs).toBe(1_000);
    expect(policy.onError).toBe('error');
    expect(policy.retry).toEqual({ attempts: 2, backoff: { type: 'fixed', delayMs: 50, maxDelayMs: 300_000, jitter: 0.2 } });
  });

  it('turns a sink circuit breaker off, or tunes it', () => {
    expect(effectivePolicy('sink', { circuitBreaker: { enabled: false } }).circuitBreaker).toBeUndefined();
    expect(effectivePolicy('sink', { circuitBreaker: { threshold: 2 } }).circuitBreaker).toEqual({ threshold: 2, resetMs: 30_000, halfOpenProbes: 1 });
  });

  it('never shares objects with the defaults', () => {
    const policy = effectivePolicy('source');
    policy.retry.backoff.delayMs = 1;
    expect(CATEGORY_DEFAULT_POLICY.source.retry.backoff.delayMs).toBe(1_000);
  });
});
