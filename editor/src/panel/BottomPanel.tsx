/**
 * The bottom panel: tabs below the canvas. Problems is the first; live tracing (runs, dead
 * letters, log) adds its tabs to TABS.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { useEditorStore } from '../store/context';
import { ProblemsList } from './ProblemsList';
import { StatusLine } from './StatusLine';

const TABS = [{ key: 'problems', label: 'Problems', testId: 'problems-tab', Panel: ProblemsList }] as const;
type TabKey = (typeof TABS)[number]['key'];

export function BottomPanel() {
  const id = useId();
  const [active, setActive] = useState<TabKey>('problems');
  const count = useEditorStore((s) => s.problems.length);
  const current = TABS.find((t) => t.key === active) ?? TABS[0];

  const onKeyDown = (event: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.key === active);
    const next = event.key === 'ArrowRight' ? i + 1 : event.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    const tab = TABS[(next + TABS.length) % TABS.length]!;
    setActive(tab.key);
    document.getElementById(`${id}-${tab.key}-tab`)?.focus();
  };

  return (
    <section className="bottom" aria-label="Bottom panel">
      <div className="bottom__bar">
        <div role="tablist" aria-label="Panels" className="tabs" onKeyDown={onKeyDown}>
          {TABS.map((tab) => (
            <button
              key={tab.key}
              id={`${id}-${tab.key}-tab`}
              role="tab"
              type="button"
              className="tabs__tab"
              data-testid={tab.testId}
              aria-selected={tab.key === active}
              aria-controls={`${id}-${tab.key}-panel`}
              tabIndex={tab.key === active ? 0 : -1}
              onClick={() => setActive(tab.key)}
            >
              {tab.label}
              {tab.key === 'problems' && <span className={`tabs__count${count > 0 ? ' is-bad' : ''}`}>{count}</span>}
            </button>
          ))}
        </div>
        <StatusLine />
      </div>
      <div id={`${id}-${current.key}-panel`} role="tabpanel" aria-labelledby={`${id}-${current.key}-tab`} className="bottom__panel" tabIndex={0}>
        <current.Panel />
      </div>
    </section>
  );
}
