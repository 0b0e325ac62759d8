/**
 * A node type's docs, from the markdown its spec carries: paragraphs, `- ` lists, **bold** and
 * `code`. Built as React elements (never injected HTML).
 */
import type { ReactNode } from 'react';

function inline(text: string): ReactNode[] {
  return text.split(/(`[^`]+`|\*\*[^*]+\*\*)/g).map((part, i) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('**') && part.endsWith('**') && part.length > 3) return <strong key={i}>{part.slice(2, -2)}</strong>;
    return part;
  });
}

type Block = { kind: 'p'; text: string } | { kind: 'ul'; items: string[] };

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  for (const line of markdown.split('\n')) {
    const last = out.at(-1);
    if (line.trim() === '') {
      out.push({ kind: 'p', text: '' });
    } else if (/^\s*- /.test(line)) {
      const item = line.replace(/^\s*- /, '');
      if (last?.kind === 'ul') last.items.push(item);
      else out.push({ kind: 'ul', items: [item] });
    } else if (last?.kind === 'ul' && /^\s+/.test(line)) {
      last.items[last.items.length - 1] += ` ${line.trim()}`;
    } else if (last?.kind === 'p' && last.text !== '') {
      last.text += ` ${line.trim()}`;
    } else {
      out.push({ kind: 'p', text: line.trim() });
    }
  }
  return out.filter((b) => b.kind === 'ul' || b.text !== '');
}

export function NodeDocs({ docs }: { docs: string }) {
  return (
    <div className="docs" data-testid="node-docs">
      {blocks(docs).map((b, i) =>
        b.kind === 'ul' ? (
          <ul key={i}>
            {b.items.map((item, j) => (
              <li key={j}>{inline(item)}</li>
            ))}
          </ul>
        ) : (
          <p key={i}>{inline(b.text)}</p>
        ),
      )}
    </div>
  );
}
