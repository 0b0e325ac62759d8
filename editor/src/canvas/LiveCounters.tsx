/**
 * A node's live counters and status colour, hanging under the node. It subscribes to its own
 * node's entry in the live slice only, so a batch re-renders the nodes it touched and nothing
 * else; and it is positioned outside the node's box, so a changing count never resizes the node
 * (which would make React Flow measure it again).
 */
import { memo } from 'react';
import type { NodeCounters } from '../../../flows/live-events';
import { useEditorStore } from '../store/context';

const SHOWN: ReadonlyArray<{ key: keyof NodeCounters; label: string; always?: boolean }> = [
  { key: 'started', label: 'in', always: true },
  { key: 'completed', label: 'out', always: true },
  { key: 'failed', label: 'err' },
  { key: 'retried', label: 'retry' },
  { key: 'deadLettered', label: 'dead' },
  { key: 'skipped', label: 'skip' },
];

const TITLES: Record<keyof NodeCounters, string> = {
  started: 'messages in (attempts started)',
  completed: 'messages out (completed)',
  failed: 'errors (failed attempts)',
  retried: 'retries',
  deadLettered: 'dead letters',
  skipped: 'skipped as duplicates',
};

function LiveCountersImpl({ id }: { id: string }) {
  const live = useEditorStore((s) => s.liveNodes.get(id));
  // A node that never ran shows nothing: a strip of zeros on every node of a large flow is noise,
  // and each one costs paint on every frame of a pan.
  if (!live || live.status === 'idle') return null;
  const { counts, status } = live;
  return (
    <div className={`tlive is-${status}`} data-testid={`node-live-${id}`} data-status={status}>
      {SHOWN.filter((c) => c.always || counts[c.key] > 0).map((c) => (
        <span key={c.key} className="tlive__count" title={TITLES[c.key]} data-testid={`node-live-${id}-${c.key}`} data-count={counts[c.key]}>
          {c.label} {counts[c.key]}
        </span>
      ))}
    </div>
  );
}

export const LiveCounters = memo(LiveCountersImpl);
