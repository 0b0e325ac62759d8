/**
 * Problems located on the canvas: which node and which edge each belongs to. A problem carries
 * its node or edge id when validation knows it; otherwise its pointer (`/nodes/3/…`) says where.
 */
import type { Problem } from '../../../flows/problems';
import type { FlowDocument } from '../../../flows/schema';

export interface ProblemIndex {
  byNode: ReadonlyMap<string, Problem[]>;
  byEdge: ReadonlyMap<string, Problem[]>;
}

const NODE_AT = /^\/nodes\/(\d+)(?:\/|$)/;
const EDGE_AT = /^\/edges\/(\d+)(?:\/|$)/;

export function nodeIdOf(problem: Problem, doc: FlowDocument | null): string | undefined {
  if (problem.nodeId !== undefined) return problem.nodeId;
  const match = NODE_AT.exec(problem.pointer);
  const node = match && doc ? doc.nodes[Number(match[1])] : undefined;
  return typeof node?.id === 'string' ? node.id : undefined;
}

export function edgeIdOf(problem: Problem, doc: FlowDocument | null): string | undefined {
  if (problem.edgeId !== undefined) return problem.edgeId;
  const match = EDGE_AT.exec(problem.pointer);
  const edge = match && doc ? doc.edges[Number(match[1])] : undefined;
  return typeof edge?.id === 'string' ? edge.id : undefined;
}

const push = (map: Map<string, Problem[]>, key: string | undefined, problem: Problem) => {
  if (key === undefined) return;
  const list = map.get(key);
  if (list) list.push(problem);
  else map.set(key, [problem]);
};

export function indexProblems(problems: readonly Problem[], doc: FlowDocument | null): ProblemIndex {
  const byNode = new Map<string, Problem[]>();
  const byEdge = new Map<string, Problem[]>();
  for (const p of problems) {
    push(byNode, nodeIdOf(p, doc), p);
    push(byEdge, edgeIdOf(p, doc), p);
  }
  return { byNode, byEdge };
}

/** The path below a node's config (`/nodes/2/config/a/0` → `['a', '0']`), or null when elsewhere. */
export function configPath(problem: Problem, nodeIndex: number): string[] | null {
  const prefix = `/nodes/${nodeIndex}/config`;
  if (problem.pointer !== prefix && !problem.pointer.startsWith(`${prefix}/`)) return null;
  return problem.pointer
    .slice(prefix.length)
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}
