/**
 * Retry delays: fixed or exponential from `delayMs`, capped at `maxDelayMs`, with a fraction
 * `jitter` of each delay randomised so that many failing messages don't retry in lockstep.
 */
import type { Backoff } from '../flows/schema';

export function retryDelay(backoff: Required<Backoff>, failedAttempt: number, random: () => number = Math.random): number {
  const base = backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** Math.max(0, failedAttempt - 1);
  const capped = backoff.maxDelayMs > 0 ? Math.min(base, backoff.maxDelayMs) : base;
  const spread = capped * backoff.jitter;
  return Math.max(0, Math.round(capped - spread + random() * spread));
}

/** Name of the BullMQ backoff strategy the engine registers on its workers. */
export const BACKOFF_TYPE = 'tributary';

/** Errors thrown to ask BullMQ for a retry carry the delay the engine already chose and traced. */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
  constructor(message: string, readonly delayMs: number) {
    super(message);
  }
}

/** BullMQ's `settings.backoffStrategy`: use the delay the processor chose. */
export const backoffStrategy = (_attemptsMade: number, _type?: string, error?: Error): number =>
  error instanceof RetryLater ? error.delayMs : 1_000;
