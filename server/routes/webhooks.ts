/**
 * Webhooks: `/hooks/<flowId><path>` reaches the deployed flow's webhook node with that path and
 * method. No API token — each webhook authenticates its callers itself (shared secret or HMAC).
 */
import type { ServerContext } from '../context';
import { RunStartedSchema } from '../../contracts/api';
import { defineRoutes, problem } from '../http/route';
import { WebhookIntake } from '../webhook-intake';

export const webhookRoutes = (ctx: ServerContext) => {
  const intake = new WebhookIntake(ctx.engine);
  return defineRoutes([
    {
      method: 'all',
      path: '/hooks/:flowId/*path',
      tag: 'webhooks',
      summary:
        "A webhook node's endpoint: the body (the query for GET) starts a run. Send the node's idempotency header (default Idempotency-Key) to make retries safe.",
      auth: 'webhook',
      params: { flowId: 'flow id', path: "the webhook node's path, `:name` segments captured into params" },
      responses: {
        200: { description: 'this idempotency key was accepted before: the original run', schema: RunStartedSchema },
        202: { description: 'durably enqueued: nothing acknowledged is lost', schema: RunStartedSchema },
        400: problem('a JSON body that does not parse'),
        401: problem('missing or wrong shared secret or signature'),
        404: problem('no deployed webhook at this path'),
        405: problem('the path takes other methods; see Allow'),
        413: problem('the body is over the size limit'),
        503: problem('the flow is over its backlog limit; see Retry-After'),
      },
      handler: async (req, res) => {
        const segments = [...((req.params as unknown as { path?: string[] }).path ?? [])];
        if (segments.length > 1 && segments.at(-1) === '') segments.pop(); // `/orders/` is `/orders`
        const result = await intake.accept(String(req.params.flowId), {
          method: req.method,
          segments,
          headers: req.headers,
          query: req.query as Record<string, unknown>,
          body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        });
        if (result.duplicate) res.status(200).json({ runId: result.runId, duplicate: true });
        else res.status(202).json({ runId: result.runId });
      },
    },
  ]);
};
