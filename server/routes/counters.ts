/**
 * `GET /api/flows/:id/counters`: per-node counts of the deployed revision's nodes, in the shape
 * of the live relay's batch counters (flows/live-events.ts), so the editor seeds its canvas with
 * them and adds the batches that follow — a reload doesn't start from zero.
 *
 * They come from the engine's Prometheus counts (engine/stores/metrics.ts), which are kept per
 * flow and node, not per revision: a node that kept its id across revisions keeps its counts.
 * Those count finished attempts, so `started` is completed + failed (an attempt still running
 * shows once it ends).
 */
import type { NodeCounters } from '../../flows/live-events';
import { MetricsStore } from '../../engine/stores/metrics';
import type { ServerContext } from '../context';
import { notFound } from '../http/problem';
import { FlowCountersSchema } from '../../contracts/api';
import { defineRoutes, problem } from '../http/route';
import { flowKnown, flowParam } from './lookups';

export const counterRoutes = (ctx: ServerContext) => {
  const metrics = new MetricsStore(ctx.engine.redis, ctx.engine.keys);
  return defineRoutes([
    {
      method: 'get',
      path: '/api/flows/:id/counters',
      tag: 'runs',
      summary: "Per-node counts of the deployed revision's nodes (what the editor's live canvas starts from)",
      auth: 'token',
      params: { id: 'flow id' },
      responses: { 200: { description: 'the counts', schema: FlowCountersSchema }, 404: problem('no such flow') },
      handler: async (req, res) => {
        const flowId = flowParam(req);
        const revision = (await ctx.engine.deployed()).get(flowId);
        if (revision === undefined) {
          if (!(await flowKnown(ctx, flowId))) throw notFound(`no flow "${flowId}"`);
          res.json({ flowId, counters: {} });
          return;
        }
        const [plan, read] = await Promise.all([ctx.engine.currentPlan(flowId).catch(() => undefined), metrics.read([flowId])]);
        const byNode = read.get(flowId)?.nodes ?? new Map();
        // A Map first: node ids such as `__proto__` must not meet Object.prototype.
        const counters = new Map<string, NodeCounters>();
        for (const nodeId of plan ? Object.keys(plan.nodes) : byNode.keys()) {
          const m = byNode.get(nodeId);
          counters.set(nodeId, {
            started: (m?.processed ?? 0) + (m?.failed ?? 0),
            completed: m?.processed ?? 0,
            failed: m?.failed ?? 0,
            retried: m?.retried ?? 0,
            deadLettered: m?.deadLettered ?? 0,
            skipped: m?.skipped ?? 0,
          });
        }
        res.json({ flowId, revision, counters: Object.fromEntries(counters) });
      },
    },
  ]);
};
