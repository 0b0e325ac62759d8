/**
 * http-request — one request per message through `ctx.http` (the outbound guard) with `ctx.signal`.
 * A 2xx answer completes the message and emits nothing (a sink). Every other outcome is classified
 * by nodes/shared/http-send.ts:
 * - 408, 429, 5xx → TransientError, `retryAfterMs` from `Retry-After` (seconds or HTTP date);
 * - any other status (3xx left after redirects, 4xx) → PermanentError, code `HTTP_<status>`,
 *   with a short excerpt of the body;
 * - client errors: transient ones (timeout, connection) → TransientError, others (refused
 *   address, bad URL, TLS, too large…) → PermanentError with the client's code;
 * - `ctx.signal` aborted (node timeout, worker shutdown) → TransientError: the message is not at fault.
 * The credential's secret never reaches a log, an error or a trace.
 */
import type { NodeRuntime } from '../../runtime';
import { compileHttpCall } from '../../shared/http-call';
import { isSuccess, redactUrl, responseBody, responseFailure, sendHttp } from '../../shared/http-send';
import { buildRequest } from './request';
import type { HttpRequestConfig } from './spec';


export const runtime: NodeRuntime<HttpRequestConfig> = {
  type: 'http-request',
  prepare(ctx) {
    compileHttpCall(ctx, ctx.config);
  },
  async run(ctx, message) {
    const { request, secrets } = await buildRequest(ctx, message);
    const response = await sendHttp(ctx.http, request, ctx.signal);
    if (!isSuccess(response)) throw responseFailure(request, response, secrets);
    ctx.log.debug('http-request answered', { status: response.status, url: redactUrl(response.url) });
    ctx.note({ status: response.status, body: responseBody(response, secrets) });
    return [];
  },
};
