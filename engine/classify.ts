/**
 * Every error a node execution can end in, put into one of the classes the retry policy acts
 * on: transient (retried with backoff: timeouts, connection failures, 429/5xx, an open circuit)
 * or permanent (not retried: bad input, 4xx, expression errors, anything unrecognised — retrying
 * what we don't understand only delays the dead letter).
 */
import { ExpressionError } from '../flows/expression';
import type { TraceError } from '../flows/trace-events';
import { PermanentError, TransientError } from '../nodes/errors';
import { HttpClientError } from '../nodes/runtime/http';
import { RedisUnavailableError } from './redis/fail-fast';

export interface Failure {
  transient: boolean;
  error: TraceError;
  /** The other side asked us to wait at least this long (Retry-After). */
  retryAfterMs?: number;
}

/** Raised by the engine when a node runs past its policy's timeout. */
export class NodeTimeoutError extends Error {
  override readonly name = 'NodeTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 2_000);

export function classify(error: unknown): Failure {
  if (error instanceof NodeTimeoutError) return { transient: true, error: { kind: 'timeout', message: error.message } };
  // Redis coming back is a matter of time (only code answering a caller sees this error, but a
  // job must never dead-letter for it).
  if (error instanceof RedisUnavailableError) return { transient: true, error: { kind: 'transient', message: error.message } };
  if (error instanceof TransientError) {
    return { transient: true, error: { kind: 'transient', message: error.message }, ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) };
  }
  if (error instanceof PermanentError) return { transient: false, error: { kind: 'permanent', message: error.message, ...(error.code && { code: error.code }) } };
  if (error instanceof ExpressionError) return { transient: false, error: { kind: 'permanent', message: error.message, ...(error.code && { code: error.code }) } };
  if (error instanceof HttpClientError) {
    return { transient: error.transient, error: { kind: error.kind === 'timeout' ? 'timeout' : error.transient ? 'transient' : 'permanent', message: error.message, code: error.code } };
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return { transient: true, error: { kind: 'transient', message: messageOf(error), code } };
  return { transient: false, error: { kind: 'permanent', message: messageOf(error), ...(typeof code === 'string' && { code }) } };
}
