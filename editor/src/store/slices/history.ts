/**
 * Undo and redo over whole-document snapshots. Edits never mutate a document, so a snapshot is
 * just the previous object (untouched nodes are shared between snapshots).
 */
import type { HistorySlice, SliceCreator } from '../types';

/** How many steps are kept. */
export const HISTORY_LIMIT = 200;
/** Edits with the same coalesce key within this time are one step (typing in a field). */
const COALESCE_MS = 1200;

export const createHistorySlice: SliceCreator<HistorySlice> = (set, get) => ({
  past: [],
  future: [],
  lastCoalesce: null,
  commit(next, coalesce) {
    const { doc, past, lastCoalesce } = get();
    if (!doc || next === doc) return;
    const now = Date.now();
    const merge = coalesce !== undefined && lastCoalesce?.key === coalesce && now - lastCoalesce.at < COALESCE_MS;
    set({
      doc: next,
      past: merge ? past : [...past.slice(-(HISTORY_LIMIT - 1)), doc],
      future: [],
      lastCoalesce: coalesce !== undefined ? { key: coalesce, at: now } : null,
    });
  },
  undo() {
    const { doc, past, future } = get();
    const previous = past.at(-1);
    if (!doc || !previous) return;
    set({ doc: previous, past: past.slice(0, -1), future: [doc, ...future], lastCoalesce: null });
  },
  redo() {
    const { doc, past, future } = get();
    const next = future[0];
    if (!doc || !next) return;
    set({ doc: next, past: [...past, doc], future: future.slice(1), lastCoalesce: null });
  },
});
