/**
 * A deployed flow compiled into what the engine needs per message: for each node its type,
 * defaulted config, effective policy and where each output port leads. A plan is stored per
 * deployment, so messages in flight finish on the revision they started on after a redeploy.
 *
 * A revision number doesn't identify a document: a flow deleted and created again starts at
 * revision 1 again, and two servers with different data directories on one Redis each have
 * their own revision 1. So every plan carries a deployment id, unique for all time — the revision
 * plus a hash of the compiled content — and plans, jobs, runs and dead letters name it. Users
 * keep seeing the revision.
 */
import { createHash } from 'node:crypto';
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
  /** `<revision>.<content hash>`: which plan exactly (see the module doc). */
  deployment: string;
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
  const content = { flowId: flow.id, revision, name: flow.name, nodes, backlogLimit: flow.settings?.backlogLimit ?? DEFAULT_BACKLOG_LIMIT };
  return { ...content, deployment: deploymentId(content), compiledAt: now };
}

/**
 * The deployment id of compiled content: the same content deployed again (a repeated deploy, a
 * process repairing a half-done one) has the same id; any difference gives another.
 */
function deploymentId(content: Omit<Plan, 'deployment' | 'compiledAt'>): string {
  const hash = createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 16);
  return `${content.revision}.${hash}`;
}

/**
 * The deployment a job or record names; one written before deployment ids existed names only
 * its revision, and its plan is stored under that.
 */
export const deploymentOf = (record: { revision: number; deployment?: string }): string => record.deployment ?? String(record.revision);

/** The node `id` of a plan, or undefined — own properties only, whatever the id. */
export const nodeOf = (plan: Plan, id: string): PlanNode | undefined => (Object.hasOwn(plan.nodes, id) ? plan.nodes[id] : undefined);
