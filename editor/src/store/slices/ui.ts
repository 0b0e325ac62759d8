/** Dialogs, the status line, the token prompt, and requests for focus. */
import type { SliceCreator, UiSlice } from '../types';
import { tokenStore } from '../../api/token';

let statusId = 0;

export const createUiSlice: SliceCreator<UiSlice> = (set, get, init) => {
  const tokens = init.tokens ?? tokenStore;
  /** Requests waiting for a token; all resume once one is given. */
  let waiting: Array<() => void> = [];
  return {
    dialog: null,
    status: null,
    tokenPrompt: null,
    samples: {},
    inspectorFocus: 0,
    focusNode: null,
    openDialog(dialog) {
      set({ dialog });
    },
    closeDialog() {
      set({ dialog: null });
    },
    say(text, tone = 'info', action) {
      set({ status: { id: ++statusId, text, tone, ...(action && { action }) } });
    },
    askToken(refused) {
      set({ tokenPrompt: { refused: refused || get().tokenPrompt?.refused === true } });
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    submitToken(token) {
      tokens.set(token.trim());
      // Cleared now; a request refused with this token asks again (refused: true).
      set({ tokenPrompt: null });
      const resume = waiting;
      waiting = [];
      for (const r of resume) r();
    },
    setSample(nodeId, text) {
      set({ samples: { ...get().samples, [nodeId]: text } });
    },
    focusInspector() {
      set({ inspectorFocus: get().inspectorFocus + 1 });
    },
    revealNode(id) {
      set({ focusNode: { id, n: (get().focusNode?.n ?? 0) + 1 } });
    },
  };
};
