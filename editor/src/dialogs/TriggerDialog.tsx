/** Start a run at an inject node of the deployed flow, with a payload (its configured one by default). */
import { useId, useState } from 'react';
import { parseJson } from '../model/json';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { selectInjectNodes } from '../store/selectors';
import { Dialog } from './Dialog';
import { useShallow } from 'zustand/react/shallow';

export function TriggerDialog({ nodeId }: { nodeId?: string }) {
  const store = useEditorStoreApi();
  const id = useId();
  const injects = useEditorStore(useShallow(selectInjectNodes));
  const deployed = useEditorStore((s) => s.deployedRevision);
  const [chosen, setChosen] = useState(nodeId ?? injects[0]?.id ?? '');
  const node = injects.find((n) => n.id === chosen);
  const [payload, setPayload] = useState(() => JSON.stringify(node?.config?.payload ?? {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => store.getState().closeDialog();
  const parsed = parseJson(payload);

  const submit = async () => {
    if (!parsed.ok) return setError(`The payload is not JSON: ${parsed.message}`);
    setBusy(true);
    const why = await store.getState().trigger(chosen, parsed.value);
    setBusy(false);
    if (why) setError(why);
    else close();
  };

  return (
    <Dialog testId="trigger-dialog" title="Trigger a run" onClose={close}>
      {deployed === null && (
        <p className="note">
          This flow is not deployed, so a trigger can't start a run yet.{' '}
          <button type="button" className="btn btn--small" onClick={() => void store.getState().deploy()}>
            Deploy now
          </button>
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-node`}>Inject node</label>
        <select
          id={`${id}-node`}
          value={chosen}
          onChange={(e) => {
            setChosen(e.target.value);
            setPayload(JSON.stringify(injects.find((n) => n.id === e.target.value)?.config?.payload ?? {}, null, 2));
          }}
        >
          {injects.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name ?? n.id}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-payload`}>Payload (JSON)</label>
        <textarea id={`${id}-payload`} className="code" rows={8} spellCheck={false} data-testid="trigger-payload" value={payload} aria-invalid={!parsed.ok} onChange={(e) => setPayload(e.target.value)} />
        <p className={`expr__check${parsed.ok ? '' : ' is-error'}`}>{parsed.ok ? 'JSON ✓' : `Not JSON yet: ${parsed.message}`}</p>
      </div>
      {error && (
        <p className="error-detail" role="alert">
          {error}
        </p>
      )}
      <footer className="dialog__actions">
        <button type="button" className="btn btn--ghost" onClick={close}>
          Cancel
        </button>
        <button type="button" className="btn btn--primary" data-testid="trigger-submit" disabled={busy || !chosen} onClick={() => void submit()}>
          {busy ? 'Starting…' : 'Start run'}
        </button>
      </footer>
    </Dialog>
  );
}
