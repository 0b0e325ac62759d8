/**
 * Auto-layout with elkjs: layered, left to right, following the edges, with room between nodes
 * so none overlap. Runs on the main thread (the bundled build), which is plenty for a flow; it is
 * loaded on first use, so the editor starts without it.
 */
import type { ELK } from 'elkjs/lib/elk-api';
import type { FlowDocument } from '../../../flows/schema';
import type { XY } from './doc-ops';

export interface Size {
  width: number;
  height: number;
}

const DEFAULT_SIZE: Size = { width: 190, height: 72 };

let elk: Promise<ELK> | null = null;

/** New positions for every node of `doc`, given the size each is drawn at. */
export async function layoutPositions(doc: FlowDocument, sizes: ReadonlyMap<string, Size>): Promise<Map<string, XY>> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: Elk }) => new Elk());
  const ids = new Set(doc.nodes.map((n) => n.id));
  const graph = await (await elk).layout({
    id: 'flow',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '48',
      'elk.layered.spacing.nodeNodeBetweenLayers': '96',
      'elk.spacing.componentComponent': '64',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: doc.nodes.map((n) => ({ id: n.id, ...(sizes.get(n.id) ?? DEFAULT_SIZE) })),
    edges: doc.edges
      .filter((e) => ids.has(e.from?.node) && ids.has(e.to?.node) && e.from.node !== e.to.node)
      .map((e) => ({ id: e.id, sources: [e.from.node], targets: [e.to.node] })),
  });
  const origin = doc.nodes.reduce((o, n) => ({ x: Math.min(o.x, n.position?.x ?? 0), y: Math.min(o.y, n.position?.y ?? 0) }), { x: Infinity, y: Infinity });
  const base = Number.isFinite(origin.x) ? origin : { x: 0, y: 0 };
  return new Map((graph.children ?? []).map((c) => [c.id, { x: base.x + (c.x ?? 0), y: base.y + (c.y ?? 0) }]));
}
