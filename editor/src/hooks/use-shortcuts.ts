/** Keyboard shortcuts, listed in the help overlay (SHORTCUTS) and bound here from the same table. */
import { useEffect } from 'react';
import { useEditorStoreApi } from '../store/context';
import type { Commands } from './use-commands';

export interface Shortcut {
  keys: string;
  does: string;
  /** Matches the key event; `mod` is Ctrl (or ⌘ on a Mac). */
  match?(e: KeyboardEvent, mod: boolean): boolean;
  run?: keyof Commands;
  /** Also while typing in a field. */
  always?: boolean;
}

const key = (e: KeyboardEvent) => e.key.toLowerCase();

/** Keys that act on the canvas selection only while focus is on the canvas (or nowhere in particular). */
const onCanvas = (target: EventTarget | null) =>
  target === document.body || (target instanceof Element && target.closest('[data-testid="canvas"]') !== null);

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl+S', does: 'Save the flow', match: (e, mod) => mod && key(e) === 's', run: 'save', always: true },
  { keys: 'Ctrl+Z', does: 'Undo', match: (e, mod) => mod && !e.shiftKey && key(e) === 'z', run: 'undo' },
  { keys: 'Ctrl+Shift+Z, Ctrl+Y', does: 'Redo', match: (e, mod) => mod && ((e.shiftKey && key(e) === 'z') || key(e) === 'y'), run: 'redo' },
  { keys: 'Ctrl+C', does: 'Copy the selected nodes (and the wires between them)', match: (e, mod) => mod && key(e) === 'c', run: 'copy' },
  { keys: 'Ctrl+X', does: 'Cut the selected nodes', match: (e, mod) => mod && key(e) === 'x', run: 'cut' },
  { keys: 'Ctrl+V', does: 'Paste nodes (with new ids; also into another flow)', match: (e, mod) => mod && key(e) === 'v', run: 'paste' },
  { keys: 'Ctrl+A', does: 'Select every node', match: (e, mod) => mod && key(e) === 'a', run: 'selectAll' },
  {
    keys: 'Delete, Backspace',
    does: 'Delete the selection (when the canvas has focus)',
    match: (e, mod) => !mod && (e.key === 'Delete' || e.key === 'Backspace') && onCanvas(e.target),
    run: 'deleteSelection',
  },
  { keys: 'Shift+click, Shift+drag', does: 'Select several nodes' },
  { keys: 'Arrow keys', does: 'Move the selected nodes' },
  { keys: 'Tab, Enter', does: 'Reach a node on the canvas, select it and open its form' },
  { keys: 'Enter (on a palette item)', does: 'Add that node in the middle of the canvas' },
  { keys: 'Shift+L', does: 'Auto-layout, left to right', match: (e, mod) => !mod && e.shiftKey && key(e) === 'l', run: 'layout' },
  { keys: 'Shift+F', does: 'Fit the flow into view', match: (e, mod) => !mod && e.shiftKey && key(e) === 'f', run: 'fitView' },
  { keys: 'Shift+I', does: 'Import a flow', match: (e, mod) => !mod && e.shiftKey && key(e) === 'i', run: 'openImport' },
  { keys: 'Shift+D', does: 'Deploy', match: (e, mod) => !mod && e.shiftKey && key(e) === 'd', run: 'deploy' },
  { keys: 'Escape', does: 'Clear the selection, close a dialog', match: (e) => e.key === 'Escape', run: 'clearSelection' },
  { keys: '?', does: 'Show these shortcuts', match: (e) => e.key === '?', run: 'help' },
];

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function useShortcuts(commands: Commands) {
  const store = useEditorStoreApi();
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey) return;
      const mod = e.ctrlKey || e.metaKey;
      const typing = isTyping(e.target);
      const inDialog = store.getState().dialog !== null || store.getState().tokenPrompt !== null;
      for (const shortcut of SHORTCUTS) {
        if (!shortcut.match || !shortcut.run || !shortcut.match(e, mod)) continue;
        if (!shortcut.always && (typing || inDialog)) return;
        // Leave the browser's own copy to text someone has selected on the page.
        if (shortcut.run === 'copy' && (window.getSelection()?.toString() ?? '') !== '') return;
        e.preventDefault();
        void commands[shortcut.run]();
        return;
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store, commands]);
}
