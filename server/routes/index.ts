/** The whole route table, in matching order. */
import type { ServerContext } from '../context';
import type { Route } from '../http/route';
import { flowRoutes } from './flows';
import { systemRoutes } from './system';

export function allRoutes(ctx: ServerContext): Route[] {
  const routes: Route[] = [];
  routes.push(...systemRoutes(ctx, () => routes), ...flowRoutes(ctx));
  return routes;
}
