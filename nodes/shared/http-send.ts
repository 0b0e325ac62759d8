/**
 * Sends a request through `ctx.http` and classifies what comes back, the same way for every node
 * that speaks HTTP (http-request, saga steps):
 * - 2xx → success;
 * - 408, 429, 5xx → TransientError, `retryAfterMs` from `Retry-After` (seconds or HTTP date);
 * - any other status (3xx left after redirects, 4xx) → PermanentError, code `HTTP_<status>`,
 *   with a short excerpt of the body;
 * - client errors: transient ones (timeout, connection) → TransientError, others (refused
 *   address, bad URL, TLS, too large…) → PermanentError with the client's code;
 * - the delivery's signal aborted (node timeout, worker shutdown) → TransientError: the message
 *   is not at fault.
 * The credential's secrets (`secrets`) never reach an error or a body handed back: a receiver may
 * echo what it was sent (`invalid key: …`), and errors end up in traces and dead letters.
 */
import { redactText } from '../../flows/preview';
import { PermanentError, TransientError, isTransientStatus } from '../errors';
import type { HttpClient, HttpRequestInit, HttpResult } from '../runtime-http';
import { HttpClientError } from '../runtime/http';
import { parseRetryAfter } from './retry-after';

/** Characters of a failed response's body quoted in the error. */
export const BODY_EXCERPT_CHARS = 200;

export const isSuccess = (response: HttpResult): boolean => response.status >= 200 && response.status < 300;

/**
 * Sends `request`. `delivery` is the execution's signal; `timeoutMs`, when given, bounds this one
 * request (a saga step's attempt) and counts as a transient timeout, unlike `delivery` aborting.
 */
export async function sendHttp(http: HttpClient, request: HttpRequestInit, delivery: AbortSignal, timeoutMs?: number): Promise<HttpResult> {
  const deadline = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  try {
    return await http.request(request, deadline ? AbortSignal.any([delivery, deadline]) : delivery);
  } catch (error) {
    if (delivery.aborted) {
      throw new TransientError(`${request.method} ${redactUrl(request.url)}: interrupted before an answer`, { cause: error });
    }
    if (deadline?.aborted) {
      throw new TransientError(`${request.method} ${redactUrl(request.url)}: no complete answer within ${timeoutMs} ms`, { cause: error });
    }
    if (!(error instanceof HttpClientError)) throw error;
    if (error.transient) throw new TransientError(error.message, { cause: error });
    throw new PermanentError(error.message, { cause: error, code: error.code });
  }
}

/** The error a non-2xx answer means: transient for 408, 429 and 5xx, permanent otherwise. */
export function responseFailure(request: HttpRequestInit, response: HttpResult, secrets: readonly string[]): TransientError | PermanentError {
  const failure = redactText(`${request.method} ${redactUrl(response.url)} answered ${response.status}${excerpt(response, secrets)}`, secrets);
  if (isTransientStatus(response.status)) {
    return new TransientError(failure, { retryAfterMs: parseRetryAfter(response.headers['retry-after']) });
  }
  return new PermanentError(failure, { code: `HTTP_${response.status}` });
}

/**
 * The response body for traces and results: JSON when it parses, else text (previews bound its
 * size), with the credential redacted here too — the tracer's own list of secrets may lag a new one.
 */
export function responseBody(response: HttpResult, secrets: readonly string[]): unknown {
  const text = redactText(response.text(), secrets);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Origin and path: query strings often carry keys. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The start of the body, with `secrets` redacted before it is cut (a cut secret would leak its start). */
function excerpt(response: HttpResult, secrets: readonly string[]): string {
  let text: string;
  try {
    text = redactText(response.text(), secrets);
  } catch {
    return '';
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '';
  return `: ${flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat}`;
}
