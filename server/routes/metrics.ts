/** Prometheus metrics (see server/metrics.ts for what they are and where they come from). */
import type { ServerContext } from '../context';
import { defineRoutes } from '../http/route';
import { ServerMetrics } from '../metrics';

export const metricsRoutes = (ctx: ServerContext) => {
  const metrics = new ServerMetrics(ctx.engine);
  return defineRoutes([
    {
      method: 'get',
      path: '/metrics',
      tag: 'system',
      summary: 'Prometheus metrics: per node processed, failed, retried, dead-lettered, skipped and durations; runs and backlog per deployed flow — the same totals from every server process',
      auth: 'token',
      responses: { 200: { description: 'the Prometheus text exposition format (text/plain; version=0.0.4)' } },
      handler: async (_req, res) => {
        const text = await metrics.scrape();
        res.type(metrics.contentType).send(text);
      },
    },
  ]);
};
