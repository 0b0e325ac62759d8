/** The right-hand panel: the selected node, several selected, or the flow itself. */
import { useEffect, useRef } from 'react';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { selectSingleNode } from '../store/selectors';
import { FlowInspector } from './FlowInspector';
import { NodeInspector } from './NodeInspector';

function Selection({ count }: { count: number }) {
  const store = useEditorStoreApi();
  return (
    <div>
      <h2>{count} nodes selected</h2>
      <p className="muted small">Ctrl+C copies them, Delete removes them, arrow keys move them.</p>
      <button type="button" className="btn" onClick={() => store.getState().copySelection() && store.getState().say(`Copied ${count} nodes.`)}>
        Copy
      </button>{' '}
      <button type="button" className="btn btn--danger" onClick={() => store.getState().removeElements(store.getState().selectedNodeIds, store.getState().selectedEdgeIds)}>
        Delete
      </button>
    </div>
  );
}

export function Inspector() {
  const node = useEditorStore(selectSingleNode);
  const count = useEditorStore((s) => s.selectedNodeIds.length);
  const focusRequest = useEditorStore((s) => s.inspectorFocus);
  const root = useRef<HTMLElement>(null);

  // Asked to (Enter or double-click on a node): move keyboard focus to the node's form.
  useEffect(() => {
    if (focusRequest === 0) return;
    const frame = requestAnimationFrame(() => root.current?.querySelector<HTMLElement>('[data-testid="node-name-input"], input, textarea, select')?.focus());
    return () => cancelAnimationFrame(frame);
  }, [focusRequest]);

  return (
    <aside className="inspector" data-testid="inspector" aria-label="Inspector" ref={root}>
      {node ? <NodeInspector key={node.id} node={node} /> : count > 1 ? <Selection count={count} /> : <FlowInspector />}
    </aside>
  );
}
