/** Runs: start one at an inject node, list a flow's runs, read one run's full trace. */
import type { Request } from 'express';
import { flowOfRun } from '../../engine/message-id';
import type { ServerContext } from '../context';
import { param } from '../http/params';
import { badRequest, notFound } from '../http/problem';
import { PageOf, RunStartedSchema, RunSummarySchema, RunTraceSchema, TriggerBody } from '../../contracts/api';
import { defineRoutes, problem, route } from '../http/route';
import { flowKnown, flowParam, PageQuery } from './lookups';

/** `<flowId>.<hash>`: what `sourceMessageId` makes; anything else names no run. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.[A-Za-z0-9_-]{1,64}$/;

/** An `Idempotency-Key` header, if one was sent. */
function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined || key === '') return undefined;
  if (key.length > 256) throw badRequest('the Idempotency-Key header is longer than 256 characters');
  return key;
}

export const runRoutes = (ctx: ServerContext) =>
  defineRoutes([
    route({
      method: 'post',
      path: '/api/flows/:id/trigger',
      tag: 'runs',
      summary: 'Start a run at an inject node of the deployed flow; with an Idempotency-Key header, a repeat answers the first run',
      auth: 'token',
      params: { id: 'flow id' },
      body: TriggerBody,
      responses: {
        200: { description: 'the Idempotency-Key was seen before: the original run', schema: RunStartedSchema },
        202: { description: 'the message is durably enqueued; the run is on its way', schema: RunStartedSchema },
        400: problem('not a trigger body'),
        404: problem('no such inject node'),
        409: problem('the flow is not deployed'),
        503: problem('the flow is over its backlog limit; see Retry-After'),
      },
      handler: async (req, res, { body }) => {
        const flowId = flowParam(req);
        const result = await ctx.engine.trigger(flowId, body.node, body.payload, { idempotencyKey: idempotencyKey(req) });
        res.location(`/api/runs/${encodeURIComponent(result.runId)}`);
        if (result.duplicate) res.status(200).json({ runId: result.runId, duplicate: true });
        else res.status(202).json({ runId: result.runId });
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/runs',
      tag: 'runs',
      summary: "A flow's recent runs, newest first",
      auth: 'token',
      params: { id: 'flow id' },
      query: PageQuery,
      responses: { 200: { description: 'a page of runs', schema: PageOf(RunSummarySchema) }, 400: problem('bad paging'), 404: problem('no such flow') },
      handler: async (req, res, { query: page }) => {
        const flowId = flowParam(req);
        const { items, total } = await ctx.engine.runs.listRuns(flowId, page);
        if (total === 0 && !(await flowKnown(ctx, flowId))) throw notFound(`no flow "${flowId}"`);
        res.json({ items, total, ...page });
      },
    }),
    route({
      method: 'get',
      path: '/api/runs/:runId',
      tag: 'runs',
      summary: "A run's summary and its trace events, oldest first (each node's input, output, attempts and timing)",
      auth: 'token',
      params: { runId: 'run id (it names its flow)' },
      responses: { 200: { description: 'the run', schema: RunTraceSchema }, 404: problem('no such run (or it expired)') },
      handler: async (req, res) => {
        const runId = param(req, 'runId');
        const flowId = RUN_ID.test(runId) ? flowOfRun(runId) : undefined;
        const run = flowId === undefined ? undefined : await ctx.engine.runs.getRun(flowId, runId);
        if (!run) throw notFound(`no run "${runId.slice(0, 100)}"`);
        res.json(run);
      },
    }),
  ]);
