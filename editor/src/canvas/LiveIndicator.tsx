/** Whether the canvas's counters are live: live / connecting / reconnecting / offline. */
import { useEditorStore } from '../store/context';

const TEXT = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline' } as const;

export function LiveIndicator() {
  const connection = useEditorStore((s) => s.liveConnection);
  const watching = useEditorStore((s) => s.doc !== null && s.revision !== null);
  if (!watching) return null;
  return (
    <div className={`live-indicator is-${connection}`} data-testid="live-indicator" data-state={connection} role="status" aria-live="polite">
      <span className="live-indicator__dot" aria-hidden="true" />
      {TEXT[connection]}
    </div>
  );
}
