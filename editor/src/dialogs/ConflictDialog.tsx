/** A save refused because someone else saved first (409): reload theirs, or overwrite with mine. */
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { Dialog } from './Dialog';

export function ConflictDialog({ currentRevision, then }: { currentRevision: number; then: 'save' | 'deploy' }) {
  const store = useEditorStoreApi();
  const name = useEditorStore((s) => s.doc?.name ?? 'this flow');
  const mine = useEditorStore((s) => s.revision);
  const close = () => store.getState().closeDialog();

  const reload = async () => {
    close();
    await store.getState().reloadFlow();
    store.getState().say(`Reloaded revision ${currentRevision}; your changes were dropped.`);
  };
  const overwrite = async () => {
    close();
    const saved = await store.getState().save({ overwrite: currentRevision, then });
    if (saved && then === 'deploy') await store.getState().deploy();
  };

  return (
    <Dialog testId="conflict-dialog" title="Someone else saved this flow" onClose={close}>
      <p>
        While you were editing, someone else saved <strong>revision {currentRevision}</strong> of “{name}”. Your changes are based on revision {mine ?? '?'}, so
        they were not saved.
      </p>
      <p>
        <strong>Reload</strong> takes their revision and drops your changes. <strong>Overwrite</strong> saves yours over theirs as a new revision.
      </p>
      <footer className="dialog__actions">
        <button type="button" className="btn btn--ghost" onClick={close}>
          Cancel
        </button>
        <button type="button" className="btn" data-testid="conflict-reload" onClick={() => void reload()}>
          Reload revision {currentRevision}
        </button>
        <button type="button" className="btn btn--danger" data-testid="conflict-overwrite" onClick={() => void overwrite()}>
          Overwrite with mine
        </button>
      </footer>
    </Dialog>
  );
}
