/**
 * The editor's commands, shared by the toolbar, the keyboard shortcuts and the help overlay, so a
 * button and its shortcut always do the same thing.
 */
import { useReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { layoutPositions, type Size } from '../model/layout';
import { useEditorStoreApi } from '../store/context';

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission: the old way, through a selected textarea.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function useCommands() {
  const store = useEditorStoreApi();
  const rf = useReactFlow();
  return useMemo(() => {
    const state = () => store.getState();
    return {
      newFlow: () => state().newFlow(),
      save: () => void state().save(),
      undo: () => state().undo(),
      redo: () => state().redo(),
      fitView: () => void rf.fitView({ padding: 0.2, maxZoom: 1, duration: 250 }),
      async layout() {
        const doc = state().doc;
        if (!doc || doc.nodes.length === 0) return;
        const sizes = new Map<string, Size>(rf.getNodes().map((n) => [n.id, { width: n.measured?.width ?? 190, height: n.measured?.height ?? 72 }]));
        const positions = await layoutPositions(doc, sizes);
        state().moveNodes(positions);
        state().say('Laid out left to right. Ctrl+Z undoes it.');
        requestAnimationFrame(() => void rf.fitView({ padding: 0.2, maxZoom: 1, duration: 250 }));
      },
      openImport: () => state().openDialog({ kind: 'import' }),
      exportFile() {
        const doc = state().doc;
        if (!doc) return;
        const url = URL.createObjectURL(new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = `${doc.id}.json`;
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        state().say(`Exported ${doc.id}.json${state().doc !== state().baseDoc ? ' (with your unsaved changes)' : ''}.`);
      },
      async copyJson() {
        const doc = state().doc;
        if (!doc) return;
        const ok = await writeClipboard(JSON.stringify(doc, null, 2));
        state().say(ok ? "Copied the flow's JSON to the clipboard." : 'The clipboard refused the copy; use Export instead.', ok ? 'info' : 'error');
      },
      deploy: () => void state().deploy(),
      undeploy: () => void state().undeploy(),
      trigger() {
        const s = state();
        const injects = s.doc?.nodes.filter((n) => n.type === 'inject') ?? [];
        const chosen = injects.find((n) => s.selectedNodeIds.includes(n.id)) ?? injects[0];
        if (chosen) s.openDialog({ kind: 'trigger', nodeId: chosen.id });
        else s.say('This flow has no inject node to trigger.', 'error');
      },
      credentials: () => state().openDialog({ kind: 'credentials' }),
      help: () => state().openDialog({ kind: 'help' }),
      copy() {
        const n = state().copySelection();
        if (n > 0) state().say(`Copied ${n} node${n === 1 ? '' : 's'}. Ctrl+V pastes them, here or in another flow.`);
      },
      cut() {
        const n = state().cutSelection();
        if (n > 0) state().say(`Cut ${n} node${n === 1 ? '' : 's'}. Ctrl+V pastes them.`);
      },
      paste() {
        const n = state().paste();
        if (n === 0) state().say('Nothing to paste: copy nodes first (Ctrl+C).');
      },
      deleteSelection() {
        const { selectedNodeIds: nodes, selectedEdgeIds: edges } = state();
        if (nodes.length === 0 && edges.length === 0) return;
        state().removeElements(nodes, edges);
        const count = nodes.length + edges.length;
        state().say(`Deleted ${count} item${count === 1 ? '' : 's'}. Ctrl+Z brings ${count === 1 ? 'it' : 'them'} back.`);
      },
      selectAll: () => state().selectAll(),
      clearSelection: () => state().setSelection([], []),
    };
  }, [store, rf]);
}

export type Commands = ReturnType<typeof useCommands>;
