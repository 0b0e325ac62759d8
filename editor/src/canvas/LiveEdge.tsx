/**
 * The canvas's edge: React Flow's bezier edge, plus a short one-shot animation each time its
 * source node sends output (a CSS animation restarted by a new key, so no timer has to end it).
 * Only the edges of nodes that sent something re-render.
 */
import { BaseEdge, getBezierPath, type EdgeProps, type EdgeTypes } from '@xyflow/react';
import { memo } from 'react';
import { useEditorStore } from '../store/context';

function LiveEdgeImpl({ id, source, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, interactionWidth }: EdgeProps) {
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const pulse = useEditorStore((s) => s.livePulses.get(source) ?? 0);
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={interactionWidth} />
      {pulse > 0 && <path key={pulse} d={path} className="tedge-pulse" data-testid={`edge-pulse-${id}`} data-pulse={pulse} />}
    </>
  );
}

export const LiveEdge = memo(LiveEdgeImpl);

/** Declared once, at module scope, so React Flow never remounts edges. */
export const EDGE_TYPES = { live: LiveEdge } satisfies EdgeTypes;
