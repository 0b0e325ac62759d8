/**
 * Retries between deliveries: the delay comes from flows/backoff.ts (shared with nodes that retry
 * inside a delivery), and BullMQ is told to use the delay the processor chose.
 */
export { retryDelay } from '../flows/backoff';

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
