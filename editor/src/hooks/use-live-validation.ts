/**
 * Live validation: the same validateFlow the server runs, on every change of the document
 * (debounced while someone types or drags), plus the credentials check the server adds.
 */
import { useEffect } from 'react';
import { liveProblems } from '../model/live-problems';
import { movesOnly } from '../model/moves-only';
import { useEditorStoreApi } from '../store/context';
import type { EditorState } from '../store/types';

const DEBOUNCE_MS = 150;

export function useLiveValidation() {
  const store = useEditorStoreApi();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const validate = () => {
      const { doc, catalogue, credentials, specs } = store.getState();
      // Without the catalogue every node would be "unknown"; keep what the server said until it arrives.
      if (!doc || specs.length === 0) return;
      store.getState().setProblems(liveProblems(doc, catalogue, credentials ? new Set(credentials.map((c) => c.name)) : null));
    };
    const watched = (s: EditorState) => [s.doc, s.catalogue, s.credentials] as const;
    let last = watched(store.getState());
    validate();
    const unsubscribe = store.subscribe((state) => {
      const next = watched(state);
      if (next.every((v, i) => v === last[i])) return;
      const opened = next[0]?.id !== last[0]?.id || state.baseDoc === state.doc;
      // A drag: nothing to re-check (and re-checking 1,000 nodes at each pause stalls the drag).
      const moved = !opened && next[1] === last[1] && next[2] === last[2] && movesOnly(last[0], next[0]);
      last = next;
      if (moved) return;
      clearTimeout(timer);
      // A flow just opened is checked as soon as it is drawn (not before: checking 1,000 nodes
      // would hold up their first paint); edits wait for a pause.
      timer = setTimeout(validate, opened ? 0 : DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store]);
}
