/**
 * `createEditorStore(init)`: the editor's one Zustand store, built from its slices. A factory
 * (not a module singleton) so every editor — and every test — gets its own.
 */
import { createStore } from 'zustand/vanilla';
import { createFlowOpsSlice } from './slices/flow-ops';
import { createFlowSlice } from './slices/flow';
import { createHistorySlice } from './slices/history';
import { createLiveSlice } from './slices/live';
import { createPersistenceSlice } from './slices/persistence';
import { createSelectionSlice } from './slices/selection';
import { createServerSlice } from './slices/server';
import { createUiSlice } from './slices/ui';
import type { EditorInit, EditorState } from './types';

export function createEditorStore(init: EditorInit) {
  return createStore<EditorState>()((set, get) => ({
    ...createFlowSlice(set, get, init),
    ...createHistorySlice(set, get, init),
    ...createSelectionSlice(set, get, init),
    ...createUiSlice(set, get, init),
    ...createServerSlice(set, get, init),
    ...createPersistenceSlice(set, get, init),
    ...createFlowOpsSlice(set, get, init),
    ...createLiveSlice(set, get, init),
  }));
}

export type EditorStore = ReturnType<typeof createEditorStore>;
