/**
 * Pure edits of a flow document. Each returns a new document and keeps every untouched node and
 * edge object as it was, so history snapshots share structure and the canvas re-renders only
 * what changed.
 */
import { withDefaults } from '../../../flows/ajv';
import { FLOW_FORMAT, type FlowDocument, type FlowEdge, type FlowNode } from '../../../flows/schema';
import type { NodeTypeSpec } from '../api/types';
import { edgeIdsOf, nextEdgeId, nextNodeId, nodeIdsOf, uniqueName } from './ids';

export interface XY {
  x: number;
  y: number;
}

export interface Endpoint {
  node: string;
  port: string;
}

export const emptyFlow = (id: string, name: string): FlowDocument => ({ format: FLOW_FORMAT, id, name, nodes: [], edges: [] });

const round = (p: XY): XY => ({ x: Math.round(p.x), y: Math.round(p.y) });

/** A new node of `spec`'s type at `position`, its config filled with the schema's defaults. */
export function newNode(doc: FlowDocument, spec: NodeTypeSpec, position: XY): FlowNode {
  return {
    id: nextNodeId(spec.type, nodeIdsOf(doc)),
    type: spec.type,
    name: uniqueName(spec.title, doc.nodes.map((n) => n.name ?? '')),
    position: round(position),
    config: withDefaults(spec.configSchema as object, {}),
  };
}

export const addNodes = (doc: FlowDocument, nodes: FlowNode[], edges: FlowEdge[] = []): FlowDocument => ({
  ...doc,
  nodes: [...doc.nodes, ...nodes],
  edges: [...doc.edges, ...edges],
});

export type NodePatch = Partial<Pick<FlowNode, 'name' | 'config' | 'policy' | 'disabled' | 'notes'>>;

/** Applies `patch` to one node; a member set to `undefined` is removed. */
export function updateNode(doc: FlowDocument, id: string, patch: NodePatch): FlowDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.id !== id) return n;
      const next: Record<string, unknown> = { ...n, ...patch };
      for (const [key, value] of Object.entries(patch)) if (value === undefined) delete next[key];
      return next as FlowNode;
    }),
  };
}

export function updateFlow(doc: FlowDocument, patch: { name?: string; description?: string }): FlowDocument {
  const next: Record<string, unknown> = { ...doc, ...patch };
  if (patch.description === '') delete next.description;
  return next as FlowDocument;
}

/** Moves nodes; positions of nodes not named stay as they are. */
export function moveNodes(doc: FlowDocument, positions: ReadonlyMap<string, XY>): FlowDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p) return n;
    const r = round(p);
    if (n.position && n.position.x === r.x && n.position.y === r.y) return n;
    changed = true;
    return { ...n, position: r };
  });
  return changed ? { ...doc, nodes } : doc;
}

/** Removes nodes (with every edge touching them) and edges. */
export function removeElements(doc: FlowDocument, nodeIds: Iterable<string>, edgeIds: Iterable<string>): FlowDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.from?.node) && !nodes.has(e.to?.node)),
  };
}

export function addEdge(doc: FlowDocument, from: Endpoint, to: Endpoint): { doc: FlowDocument; edge: FlowEdge } {
  const edge: FlowEdge = { id: nextEdgeId(edgeIdsOf(doc)), from: { ...from }, to: { ...to } };
  return { doc: { ...doc, edges: [...doc.edges, edge] }, edge };
}
