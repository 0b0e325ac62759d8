/**
 * Builds the outgoing request of an http-request node from its config and one message — the
 * node's config is one call (see nodes/shared/http-call.ts), keyed by the execution's
 * idempotency key.
 */
import type { Message, NodeContext } from '../../runtime';
import type { HttpRequestInit } from '../../runtime-http';
import { buildHttpRequest } from '../../shared/http-call';
import type { HttpRequestConfig } from './spec';


/**
 * The request, and the strings of its credential that must never be quoted back (see
 * `credentialAuth`): none when the node names no credential.
 */
export function buildRequest(ctx: NodeContext<HttpRequestConfig>, message: Message): Promise<{ request: HttpRequestInit; secrets: string[] }> {
  return buildHttpRequest(ctx, message, ctx.config, { idempotencyKey: ctx.idempotencyKey });
}
