/** Every keyboard shortcut, from the same table that binds them. */
import { SHORTCUTS } from '../hooks/use-shortcuts';
import { useEditorStoreApi } from '../store/context';
import { Dialog } from './Dialog';

export function HelpOverlay() {
  const store = useEditorStoreApi();
  return (
    <Dialog testId="help-overlay" title="Keyboard shortcuts" onClose={() => store.getState().closeDialog()}>
      <table className="shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Without a mouse: Tab to a palette item and press Enter to add it; Tab to a node on the canvas and press Enter to open its form; wire it with
        “Wires” in the inspector. On a Mac, ⌘ works wherever Ctrl is listed.
      </p>
    </Dialog>
  );
}
