/**
 * Graph checks on a flow whose nodes are known: edges must join existing ports, sources take no
 * input, sinks give no output, no edge twice, no cycles. Written defensively: it runs on
 * documents whose shape may be partly wrong, skipping what it can't read.
 */
import type { Category } from './policy';
import { pointer } from './pointer';
import type { ResolvedPorts } from './ports';
import type { Problem } from './problems';

/** What the graph checks know of a node: where it is, its category, and its resolved ports. */
export interface GraphNode {
  index: number;
  id: string;
  category: Category;
  ports: ResolvedPorts;
}

export interface GraphEdge {
  index: number;
  id: string;
  from: { node: string; port: string };
  to: { node: string; port: string };
}

function checkEndpoint(
  edge: GraphEdge,
  side: 'from' | 'to',
  nodes: ReadonlyMap<string, GraphNode>,
  report: (p: Problem) => void,
): boolean {
  const end = edge[side];
  const node = nodes.get(end.node);
  const at = (...more: string[]) => pointer('edges', edge.index, side, ...more);
  if (!node) {
    report({ pointer: at('node'), code: 'missing-node', edgeId: edge.id, message: `edge "${edge.id}" ${side === 'from' ? 'leaves' : 'enters'} node "${end.node}", which does not exist` });
    return false;
  }
  if (side === 'to' && node.category === 'source') {
    report({ pointer: at('node'), code: 'source-input', edgeId: edge.id, nodeId: node.id, message: `"${node.id}" is a source; sources take no input` });
    return false;
  }
  // A sink's only possible output is the `error` port, when its policy routes errors.
  if (side === 'from' && node.category === 'sink' && !node.ports.outputs.some((p) => p.name === end.port)) {
    report({ pointer: at('node'), code: 'sink-output', edgeId: edge.id, nodeId: node.id, message: `"${node.id}" is a sink; sinks have no outputs but "error" when onError is "error"` });
    return false;
  }
  const ports = side === 'from' ? node.ports.outputs : node.ports.inputs;
  if (!ports.some((p) => p.name === end.port)) {
    const names = ports.map((p) => p.name).join(', ') || 'none';
    report({ pointer: at('port'), code: 'unknown-port', edgeId: edge.id, nodeId: node.id, message: `node "${node.id}" has no ${side === 'from' ? 'output' : 'input'} port "${end.port}" (it has: ${names})` });
    return false;
  }
  return true;
}

/** Strongly connected components with more than one node, or with a self-loop (iterative Tarjan). */
function cycles(nodeIds: string[], out: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  for (const root of nodeIds) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = out.get(frame.node) ?? [];
      if (frame.i < targets.length) {
        const t = targets[frame.i++]!;
        if (!index.has(t)) {
          index.set(t, next);
          low.set(t, next++);
          stack.push(t);
          onStack.add(t);
          work.push({ node: t, i: 0 });
        } else if (onStack.has(t)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && (out.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfLoop) found.push(component.reverse());
      }
    }
  }
  return found;
}

const edgeKey = (edge: GraphEdge) => JSON.stringify([edge.from.node, edge.from.port, edge.to.node, edge.to.port]);

/** True when following `out` from `start` reaches `goal`. */
function reaches(out: ReadonlyMap<string, string[]>, start: string, goal: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return false;
}

/**
 * The problems `candidate` would bring if it were added to `edges` — the same rules as
 * {@link checkGraph}, asked before the edge exists (the editor refuses a wire with them).
 */
export function checkNewEdge(nodes: ReadonlyMap<string, GraphNode>, edges: readonly GraphEdge[], candidate: GraphEdge): Problem[] {
  const problems: Problem[] = [];
  const report = (p: Problem) => problems.push(p);
  const okFrom = checkEndpoint(candidate, 'from', nodes, report);
  const okTo = checkEndpoint(candidate, 'to', nodes, report);
  const key = edgeKey(candidate);
  const twin = edges.find((e) => edgeKey(e) === key);
  if (twin) report({ pointer: pointer('edges', candidate.index), code: 'duplicate-edge', edgeId: candidate.id, message: `edge "${candidate.id}" repeats edge "${twin.id}"` });
  if (!okFrom || !okTo || twin) return problems;
  const out = new Map<string, string[]>();
  for (const e of edges) if (nodes.has(e.from.node) && nodes.has(e.to.node)) out.set(e.from.node, [...(out.get(e.from.node) ?? []), e.to.node]);
  if (reaches(out, candidate.to.node, candidate.from.node)) {
    const self = candidate.from.node === candidate.to.node;
    report({
      pointer: pointer('edges', candidate.index),
      code: 'cycle',
      edgeId: candidate.id,
      message: `${self ? `node "${candidate.from.node}" would feed itself` : `edge "${candidate.id}" would close a cycle`}; flows must be acyclic (a node's retry policy replaces a loop)`,
    });
  }
  return problems;
}

/** Reports every graph problem of the flow. */
export function checkGraph(nodes: ReadonlyMap<string, GraphNode>, edges: GraphEdge[], report: (p: Problem) => void): void {
  const seenEdges = new Map<string, string>();
  const out = new Map<string, string[]>();
  const firstEdgeBetween = new Map<string, GraphEdge>();
  for (const edge of edges) {
    const okFrom = checkEndpoint(edge, 'from', nodes, report);
    const okTo = checkEndpoint(edge, 'to', nodes, report);
    const key = edgeKey(edge);
    const twin = seenEdges.get(key);
    if (twin !== undefined) {
      report({ pointer: pointer('edges', edge.index), code: 'duplicate-edge', edgeId: edge.id, message: `edge "${edge.id}" repeats edge "${twin}"` });
      continue;
    }
    seenEdges.set(key, edge.id);
    if (!okFrom || !okTo) continue;
    out.set(edge.from.node, [...(out.get(edge.from.node) ?? []), edge.to.node]);
    const pair = `${edge.from.node}\u0000${edge.to.node}`;
    if (!firstEdgeBetween.has(pair)) firstEdgeBetween.set(pair, edge);
  }
  for (const component of cycles([...nodes.keys()], out)) {
    const members = new Set(component);
    // Point at an edge that closes the cycle, so the editor can mark it.
    const closing = edges.find((e) => members.has(e.from.node) && members.has(e.to.node) && firstEdgeBetween.get(`${e.from.node}\u0000${e.to.node}`) === e);
    const names = component.map((id) => `"${id}"`).join(', ');
    report({
      pointer: closing ? pointer('edges', closing.index) : '',
      code: 'cycle',
      ...(closing && { edgeId: closing.id }),
      message: `${component.length === 1 ? `node ${names} feeds itself` : `nodes ${names} form a cycle`}; flows must be acyclic (a node's retry policy replaces a loop)`,
    });
  }
}
