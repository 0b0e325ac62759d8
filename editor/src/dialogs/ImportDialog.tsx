/**
 * Import from a file, a file dropped on the canvas, or pasted JSON. The document is checked with
 * validateFlow before anything is sent: its problems show first, and a document that isn't a flow
 * the editor can draw imports nothing.
 */
import { useId, useMemo, useState, type ChangeEvent } from 'react';
import { checkImport } from '../model/import-check';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { Dialog } from './Dialog';

export function ImportDialog({ initialText, source }: { initialText?: string; source?: string }) {
  const store = useEditorStoreApi();
  const id = useId();
  const catalogue = useEditorStore((s) => s.catalogue);
  const [text, setText] = useState(initialText ?? '');
  const [from, setFrom] = useState(source ?? null);
  const [asCopy, setAsCopy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const check = useMemo(() => (text.trim() === '' ? null : checkImport(text, catalogue)), [text, catalogue]);
  const close = () => store.getState().closeDialog();

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setText(await file.text());
    setFrom(file.name);
    setServerError(null);
  };

  const submit = async () => {
    if (!check?.importable) return;
    setBusy(true);
    const error = await store.getState().importDocument(check.doc, asCopy);
    setBusy(false);
    if (error) setServerError(error);
    else close();
  };

  const problems = check?.problems ?? [];
  return (
    <Dialog testId="import-dialog" title="Import a flow" onClose={close} wide>
      <p className="muted">Choose a .json file (or drop one on the canvas), or paste a flow document. It is checked before anything is imported.</p>
      <div className="field">
        <label htmlFor={`${id}-file`}>File</label>
        <input id={`${id}-file`} type="file" accept=".json,application/json" data-testid="import-file" onChange={(e) => void onFile(e)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-text`}>Flow document (JSON){from ? ` — from ${from}` : ''}</label>
        <textarea
          id={`${id}-text`}
          className="code"
          rows={10}
          spellCheck={false}
          data-testid="import-text"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setFrom(null);
            setServerError(null);
          }}
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" data-testid="import-as-copy" checked={asCopy} onChange={(e) => setAsCopy(e.target.checked)} /> Import as a copy (a new id if this one exists, and “(copy)” after its name)
      </label>
      {(problems.length > 0 || serverError) && (
        <div className={`import-problems${check?.importable === false || serverError ? ' is-fatal' : ''}`} data-testid="import-problems" role="alert">
          {serverError && <p>{serverError}</p>}
          {check && problems.length > 0 && (
            <>
              <p>
                {check.importable
                  ? `It imports as a draft with ${problems.length} problem${problems.length === 1 ? '' : 's'} (fix them before deploying):`
                  : 'This is not a flow document the editor can import, so nothing will be imported:'}
              </p>
              <ul>
                {problems.map((p, i) => (
                  <li key={i}>
                    <code>{p.pointer || '/'}</code> {p.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <footer className="dialog__actions">
        <button type="button" className="btn btn--ghost" onClick={close}>
          Cancel
        </button>
        <button type="button" className="btn btn--primary" data-testid="import-submit" disabled={!check?.importable || busy} onClick={() => void submit()}>
          {busy ? 'Importing…' : check?.importable && problems.length > 0 ? 'Import draft' : 'Import'}
        </button>
      </footer>
    </Dialog>
  );
}
