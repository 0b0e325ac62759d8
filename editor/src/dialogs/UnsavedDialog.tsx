/** Leaving a flow with unsaved changes: save them, drop them, or stay. */
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { Dialog } from './Dialog';

export function UnsavedDialog({ flowId }: { flowId: string | null }) {
  const store = useEditorStoreApi();
  const name = useEditorStore((s) => s.doc?.name ?? 'this flow');
  const close = () => store.getState().closeDialog();
  const go = () => (flowId ? store.getState().openFlow(flowId, { force: true }) : store.getState().newFlow({ force: true }));
  const saveThenGo = async () => {
    close();
    if (await store.getState().save()) await go();
  };
  const discard = async () => {
    close();
    await go();
  };
  return (
    <Dialog testId="unsaved-dialog" title="Unsaved changes" onClose={close}>
      <p>“{name}” has changes that are not saved. Save them before {flowId ? 'opening the other flow' : 'starting a new flow'}?</p>
      <footer className="dialog__actions">
        <button type="button" className="btn btn--ghost" onClick={close}>
          Cancel
        </button>
        <button type="button" className="btn btn--danger" data-testid="unsaved-discard" onClick={() => void discard()}>
          Discard changes
        </button>
        <button type="button" className="btn btn--primary" data-testid="unsaved-save" onClick={() => void saveThenGo()}>
          Save
        </button>
      </footer>
    </Dialog>
  );
}
