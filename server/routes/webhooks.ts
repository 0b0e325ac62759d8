/**
 * Webhooks: `/hooks/<flowId><path>` hands the request to the deployed flow's intake sources
 * (nodes/source-contract.ts), which route it to the node with that path and method. No API token
 * — each webhook authenticates its callers itself (shared secret or HMAC).
 */
import { SAFE_ID } from '../../flows/limits';
import { NotDeployedError, UnknownSourceError } from '../../engine/ingest';
import type { ServerContext } from '../context';
import { RunStartedSchema } from '../../contracts/api';
import { notFound } from '../http/problem';
import { defineRoutes, problem } from '../http/route';

export const webhookRoutes = (ctx: ServerContext) => {
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
        200: { description: 'this idempotency key was accepted before: the original run (a request-reply webhook answers its http-reply instead, any status)', schema: RunStartedSchema },
        202: { description: 'durably enqueued: nothing acknowledged is lost (a request-reply webhook: no reply within its timeout)', schema: RunStartedSchema },
        400: problem('a JSON body that does not parse'),
        401: problem('missing or wrong shared secret or signature, or a missing or stale signed timestamp'),
        403: problem('a cross-site browser request (Sec-Fetch-Site) from an untrusted origin to a webhook without auth'),
        404: problem('no deployed webhook at this path'),
        405: problem('the path takes other methods; see Allow'),
        413: problem('the body is over the size limit'),
        503: problem('the flow is over its backlog limit; see Retry-After'),
      },
      handler: async (req, res) => {
        const segments = [...((req.params as unknown as { path?: string[] }).path ?? [])];
        if (segments.length > 1 && segments.at(-1) === '') segments.pop(); // `/orders/` is `/orders`
        const flowId = String(req.params.flowId);
        // Not deployed, or no webhook at the path (undeployed meanwhile too): to the caller, nothing is here.
        const nothingHere = () => notFound(`no webhook at /hooks/${flowId.slice(0, 80)}/${segments.join('/')}`);
        if (!SAFE_ID.test(flowId)) throw nothingHere();
        const received = Date.now();
        const request = { method: req.method, segments, headers: req.headers, query: req.query as Record<string, unknown>, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), crossSite: res.locals.crossSite === true };
        const result = await ctx.engine.intake(flowId, request).catch((error: unknown) => {
          throw error instanceof NotDeployedError || error instanceof UnknownSourceError ? nothingHere() : error;
        });
        if (result.replyWithinMs !== undefined) {
          // The caller may give up first; then stop polling for it.
          const left = new AbortController();
          res.on('close', () => left.abort());
          const reply = await ctx.engine.reply(flowId, result.runId, result.replyWithinMs, { ...(!result.duplicate && { startedAt: received }), signal: left.signal });
          if (reply) res.status(reply.status).set(reply.headers).set('Tributary-Run-Id', result.runId).json(reply.body);
          else res.status(202).json({ runId: result.runId, ...(result.duplicate && { duplicate: true }) });
        } else if (result.duplicate) res.status(200).json({ runId: result.runId, duplicate: true });
        else res.status(202).json({ runId: result.runId });
      },
    },
  ]);
};
