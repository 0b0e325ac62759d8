/**
 * Drops on the canvas: a node type dragged from the palette lands where it is dropped; a .json
 * file opens the import dialog with its text (problems are shown before anything is imported).
 */
import { useReactFlow } from '@xyflow/react';
import { useMemo, type DragEvent } from 'react';
import { useEditorStoreApi } from '../store/context';

/** The drag-and-drop type a palette item carries. */
export const NODE_TYPE_MIME = 'application/x-tributary-node-type';

/** Where a new node's top-left goes relative to the point it is dropped at (centred on it). */
export const DROP_OFFSET = { x: 95, y: 36 };

const isJsonFile = (f: File) => f.name.toLowerCase().endsWith('.json') || f.type === 'application/json';

export function useCanvasDrop() {
  const store = useEditorStoreApi();
  const rf = useReactFlow();
  return useMemo(
    () => ({
      onDragOver(event: DragEvent) {
        const types = [...event.dataTransfer.types];
        if (!types.includes(NODE_TYPE_MIME) && !types.includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      },
      onDrop(event: DragEvent) {
        const type = event.dataTransfer.getData(NODE_TYPE_MIME);
        if (type) {
          event.preventDefault();
          const at = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
          store.getState().addNode(type, { x: at.x - DROP_OFFSET.x, y: at.y - DROP_OFFSET.y });
          return;
        }
        const files = [...event.dataTransfer.files];
        if (files.length === 0) return;
        event.preventDefault();
        const file = files.find(isJsonFile);
        if (!file) {
          store.getState().say('Only a .json flow document can be dropped here.', 'error');
          return;
        }
        void file.text().then((text) => store.getState().openDialog({ kind: 'import', text, source: file.name }));
      },
    }),
    [store, rf],
  );
}
