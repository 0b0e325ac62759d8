/**
 * The palette: node types by category, from the server's catalogue, with search. Drag an item
 * onto the canvas, or press Enter (or click) to add it in the middle of the view.
 */
import { useMemo, useState, type DragEvent } from 'react';
import { CATEGORIES } from '../../../flows/policy';
import type { NodeTypeSpec } from '../api/types';
import { NODE_TYPE_MIME } from '../canvas/use-canvas-drop';
import { KIND_VIEWS } from '../model/node-data';
import { useEditorStore } from '../store/context';
import { useAddNodeAtCenter } from './use-add-node';

const firstLine = (docs: string) => docs.split('\n').find((l) => l.trim() !== '')?.replace(/[*`]/g, '') ?? '';

function matches(spec: NodeTypeSpec, terms: string[]): boolean {
  const haystack = [spec.type, spec.title, spec.category, ...(spec.keywords ?? [])].join(' ').toLowerCase();
  return terms.every((t) => haystack.includes(t));
}

function PaletteItem({ spec, onAdd }: { spec: NodeTypeSpec; onAdd: (type: string) => void }) {
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(NODE_TYPE_MIME, spec.type);
    event.dataTransfer.effectAllowed = 'copy';
  };
  const planned = spec.implemented === false;
  return (
    <button
      type="button"
      className="palette__item"
      draggable
      data-testid={`palette-item-${spec.type}`}
      onDragStart={onDragStart}
      onClick={() => onAdd(spec.type)}
      title={`${firstLine(spec.docs)}\nDrag onto the canvas, or press Enter to add.`}
      aria-label={`Add ${spec.title}${planned ? ' (runtime planned)' : ''}`}
      style={{ borderLeftColor: KIND_VIEWS[spec.category].accent }}
    >
      <span className="palette__glyph" aria-hidden="true" style={{ color: KIND_VIEWS[spec.category].accent }}>
        {KIND_VIEWS[spec.category].glyph}
      </span>
      <span className="palette__title">{spec.title}</span>
      {planned && <span className="tag">planned</span>}
    </button>
  );
}

export function Palette() {
  const specs = useEditorStore((s) => s.specs);
  const error = useEditorStore((s) => s.catalogueError);
  const [query, setQuery] = useState('');
  const addNode = useAddNodeAtCenter();
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = useMemo(() => specs.filter((s) => matches(s, terms)), [specs, query]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section className="palette" data-testid="palette" aria-labelledby="palette-heading">
      <h2 id="palette-heading" className="side__heading">
        Nodes
      </h2>
      <input
        type="search"
        className="palette__search"
        data-testid="palette-search"
        aria-label="Search node types"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && shown[0]) addNode(shown[0].type);
        }}
      />
      {error && (
        <p className="palette__error" role="alert">
          {error}
        </p>
      )}
      <div className="palette__groups">
        {CATEGORIES.map((category) => {
          const items = shown.filter((s) => s.category === category);
          if (items.length === 0) return null;
          return (
            <div key={category} role="group" aria-labelledby={`palette-${category}`}>
              <h3 id={`palette-${category}`} className="palette__category">
                {KIND_VIEWS[category].label}
              </h3>
              <ul className="palette__list">
                {items.map((spec) => (
                  <li key={spec.type}>
                    <PaletteItem spec={spec} onAdd={addNode} />
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
        {specs.length > 0 && shown.length === 0 && <p className="muted">No node type matches “{query}”.</p>}
      </div>
    </section>
  );
}
