/** Path and query readers shared by the engine's routes: flow ids, paging, "is this a flow at all". */
import { Type } from '@sinclair/typebox';
import type { Request } from 'express';
import { SAFE_ID } from '../../flows/limits';
import { MAX_PAGE } from '../../engine/stores/page';
import type { ServerContext } from '../context';
import { param } from '../http/params';
import { notFound } from '../http/problem';

/** `?offset&limit` of a listing, as the route table checks them. */
export const PageQuery = Type.Object({
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'items to skip' }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50, description: `items to return, at most ${MAX_PAGE}` }),
});

/** A flow id from the path; one that can't be a flow id names nothing (404). */
export function flowParam(req: Request, name = 'id'): string {
  const id = param(req, name);
  if (!SAFE_ID.test(id)) throw notFound(`no flow "${id.slice(0, 80)}"`);
  return id;
}

/**
 * Whether this server knows the flow (saved here or deployed), so that a listing for a flow that
 * never existed is a 404 rather than an empty page.
 */
export async function flowKnown(ctx: ServerContext, flowId: string): Promise<boolean> {
  if ((await ctx.engine.deployed()).has(flowId)) return true;
  return ctx.flows.exists(flowId);
}
