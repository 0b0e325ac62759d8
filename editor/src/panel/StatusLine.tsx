/** The status line: what just happened, or why something was refused (announced politely). */
import { useEditorStore } from '../store/context';

export function StatusLine() {
  const status = useEditorStore((s) => s.status);
  return (
    <div className={`status${status ? ` status--${status.tone}` : ''}`} role="status" aria-live="polite" data-testid="status-message">
      {status?.text}
      {status?.action && (
        <button type="button" className="btn btn--small status__action" onClick={status.action.run}>
          {status.action.label}
        </button>
      )}
    </div>
  );
}
