/**
 * Requests for a deployed flow's intake sources (nodes/source-contract.ts: webhook): the request
 * is offered to each intake type of the flow in turn, with that type's enabled nodes, until one
 * takes it; what it emits goes through `ingest` (back-pressure, idempotency markers) and the
 * request is answered once the message is durably enqueued.
 */
import type { Credentials } from '../nodes/runtime';
import type { IntakeRequest, IntakeResult, IntakeSource, SourceNode } from '../nodes/source-contract';
import { ingest, UnknownSourceError, type IngestDeps } from './ingest';
import { nodeLogger, type Pino } from './logger';
import type { Plan } from './plan';
import { sourceNodes } from './source-nodes';

/** No intake of the flow takes the request's path. */
export class NoIntakeError extends UnknownSourceError {}

export interface IntakeDeps extends IngestDeps {
  credentials: Credentials;
  log: Pino;
}

export async function offerIntake(deps: IntakeDeps, plan: Plan, request: IntakeRequest): Promise<IntakeResult> {
  const byType = new Map<IntakeSource<any>, Array<SourceNode<unknown>>>();
  for (const { node, source } of sourceNodes(plan, deps.sources, 'intake')) {
    const nodes = byType.get(source) ?? [];
    nodes.push({ id: node.id, index: node.index, config: node.config });
    byType.set(source, nodes);
  }
  for (const [source, nodes] of byType) {
    const ids = new Set(nodes.map((n) => n.id));
    const result = await source.accept(
      {
        flowId: plan.flowId,
        revision: plan.revision,
        nodes,
        credentials: deps.credentials,
        log: nodeLogger(deps.log, { flowId: plan.flowId, sourceType: source.type }),
        emit: async (nodeId, emission) => {
          if (!ids.has(nodeId)) throw new UnknownSourceError(`flow "${plan.flowId}" has no ${source.type} node "${nodeId}"`);
          return ingest(deps, plan, {
            nodeId,
            payload: emission.payload,
            ...(emission.attrs && { attrs: emission.attrs }),
            ...(emission.key !== undefined && { idempotencyKey: emission.key }),
            kind: 'intake',
          });
        },
      },
      request,
    );
    if (result) return result;
  }
  throw new NoIntakeError(`flow "${plan.flowId}" takes no ${request.method} request at /${request.segments.join('/')}`);
}
