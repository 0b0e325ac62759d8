/**
 * http-request — one request per message through `ctx.http` (the outbound guard) with `ctx.signal`.
 * A 2xx answer completes the message and emits nothing (a sink). Classification:
 * - 408, 429, 5xx → TransientError, `retryAfterMs` from `Retry-After` (seconds or HTTP date);
 * - any other status (3xx left after redirects, 4xx) → PermanentError, code `HTTP_<status>`,
 *   with a short excerpt of the body;
 * - client errors: transient ones (timeout, connection) → TransientError, others (refused
 *   address, bad URL, TLS, too large…) → PermanentError with the client's code;
 * - `ctx.signal` aborted (node timeout, worker shutdown) → TransientError: the message is not at fault.
 * The credential's secret never reaches a log, an error or a trace.
 */
import { PermanentError, TransientError, isTransientStatus } from '../../errors';
import type { NodeRuntime, NodeContext } from '../../runtime';
import type { HttpRequestInit, HttpResult } from '../../runtime-http';
import { HttpClientError } from '../../runtime/http';
import { compileField } from '../../shared/expressions';
import { parseRetryAfter } from '../../shared/retry-after';
import { redactText } from '../../../flows/preview';
import { buildRequest } from './request';
import type { HttpRequestConfig } from './spec';

/** Characters of a failed response's body quoted in the error. */
export const BODY_EXCERPT_CHARS = 200;

export const runtime: NodeRuntime<HttpRequestConfig> = {
  type: 'http-request',
  prepare(ctx) {
    const { url, headers, query, body } = ctx.config;
    compileField(ctx, 'url', url);
    for (const [name, source] of Object.entries(headers)) compileField(ctx, `headers.${name}`, source);
    for (const [name, source] of Object.entries(query ?? {})) compileField(ctx, `query.${name}`, source);
    compileField(ctx, 'body', body);
  },
  async run(ctx, message) {
    const { request, secrets } = await buildRequest(ctx, message);
    const response = await send(ctx, request);
    const where = `${request.method} ${redact(response.url)}`;
    if (response.status >= 200 && response.status < 300) {
      ctx.log.debug('http-request answered', { status: response.status, url: redact(response.url) });
      ctx.note({ status: response.status, body: responseBody(response, secrets) });
      return [];
    }
    // A receiver may echo what it was sent (`invalid key: …`): the credential never leaves in the
    // error, which ends up in traces and dead letters.
    const failure = redactText(`${where} answered ${response.status}${excerpt(response, secrets)}`, secrets);
    if (isTransientStatus(response.status)) {
      throw new TransientError(failure, { retryAfterMs: parseRetryAfter(response.headers['retry-after']) });
    }
    throw new PermanentError(failure, { code: `HTTP_${response.status}` });
  },
};

async function send(ctx: NodeContext<HttpRequestConfig>, request: HttpRequestInit): Promise<HttpResult> {
  try {
    return await ctx.http.request(request, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) {
      throw new TransientError(`${request.method} ${redact(request.url)}: interrupted before an answer`, { cause: error });
    }
    if (!(error instanceof HttpClientError)) throw error;
    if (error.transient) throw new TransientError(error.message, { cause: error });
    throw new PermanentError(error.message, { cause: error, code: error.code });
  }
}

/** Origin and path: query strings often carry keys. */
function redact(url: string): string {
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

/**
 * The response body for the trace: JSON when it parses, else text (the preview bounds its size),
 * with the credential redacted here too — the tracer's own list of secrets may lag a new one.
 */
function responseBody(response: HttpResult, secrets: readonly string[]): unknown {
  const text = redactText(response.text(), secrets);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
