/** The whole route table, in matching order. */
import type { ServerContext } from '../context';
import type { Route } from '../http/route';
import { counterRoutes } from './counters';
import { credentialRoutes } from './credentials';
import { deadLetterRoutes } from './dead-letters';
import { deploymentRoutes } from './deployments';
import { flowRoutes } from './flows';
import { metricsRoutes } from './metrics';
import { runRoutes } from './runs';
import { systemRoutes } from './system';
import { variableRoutes } from './variables';
import { webhookRoutes } from './webhooks';

export function allRoutes(ctx: ServerContext): Route[] {
  const routes: Route[] = [];
  routes.push(...systemRoutes(ctx, () => routes), ...flowRoutes(ctx));
  routes.push(...runRoutes(ctx));
  routes.push(...counterRoutes(ctx));
  routes.push(...deadLetterRoutes(ctx));
  routes.push(...credentialRoutes(ctx));
  routes.push(...variableRoutes(ctx));
  routes.push(...deploymentRoutes(ctx));
  routes.push(...metricsRoutes(ctx));
  routes.push(...webhookRoutes(ctx));
  return routes;
}
