/**
 * Retry delays: fixed or exponential from `delayMs`, capped at `maxDelayMs`, with a fraction
 * `jitter` of each delay randomised so that many failing messages don't retry in lockstep.
 * Pure, so the engine (between deliveries) and a node retrying inside one (a saga step) compute
 * the same delays from the same policy fields.
 */
import type { Backoff } from './schema';

export function retryDelay(backoff: Required<Backoff>, failedAttempt: number, random: () => number = Math.random): number {
  const base = backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** Math.max(0, failedAttempt - 1);
  const capped = backoff.maxDelayMs > 0 ? Math.min(base, backoff.maxDelayMs) : base;
  const spread = capped * backoff.jitter;
  return Math.max(0, Math.round(capped - spread + random() * spread));
}
