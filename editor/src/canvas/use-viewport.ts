/**
 * The viewport follows the document: a flow that opens is fitted into view once its nodes are
 * measured (an empty one starts at 100 %), and a node asked for (a clicked problem) is centred.
 */
import { useNodesInitialized, useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { useEditorStore } from '../store/context';

export function useViewport() {
  const rf = useReactFlow();
  const generation = useEditorStore((s) => s.generation);
  const nodeCount = useEditorStore((s) => s.doc?.nodes.length ?? 0);
  const focusNode = useEditorStore((s) => s.focusNode);
  const initialized = useNodesInitialized();
  const pendingFit = useRef(false);

  // A newly loaded document (another flow, a new one, or a reload of this one) gets fitted.
  useEffect(() => {
    pendingFit.current = true;
  }, [generation]);

  useEffect(() => {
    if (!pendingFit.current) return;
    if (nodeCount === 0) {
      pendingFit.current = false;
      void rf.setViewport({ x: 0, y: 0, zoom: 1 });
    } else if (initialized) {
      pendingFit.current = false;
      void rf.fitView({ padding: 0.2, maxZoom: 1 });
    }
  }, [generation, nodeCount, initialized, rf]);

  useEffect(() => {
    if (!focusNode) return;
    const node = rf.getNode(focusNode.id);
    if (!node) return;
    const width = node.measured?.width ?? 190;
    const height = node.measured?.height ?? 72;
    void rf.setCenter(node.position.x + width / 2, node.position.y + height / 2, { zoom: Math.max(rf.getZoom(), 1), duration: 250 });
  }, [focusNode, rf]);
}
