/**
 * A deployed flow compiled into what the engine needs per message: for each node its type,
 * defaulted config, effective policy and where each output port leads. A plan is stored per
 * revision, so messages in flight finish on the revision they started on after a redeploy.
 */
import type { Catalogue } from '../flows/catalogue';
import type { EffectivePolicy, Category } from '../flows/policy';
import type { Problem } from '../flows/problems';
import { resolveNode } from '../flows/resolve-node';
import type { FlowDocument } from '../flows/schema';
import { validateFlow } from '../flows/validate';

export interface Target {
  node: string;
  port: string;
}

export interface PlanNode {
  id: string;
  /** Position in the flow document's `nodes`, for locating problems. */
  index: number;
  type: string;
  category: Category;
  name: string;
  config: Record<string, unknown>;
  policy: EffectivePolicy;
  /** Output port → the inputs it feeds (empty when nothing is wired to it). */
  outputs: Record<string, Target[]>;
  disabled: boolean;
}

export interface Plan {
  flowId: string;
  revision: number;
  name: string;
  compiledAt: number;
  nodes: Record<string, PlanNode>;
  /** Waiting jobs above which sources pause and ingest refuses. */
  backlogLimit: number;
}

export const DEFAULT_BACKLOG_LIMIT = 10_000;

/** A flow that can't be deployed, with every problem located. */
export class InvalidFlowError extends Error {
  override readonly name = 'InvalidFlowError';
  constructor(readonly problems: Problem[]) {
    super(`flow has ${problems.length} problem(s): ${problems.slice(0, 3).map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`);
  }
}

/** Validates and compiles; throws {@link InvalidFlowError} listing every problem. */
export function compilePlan(doc: unknown, revision: number, catalogue: Catalogue, now = Date.now()): Plan {
  const result = validateFlow(doc, catalogue);
  if (!result.valid) throw new InvalidFlowError(result.problems);
  const flow: FlowDocument = result.flow;
  const nodes: Record<string, PlanNode> = Object.create(null);
  for (const [index, node] of flow.nodes.entries()) {
    const spec = catalogue.get(node.type)!;
    const resolved = resolveNode(node, spec);
    nodes[node.id] = {
      id: node.id,
      index,
      type: node.type,
      category: spec.category,
      name: node.name ?? node.id,
      config: resolved.config,
      policy: resolved.policy,
      outputs: Object.fromEntries(resolved.ports.outputs.map((p) => [p.name, [] as Target[]])),
      disabled: node.disabled === true,
    };
  }
  for (const edge of flow.edges) nodes[edge.from.node]!.outputs[edge.from.port]!.push({ node: edge.to.node, port: edge.to.port });
  return {
    flowId: flow.id,
    revision,
    name: flow.name,
    compiledAt: now,
    nodes,
    backlogLimit: flow.settings?.backlogLimit ?? DEFAULT_BACKLOG_LIMIT,
  };
}

/** The node `id` of a plan, or undefined — own properties only, whatever the id. */
export const nodeOf = (plan: Plan, id: string): PlanNode | undefined => (Object.hasOwn(plan.nodes, id) ? plan.nodes[id] : undefined);
