/**
 * Adding a node without a mouse: it lands in the middle of what the canvas shows, stepped
 * aside from any node already there.
 */
import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { DROP_OFFSET } from '../canvas/use-canvas-drop';
import { useEditorStoreApi } from '../store/context';

const STEP = 32;

export function useAddNodeAtCenter() {
  const store = useEditorStoreApi();
  const rf = useReactFlow();
  return useCallback(
    (type: string): string | null => {
      const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      const middle = canvas ? rf.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 }) : { x: 200, y: 150 };
      const taken = store.getState().doc?.nodes.map((n) => n.position) ?? [];
      let at = { x: middle.x - DROP_OFFSET.x, y: middle.y - DROP_OFFSET.y };
      for (let i = 0; i < 50 && taken.some((p) => p && Math.abs(p.x - at.x) < STEP && Math.abs(p.y - at.y) < STEP); i++) {
        at = { x: at.x + STEP, y: at.y + STEP };
      }
      const id = store.getState().addNode(type, at);
      if (id) store.getState().say(`Added "${store.getState().doc?.nodes.find((n) => n.id === id)?.name ?? id}"; its form is in the inspector.`);
      return id;
    },
    [store, rf],
  );
}
