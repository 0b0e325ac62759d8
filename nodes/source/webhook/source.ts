/**
 * webhook's source: an intake (nodes/source-contract.ts). A request under `/hooks/<flowId>/…` is
 * routed to the node with its path and method, authenticated the way the node says, and its
 * payload parsed; the request's attributes are kept without its secrets, and the message is
 * emitted — answered once durably enqueued. The node's idempotency header is the emission's key.
 */
import { isSecretKey } from '../../../flows/preview';
import { IntakeError } from '../../errors';
import type { IntakeSource } from '../../source-contract';
import { authenticate, header, payloadOf, routeHook } from './webhook-intake';
import type { WebhookConfig } from './spec';

/** Headers that carry secrets whatever the node's config says. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

const MAX_KEY_LENGTH = 256;

export const source: IntakeSource<WebhookConfig> = {
  type: 'webhook',
  kind: 'intake',
  async accept(ctx, request) {
    const route = routeHook(ctx.nodes, request.method, request.segments);
    if (!route) return undefined;
    const { node, params } = route;
    const config = node.config;
    const secretHeaders = await authenticate(config, request, ctx.credentials);
    const payload = payloadOf(request);
    const hidden = new Set([...SECRET_HEADERS, ...secretHeaders.map((h) => h.toLowerCase())]);
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !hidden.has(name) && !isSecretKey(name)));
    const attrs = { method: request.method, path: `/${request.segments.join('/')}`, params, query: request.query, headers };
    const key = header(request.headers, config.idempotencyHeader);
    if (key !== undefined && key.length > MAX_KEY_LENGTH) throw new IntakeError(400, 'Bad request', `the ${config.idempotencyHeader} header is longer than ${MAX_KEY_LENGTH} characters`);
    const result = await ctx.emit(node.id, { payload, attrs, ...(key && { key }) });
    return config.respond === 'reply-node' ? { ...result, replyWithinMs: config.replyTimeoutMs } : result;
  },
};
