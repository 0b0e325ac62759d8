/** Which nodes and edges are selected (ids; the canvas and inspector read them). */
import type { SelectionSlice, SliceCreator } from '../types';

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export const createSelectionSlice: SliceCreator<SelectionSlice> = (set, get) => ({
  selectedNodeIds: [],
  selectedEdgeIds: [],
  setSelection(nodeIds, edgeIds) {
    const { selectedNodeIds, selectedEdgeIds } = get();
    if (same(nodeIds, selectedNodeIds) && same(edgeIds, selectedEdgeIds)) return;
    set({ selectedNodeIds: [...nodeIds], selectedEdgeIds: [...edgeIds] });
  },
  selectAll() {
    const doc = get().doc;
    if (doc) get().setSelection(doc.nodes.map((n) => n.id), doc.edges.map((e) => e.id));
  },
});
