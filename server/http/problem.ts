/**
 * Errors grouped by intent, mapped by one middleware to `application/problem+json` (RFC 9457):
 * user errors say what was wrong and where (validation problems listed by JSON pointer);
 * unexpected ones are logged and answered without a stack trace.
 */
import type { ErrorRequestHandler } from 'express';
import { InvalidFlowError } from '../../engine/plan';
import { BackpressureError, NotDeployedError, PayloadTooDeepError, RedisUnavailableError, UnknownSourceError } from '../../engine/ingest';
import { MemoryPressureError } from '../../engine/redis/memory-guard';
import { DeadLetterNotFoundError, ReplayConflictError, ReplayTruncatedError } from '../../engine/dead-letter-service';
import type { Problem } from '../../flows/problems';
import { IntakeError } from '../../nodes/errors';
import type { Pino } from '../../engine/logger';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (detail: string, problems?: Problem[]) => new HttpError(400, 'Bad request', detail, problems ? { problems } : {});
export const notFound = (detail: string) => new HttpError(404, 'Not found', detail);
export const conflict = (detail: string, extra: Record<string, unknown> = {}) => new HttpError(409, 'Conflict', detail, extra);
export const unprocessable = (detail: string, problems: Problem[]) => new HttpError(422, 'Unprocessable flow', detail, { problems });

/** Maps any error to a problem document; known engine errors to their status. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof IntakeError) return new HttpError(error.status, error.title, error.message, {}, error.headers);
  if (error instanceof InvalidFlowError) return unprocessable(`the flow has ${error.problems.length} problem(s)`, error.problems);
  if (error instanceof BackpressureError) {
    return new HttpError(503, 'Busy', error.message, { retryAfterSec: error.retryAfterSec }, { 'Retry-After': String(error.retryAfterSec) });
  }
  if (error instanceof MemoryPressureError) {
    return new HttpError(503, 'Busy', error.message, { retryAfterSec: error.retryAfterSec }, { 'Retry-After': String(error.retryAfterSec) });
  }
  if (error instanceof RedisUnavailableError) {
    return new HttpError(503, 'Unavailable', error.message, { retryAfterSec: error.retryAfterSec }, { 'Retry-After': String(error.retryAfterSec) });
  }
  if (error instanceof NotDeployedError) return conflict(error.message);
  if (error instanceof PayloadTooDeepError) return badRequest(error.message);
  if (error instanceof UnknownSourceError) return notFound(error.message);
  if (error instanceof DeadLetterNotFoundError) return notFound(error.message);
  if (error instanceof ReplayConflictError) return conflict(error.message);
  if (error instanceof ReplayTruncatedError) return new HttpError(422, 'Truncated dead letter', error.message);
  const e = error as { type?: string; status?: number; expose?: boolean; message?: string };
  // body-parser's errors carry a type; their messages are safe to show.
  if (e?.type === 'entity.too.large') return new HttpError(413, 'Payload too large', 'the request body is larger than the limit');
  if (e?.type === 'entity.parse.failed') return badRequest('the request body is not valid JSON');
  if (e?.status && e.status >= 400 && e.status < 500 && e.expose) return new HttpError(e.status, 'Bad request', e.message);
  return new HttpError(500, 'Internal error', 'something went wrong on our side; it has been logged');
}

export function problemMiddleware(log: Pino): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const http = toHttpError(error);
    if (http.status >= 500 && http.status !== 503) log.error({ err: error instanceof Error ? error.message : String(error), method: req.method, path: req.path }, 'request failed');
    res
      .status(http.status)
      .set({ 'Content-Type': 'application/problem+json', ...http.headers })
      .send(JSON.stringify({ type: 'about:blank', title: http.title, status: http.status, detail: http.message, instance: req.originalUrl.split('?')[0], ...http.extra }));
  };
}
