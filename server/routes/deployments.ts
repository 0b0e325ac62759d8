/**
 * Deployment status: every deployed flow's revision, since when, its workers, queue counts and
 * backlog, and the state of its subscription sources' members (with their problems).
 */
import { Type } from '@sinclair/typebox';
import type { Engine } from '../../engine/engine';
import type { ServerContext } from '../context';
import { DeploymentSchema, type Deployment } from '../../contracts/api';
import { defineRoutes } from '../http/route';

/**
 * Worker connections on the flow's queue, counted by Redis (CLIENT LIST), so workers of every
 * process are seen; 0 when the Redis refuses CLIENT LIST (some managed ones do).
 */
const workersOf = (engine: Engine, flowId: string): Promise<number> => engine.queue(flowId).getWorkersCount().catch(() => 0);

async function deploymentOf(engine: Engine, flowId: string, info: { revision: number; since: number }): Promise<Deployment> {
  const queue = engine.queue(flowId);
  const [workers, counts, backlog, plan, sources] = await Promise.all([
    workersOf(engine, flowId),
    queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
    engine.backlog(flowId),
    engine.currentPlan(flowId).catch(() => undefined),
    engine.sourceStatus(flowId),
  ]);
  return {
    flowId,
    revision: info.revision,
    since: info.since,
    workers,
    counts: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, completed: counts.completed ?? 0, failed: counts.failed ?? 0 },
    backlog,
    ...(plan && { backlogLimit: plan.backlogLimit }),
    sources,
  };
}

export const deploymentRoutes = (ctx: ServerContext) =>
  defineRoutes([
    {
      method: 'get',
      path: '/api/deployments',
      tag: 'deployments',
      summary: 'Every deployed flow: revision, since when, workers, job counts, backlog, and its subscription sources',
      auth: 'token',
      responses: { 200: { description: 'deployments, by flow id', schema: Type.Array(DeploymentSchema) } },
      handler: async (_req, res) => {
        const deployed = [...(await ctx.engine.deployments())].sort(([a], [b]) => a.localeCompare(b));
        res.json(await Promise.all(deployed.map(([flowId, info]) => deploymentOf(ctx.engine, flowId, info))));
      },
    },
  ]);
