/** Rename the open flow (saved at once when the flow is already on the server). */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { Dialog } from './Dialog';

export function RenameDialog() {
  const store = useEditorStoreApi();
  const id = useId();
  const current = useEditorStore((s) => s.doc?.name ?? '');
  const [name, setName] = useState(current);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  const close = () => store.getState().closeDialog();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return;
    close();
    void store.getState().renameFlow(name);
  };
  return (
    <Dialog testId="rename-dialog" title="Rename flow" onClose={close}>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Flow name</label>
          <input ref={input} id={`${id}-name`} data-testid="rename-input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} autoFocus />
        </div>
        <footer className="dialog__actions">
          <button type="button" className="btn btn--ghost" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" data-testid="rename-submit" disabled={name.trim() === ''}>
            Rename
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
