/** The canvas: React Flow over the flow document, with background, zoom controls and minimap. */
import { Background, ConnectionMode, Controls, MiniMap, ReactFlow, type Node } from '@xyflow/react';
import { useState, type KeyboardEvent } from 'react';
import type { Size } from '../model/layout';
import { KIND_VIEWS, type EditorNodeData } from '../model/node-data';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { NODE_TYPES } from './FlowNodeView';
import { useCanvasDrop } from './use-canvas-drop';
import { useCanvasHandlers } from './use-canvas-handlers';
import { useFlowElements } from './use-flow-elements';
import { useViewport } from './use-viewport';

const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const minimapColor = (node: Node) => KIND_VIEWS[(node.data as unknown as EditorNodeData).category]?.accent ?? '#999';

export function Canvas() {
  const store = useEditorStoreApi();
  const [measured, setMeasured] = useState<ReadonlyMap<string, Size>>(() => new Map());
  const { nodes, edges } = useFlowElements(measured);
  const handlers = useCanvasHandlers(setMeasured);
  const drop = useCanvasDrop();
  const hasFlow = useEditorStore((s) => s.doc !== null);
  useViewport();

  // Enter on a focused node selects it (React Flow) and opens its form in the inspector.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.target as HTMLElement).classList.contains('react-flow__node')) store.getState().focusInspector();
  };

  return (
    <div className="canvas" data-testid="canvas" onDragOver={drop.onDragOver} onDrop={drop.onDrop} onKeyDown={onKeyDown}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        {...handlers}
        connectionMode={ConnectionMode.Strict}
        // Delete is bound in use-shortcuts, only while the canvas has focus (not on a toolbar button).
        deleteKeyCode={null}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        selectionKeyCode="Shift"
        minZoom={0.2}
        maxZoom={2}
        snapToGrid
        snapGrid={[8, 8]}
        defaultEdgeOptions={{ interactionWidth: 16 }}
        proOptions={{ hideAttribution: false }}
        attributionPosition="bottom-center"
        ariaLabelConfig={{ 'node.a11yDescription.default': 'Press Enter to select this node and open its form, Delete to remove it, arrow keys to move it.' }}
      >
        <Background gap={16} />
        <Controls aria-label="Zoom" />
        <MiniMap pannable zoomable ariaLabel="Overview of the flow" nodeColor={minimapColor} />
      </ReactFlow>
      {hasFlow && nodes.length === 0 && (
        <div className="canvas__empty" aria-hidden="true">
          Drag a node here from the palette — or focus one there and press Enter.
        </div>
      )}
    </div>
  );
}
