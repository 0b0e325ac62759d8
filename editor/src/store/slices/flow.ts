/** The document being edited: every edit goes through `commit`, so each is one undo step. */
import type { FlowDocument } from '../../../../flows/schema';
import type { NodeTypeSpec } from '../../api/types';
import { copyNodes, isClip, pasteClip, type Clip } from '../../model/clipboard';
import { connectionRefusal } from '../../model/connect';
import * as ops from '../../model/doc-ops';
import type { FlowSlice, SliceCreator } from '../types';

const CLIP_KEY = 'tributary.clipboard';
const PASTE_OFFSET = 40;

export const createFlowSlice: SliceCreator<FlowSlice> = (set, get, init) => {
  const storage = init.clipboard ?? (typeof localStorage === 'undefined' ? null : localStorage);
  let memoryClip: Clip | null = null;
  let pastes = 0;

  const edit = (change: (doc: FlowDocument) => FlowDocument, coalesce?: string) => {
    const doc = get().doc;
    if (doc) get().commit(change(doc), coalesce);
  };

  const readClip = (): Clip | null => {
    try {
      const stored = storage?.getItem(CLIP_KEY);
      const value: unknown = stored ? JSON.parse(stored) : null;
      if (isClip(value)) return value;
    } catch {
      // unreadable or foreign: fall back to this page's own clip
    }
    return memoryClip;
  };

  return {
    doc: init.doc ?? null,
    baseDoc: init.doc ?? null,
    revision: null,
    deployedRevision: null,
    problems: [],
    dragBase: null,
    generation: 0,

    loadDocument(doc, saved) {
      set({
        generation: get().generation + 1,
        doc,
        baseDoc: doc,
        revision: saved.revision,
        deployedRevision: saved.deployedRevision,
        past: [],
        future: [],
        lastCoalesce: null,
        selectedNodeIds: [],
        selectedEdgeIds: [],
        dragBase: null,
      });
      pastes = 0;
    },

    addNode(type, position) {
      const doc = get().doc;
      const spec = get().catalogue.get(type) as NodeTypeSpec | undefined;
      if (!doc || !spec) return null;
      const node = ops.newNode(doc, spec, position);
      get().commit(ops.addNodes(doc, [node]));
      get().setSelection([node.id], []);
      return node.id;
    },

    updateNode(id, patch, coalesce) {
      edit((doc) => ops.updateNode(doc, id, patch), coalesce);
    },

    updateFlow(patch, coalesce) {
      edit((doc) => ops.updateFlow(doc, patch), coalesce);
    },

    connect(from, to) {
      const doc = get().doc;
      if (!doc) return 'No flow is open.';
      const refusal = connectionRefusal(doc, get().catalogue, from, to);
      if (refusal) return refusal;
      get().commit(ops.addEdge(doc, from, to).doc);
      return null;
    },

    removeElements(nodeIds, edgeIds) {
      edit((doc) => ops.removeElements(doc, nodeIds, edgeIds));
      const { selectedNodeIds, selectedEdgeIds } = get();
      get().setSelection(
        selectedNodeIds.filter((id) => !nodeIds.includes(id)),
        selectedEdgeIds.filter((id) => !edgeIds.includes(id)),
      );
    },

    beginDrag() {
      if (!get().dragBase) set({ dragBase: get().doc });
    },

    dragTo(positions) {
      const doc = get().doc;
      if (!doc) return;
      if (!get().dragBase) set({ dragBase: doc });
      const next = ops.moveNodes(doc, positions);
      if (next !== doc) set({ doc: next });
    },

    endDrag() {
      const { dragBase, doc, past } = get();
      set({ dragBase: null });
      if (!dragBase || !doc || dragBase === doc) return;
      // The drag moved `doc` without history; record it as one step from where it started.
      set({ past: [...past, dragBase], future: [], lastCoalesce: null });
    },

    moveNodes(positions, coalesce) {
      edit((doc) => ops.moveNodes(doc, positions), coalesce);
    },

    setProblems(problems) {
      set({ problems });
    },

    copySelection() {
      const doc = get().doc;
      const clip = doc ? copyNodes(doc, get().selectedNodeIds) : null;
      if (!clip) return 0;
      memoryClip = clip;
      pastes = 0;
      try {
        storage?.setItem(CLIP_KEY, JSON.stringify(clip));
      } catch {
        // storage full or refused: the copy still works within this page
      }
      return clip.nodes.length;
    },

    cutSelection() {
      const count = get().copySelection();
      if (count > 0) get().removeElements(get().selectedNodeIds, []);
      return count;
    },

    paste() {
      const doc = get().doc;
      const clip = readClip();
      if (!doc || !clip) return 0;
      pastes += 1;
      const { nodes, edges } = pasteClip(doc, clip, PASTE_OFFSET * pastes);
      get().commit(ops.addNodes(doc, nodes, edges));
      get().setSelection(nodes.map((n) => n.id), edges.map((e) => e.id));
      return nodes.length;
    },
  };
};
