/**
 * Copy and paste of nodes: the copied nodes and the edges between them, pasted with fresh ids
 * (into this flow or another), offset so the copy doesn't hide the original.
 */
import type { FlowDocument, FlowEdge, FlowNode } from '../../../flows/schema';
import { edgeIdsOf, nextEdgeId, nextNodeId, nodeIdsOf } from './ids';

export const CLIP_FORMAT = 'tributary.clip/v1';

export interface Clip {
  format: typeof CLIP_FORMAT;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export function copyNodes(doc: FlowDocument, nodeIds: Iterable<string>): Clip | null {
  const ids = new Set(nodeIds);
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.edges.filter((e) => ids.has(e.from?.node) && ids.has(e.to?.node));
  return structuredClone({ format: CLIP_FORMAT, nodes, edges });
}

export const isClip = (value: unknown): value is Clip =>
  typeof value === 'object' && value !== null && (value as Clip).format === CLIP_FORMAT && Array.isArray((value as Clip).nodes) && Array.isArray((value as Clip).edges);

/** The clip's nodes and edges under ids new to `doc`, moved by `offset`. */
export function pasteClip(doc: FlowDocument, clip: Clip, offset: number): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const takenNodes = nodeIdsOf(doc);
  const takenEdges = edgeIdsOf(doc);
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = nextNodeId(n.type, takenNodes);
    takenNodes.add(id);
    rename.set(n.id, id);
    const position = n.position ?? { x: 0, y: 0 };
    return { ...structuredClone(n), id, position: { x: position.x + offset, y: position.y + offset } };
  });
  const edges = clip.edges.flatMap((e) => {
    const from = rename.get(e.from.node);
    const to = rename.get(e.to.node);
    if (!from || !to) return [];
    const id = nextEdgeId(takenEdges);
    takenEdges.add(id);
    return [{ id, from: { node: from, port: e.from.port }, to: { node: to, port: e.to.port } }];
  });
  return { nodes, edges };
}
