/** The saved flows: open one; rename, duplicate or delete the one that is open. */
import { useShallow } from 'zustand/react/shallow';
import { useEditorStore, useEditorStoreApi } from '../store/context';

export function FlowsPanel() {
  const store = useEditorStoreApi();
  const flows = useEditorStore((s) => s.flows);
  const { currentId, currentName, saved } = useEditorStore(
    useShallow((s) => ({ currentId: s.doc?.id ?? null, currentName: s.doc?.name ?? '', saved: s.revision !== null })),
  );
  const sorted = [...flows].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <section className="flows" aria-labelledby="flows-heading">
      <div className="flows__head">
        <h2 id="flows-heading" className="side__heading">
          Flows
        </h2>
        <div className="flows__actions" role="group" aria-label={`Current flow: ${currentName}`}>
          <button type="button" className="btn btn--small" data-testid="flow-rename" disabled={!currentId} onClick={() => store.getState().openDialog({ kind: 'rename' })}>
            Rename
          </button>
          <button type="button" className="btn btn--small" data-testid="flow-duplicate" disabled={!currentId} onClick={() => void store.getState().duplicateFlow()}>
            Duplicate
          </button>
          <button type="button" className="btn btn--small btn--danger" data-testid="flow-delete" disabled={!currentId} onClick={() => void store.getState().deleteFlow()}>
            Delete
          </button>
        </div>
      </div>
      <ul className="flows__list" data-testid="flows-list" aria-label="Saved flows">
        {!saved && currentId && (
          <li>
            <span className="flows__item is-current is-draft" aria-current="page">
              <span className="flows__name">{currentName}</span>
              <span className="flows__meta">not saved yet</span>
            </span>
          </li>
        )}
        {sorted.map((flow) => (
          <li key={flow.id}>
            <button
              type="button"
              className={`flows__item${flow.id === currentId ? ' is-current' : ''}`}
              data-testid={`flow-item-${flow.id}`}
              aria-current={flow.id === currentId ? 'page' : undefined}
              onClick={() => void store.getState().openFlow(flow.id)}
            >
              <span className="flows__name">{flow.name}</span>
              <span className="flows__meta">
                {flow.id} · r{flow.revision}
                {flow.deployedRevision !== undefined && <span className="flows__deployed"> · deployed r{flow.deployedRevision}</span>}
              </span>
            </button>
          </li>
        ))}
        {sorted.length === 0 && saved === false && !currentId && <li className="muted">No flows yet.</li>}
      </ul>
    </section>
  );
}
