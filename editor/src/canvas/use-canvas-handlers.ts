/**
 * What the canvas does with React Flow's events: moves and selections into the store, drags as
 * one undo step, deletions through one commit, and connections checked by the flow's rules —
 * refused with a reason on the status line.
 */
import type { Connection, Edge, EdgeChange, FinalConnectionState, IsValidConnection, NodeChange, OnConnectEnd, OnDelete } from '@xyflow/react';
import { useMemo, type Dispatch, type SetStateAction } from 'react';
import type { XY } from '../model/doc-ops';
import { connectionRefusal } from '../model/connect';
import type { Size } from '../model/layout';
import { useEditorStoreApi } from '../store/context';
import type { FlowRFNode } from './FlowNodeView';

const endpoints = (c: Connection | Edge) => ({
  from: { node: c.source, port: c.sourceHandle ?? 'out' },
  to: { node: c.target, port: c.targetHandle ?? 'in' },
});

export function useCanvasHandlers(setMeasured: Dispatch<SetStateAction<ReadonlyMap<string, Size>>>) {
  const store = useEditorStoreApi();

  return useMemo(() => {
    const onNodesChange = (changes: NodeChange<FlowRFNode>[]) => {
      const s = store.getState();
      const positions = new Map<string, XY>();
      const selected = new Set(s.selectedNodeIds);
      let selectionChanged = false;
      let dragging = s.dragBase !== null;
      const sizes: Array<[string, Size]> = [];
      for (const change of changes) {
        switch (change.type) {
          case 'position':
            if (change.position) positions.set(change.id, change.position);
            if (change.dragging) dragging = true;
            break;
          case 'select':
            selectionChanged = true;
            if (change.selected) selected.add(change.id);
            else selected.delete(change.id);
            break;
          case 'dimensions':
            if (change.dimensions) sizes.push([change.id, change.dimensions]);
            break;
          // Removal goes through the store (Delete key, inspector) as one commit; nodes are only ever
          // added or replaced by the store.
          case 'remove':
          case 'add':
          case 'replace':
            break;
        }
      }
      if (sizes.length > 0) {
        setMeasured((prev) => {
          const next = new Map(prev);
          for (const [id, size] of sizes) next.set(id, size);
          return next;
        });
      }
      if (positions.size > 0) {
        if (dragging) s.dragTo(positions);
        else s.moveNodes(positions, 'keyboard-move');
      }
      if (selectionChanged) s.setSelection([...selected], store.getState().selectedEdgeIds);
    };

    const onEdgesChange = (changes: EdgeChange[]) => {
      const s = store.getState();
      const selected = new Set(s.selectedEdgeIds);
      let changed = false;
      for (const change of changes) {
        if (change.type !== 'select') continue;
        changed = true;
        if (change.selected) selected.add(change.id);
        else selected.delete(change.id);
      }
      if (changed) s.setSelection(s.selectedNodeIds, [...selected]);
    };

    const onDelete: OnDelete<FlowRFNode, Edge> = ({ nodes, edges }) => {
      const s = store.getState();
      s.removeElements(nodes.map((n) => n.id), edges.map((e) => e.id));
      const what = [nodes.length && `${nodes.length} node${nodes.length === 1 ? '' : 's'}`, edges.length && `${edges.length} wire${edges.length === 1 ? '' : 's'}`].filter(Boolean).join(' and ');
      if (what) s.say(`Deleted ${what}. Ctrl+Z brings ${nodes.length + edges.length === 1 ? 'it' : 'them'} back.`);
    };

    const onConnect = (connection: Connection) => {
      const { from, to } = endpoints(connection);
      const refusal = store.getState().connect(from, to);
      if (refusal) store.getState().say(refusal, 'error');
    };

    const isValidConnection: IsValidConnection<Edge> = (connection) => {
      const { doc, catalogue } = store.getState();
      if (!doc) return false;
      const { from, to } = endpoints(connection);
      return connectionRefusal(doc, catalogue, from, to) === null;
    };

    /** A drop on a handle that was refused: say why. */
    const onConnectEnd: OnConnectEnd = (_event, state: FinalConnectionState) => {
      if (state.isValid || !state.fromHandle || !state.toHandle) return;
      const s = store.getState();
      if (state.fromHandle.type === state.toHandle.type) {
        s.say(state.fromHandle.type === 'source' ? 'Both ends are outputs: wire an output (right side) to an input (left side).' : 'Both ends are inputs: wire an output (right side) to an input (left side).', 'error');
        return;
      }
      const [out, into] = state.fromHandle.type === 'source' ? [state.fromHandle, state.toHandle] : [state.toHandle, state.fromHandle];
      const refusal = s.doc ? connectionRefusal(s.doc, s.catalogue, { node: out.nodeId, port: out.id ?? 'out' }, { node: into.nodeId, port: into.id ?? 'in' }) : null;
      if (refusal) s.say(refusal, 'error');
    };

    return {
      onNodesChange,
      onEdgesChange,
      onDelete,
      onConnect,
      isValidConnection,
      onConnectEnd,
      onNodeDragStart: () => store.getState().beginDrag(),
      onNodeDragStop: () => store.getState().endDrag(),
      onSelectionDragStart: () => store.getState().beginDrag(),
      onSelectionDragStop: () => store.getState().endDrag(),
      onNodeDoubleClick: () => store.getState().focusInspector(),
    };
  }, [store, setMeasured]);
}
