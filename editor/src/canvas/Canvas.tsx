/** The canvas: React Flow over the flow document, with background, zoom controls and minimap. */
import { Background, ConnectionMode, Controls, MiniMap, ReactFlow, type Node } from '@xyflow/react';
import { useState, type KeyboardEvent } from 'react';
import type { Size } from '../model/layout';
import { KIND_VIEWS, type EditorNodeData } from '../model/node-data';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { NODE_TYPES } from './FlowNodeView';
import { EDGE_TYPES } from './LiveEdge';
import { LiveIndicator } from './LiveIndicator';
import { useCanvasDrop } from './use-canvas-drop';
import { useCanvasHandlers } from './use-canvas-handlers';
import { useDetail } from './use-detail';
import './detail-and-live.css';
import { useFlowElements } from './use-flow-elements';
import { useLive } from './use-live';
import { useViewport } from './use-viewport';

// React Flow copies every prop that changed identity into its store, and each such update runs
// the selectors of every node, handle and edge: props are constants, never fresh literals.
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const SNAP_GRID: [number, number] = [8, 8];
const DEFAULT_EDGE_OPTIONS = { interactionWidth: 16 } as const;
const PRO_OPTIONS = { hideAttribution: false } as const;
const ARIA_LABELS = { 'node.a11yDescription.default': 'Press Enter to select this node and open its form, Delete to remove it, arrow keys to move it.' } as const;
const minimapColor = (node: Node) => KIND_VIEWS[(node.data as unknown as EditorNodeData).category]?.accent ?? '#999';

export function Canvas() {
  const store = useEditorStoreApi();
  const [measured, setMeasured] = useState<ReadonlyMap<string, Size>>(() => new Map());
  const { nodes, edges } = useFlowElements(measured);
  const handlers = useCanvasHandlers(setMeasured);
  const drop = useCanvasDrop();
  const hasFlow = useEditorStore((s) => s.doc !== null);
  useViewport();
  const detail = useDetail();
  useLive();

  // Enter on a focused node selects it (React Flow) and opens its form in the inspector.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.target as HTMLElement).classList.contains('react-flow__node')) store.getState().focusInspector();
  };

  return (
    <div className={`canvas is-${detail}`} data-testid="canvas" data-detail={detail} onDragOver={drop.onDragOver} onDrop={drop.onDrop} onKeyDown={onKeyDown}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        {...handlers}
        connectionMode={ConnectionMode.Strict}
        // Delete is bound in use-shortcuts, only while the canvas has focus (not on a toolbar button).
        deleteKeyCode={null}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        selectionKeyCode="Shift"
        minZoom={0.2}
        maxZoom={2}
        snapToGrid
        snapGrid={SNAP_GRID}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        proOptions={PRO_OPTIONS}
        attributionPosition="bottom-center"
        ariaLabelConfig={ARIA_LABELS}
      >
        {/* Zoomed far out the grid is a haze of dots that costs a repaint of the whole canvas per frame. */}
        {detail === 'near' && <Background gap={16} />}
        <Controls aria-label="Zoom" />
        <MiniMap pannable zoomable ariaLabel="Overview of the flow" nodeColor={minimapColor} />
      </ReactFlow>
      <LiveIndicator />
      {hasFlow && nodes.length === 0 && (
        <div className="canvas__empty" aria-hidden="true">
          Drag a node here from the palette — or focus one there and press Enter.
        </div>
      )}
    </div>
  );
}
