/** With nothing selected: the flow itself (name, description) and how to get going. */
import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useEditorStore, useEditorStoreApi } from '../store/context';

export function FlowInspector() {
  const store = useEditorStoreApi();
  const id = useId();
  const { flowId, name, description, nodes, edges } = useEditorStore(
    useShallow((s) => ({ flowId: s.doc?.id, name: s.doc?.name ?? '', description: s.doc?.description ?? '', nodes: s.doc?.nodes.length ?? 0, edges: s.doc?.edges.length ?? 0 })),
  );
  if (!flowId) return <p className="muted">No flow is open.</p>;
  return (
    <div className="inspector__flow">
      <h2>Flow</h2>
      <p className="muted small">
        {flowId} · {nodes} node{nodes === 1 ? '' : 's'} · {edges} wire{edges === 1 ? '' : 's'}
      </p>
      <div className="field">
        <label htmlFor={`${id}-name`}>Flow name</label>
        <input id={`${id}-name`} value={name} maxLength={200} onChange={(e) => store.getState().updateFlow({ name: e.target.value }, 'flow-name')} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea id={`${id}-description`} rows={4} value={description} onChange={(e) => store.getState().updateFlow({ description: e.target.value }, 'flow-description')} />
      </div>
      <p className="muted small">Select a node to edit it. Drag from the palette, or focus a palette item and press Enter, to add one. Press ? for every shortcut.</p>
    </div>
  );
}
