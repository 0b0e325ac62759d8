/**
 * webhook (ingest side) — its intake (source.ts) authenticates the request, and the engine durably
 * enqueues a source message whose payload is the body (the query for GET) and whose `meta.attrs` hold
 * `{ method, path, params, query, headers }` with secret headers already stripped. The runtime
 * passes both on, so the request's attributes reach every node downstream.
 */
import type { NodeRuntime } from '../../runtime';
import type { WebhookConfig } from './spec';

export const runtime: NodeRuntime<WebhookConfig> = {
  type: 'webhook',
  run: async (_ctx, message) => {
    const { attrs } = message.meta;
    return [{ port: 'out', payload: message.payload, ...(attrs !== undefined && { attrs }) }];
  },
};
