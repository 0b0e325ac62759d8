/**
 * Whether an output may be wired to an input, and if not, why — said the way a person would
 * want to hear it. The rules are validation's own graph rules (flows/graph.ts), asked before the
 * edge exists so the canvas can refuse it; this module only words their problems for a person.
 */
import type { Catalogue } from '../../../flows/catalogue';
import { checkNewEdge, type GraphEdge, type GraphNode } from '../../../flows/graph';
import type { Problem, ProblemCode } from '../../../flows/problems';
import type { FlowDocument, FlowNode } from '../../../flows/schema';
import type { NodeTypeSpec } from '../api/types';
import type { Endpoint } from './doc-ops';
import { portsOf } from './node-data';

const label = (node: FlowNode | undefined) => `"${node?.name ?? node?.id ?? '?'}"`;
const ACYCLIC = 'Flows must be acyclic (a retry policy replaces a loop).';

interface Wire {
  source: FlowNode | undefined;
  target: FlowNode | undefined;
  from: Endpoint;
  to: Endpoint;
}

/** A person's words for each graph problem a new wire can have. */
const SAY: Partial<Record<ProblemCode, (wire: Wire, problem: Problem) => string>> = {
  'missing-node': () => 'That node is no longer in the flow.',
  'source-input': ({ target }) => `${label(target)} is a source: sources start messages and take no input.`,
  'sink-output': ({ source }) => `${label(source)} is a sink: sinks end a flow and have no outputs (only "error", when its on-error policy routes errors).`,
  'unknown-port': ({ source, target, from, to }, problem) =>
    problem.pointer.includes('/from/') ? `${label(source)} has no output "${from.port}".` : `${label(target)} has no input "${to.port}".`,
  'duplicate-edge': ({ source, target, from, to }) => `${label(source)} "${from.port}" is already wired to ${label(target)} "${to.port}".`,
  cycle: ({ source, target }) =>
    source === target ? `${label(source)} can't feed itself: ${ACYCLIC.toLowerCase()}` : `That would make a cycle: ${label(target)} already leads back to ${label(source)}. ${ACYCLIC}`,
};

/** The flow as the graph rules see it: nodes of known types with their resolved ports, well-formed edges. */
function graphOf(doc: FlowDocument, catalogue: Catalogue): { nodes: Map<string, GraphNode>; edges: GraphEdge[] } {
  const nodes = new Map<string, GraphNode>();
  doc.nodes.forEach((node, index) => {
    const spec = catalogue.get(node.type) as NodeTypeSpec | undefined;
    if (spec && !nodes.has(node.id)) nodes.set(node.id, { index, id: node.id, category: spec.category, ports: portsOf(node, spec) });
  });
  const edges = doc.edges.flatMap((e, index) => (e.from && e.to ? [{ index, id: e.id, from: e.from, to: e.to }] : []));
  return { nodes, edges };
}

/** Why `from` can't be wired to `to`, or null when it can. */
export function connectionRefusal(doc: FlowDocument, catalogue: Catalogue, from: Endpoint, to: Endpoint): string | null {
  const source = doc.nodes.find((n) => n.id === from.node);
  const target = doc.nodes.find((n) => n.id === to.node);
  if (!source || !target) return 'That node is no longer in the flow.';
  // Validation skips the edges of a node whose type it doesn't know; the canvas says why.
  for (const node of [source, target]) if (!catalogue.get(node.type)) return `${label(node)} has an unknown type "${node.type}".`;
  const { nodes, edges } = graphOf(doc, catalogue);
  const [problem] = checkNewEdge(nodes, edges, { index: doc.edges.length, id: '(new)', from, to });
  if (!problem) return null;
  return SAY[problem.code]?.({ source, target, from, to }, problem) ?? problem.message;
}
