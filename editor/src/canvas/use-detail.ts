/**
 * Level of detail: below a zoom where a node's text can't be read anyway, the canvas draws nodes
 * as placeholders — same box, same handles, accent and status colour, no text. Painting the text
 * of hundreds of nodes on every frame is what made panning a large flow slow; hiding it with
 * `visibility` keeps every node's size, so React Flow measures nothing again and no node
 * re-renders: only the canvas's class changes, once, when the zoom crosses the threshold.
 */
import { useStore, type ReactFlowState } from '@xyflow/react';

/** Below this zoom node text is about 5 px high. */
export const FAR_ZOOM = 0.4;

const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;

/** `'far'` while the canvas is zoomed out past {@link FAR_ZOOM}, else `'near'`. */
export function useDetail(): 'far' | 'near' {
  return useStore(isFar) ? 'far' : 'near';
}
