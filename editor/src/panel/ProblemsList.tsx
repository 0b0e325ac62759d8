/**
 * Every problem of the flow, live. Clicking one selects its node (or wire) and brings it into
 * view; its pointer says exactly where in the document it is.
 */
import { useMemo } from 'react';
import type { Problem } from '../../../flows/problems';
import { edgeIdOf, nodeIdOf } from '../model/problem-index';
import { useEditorStore, useEditorStoreApi } from '../store/context';

export function ProblemsList() {
  const store = useEditorStoreApi();
  const problems = useEditorStore((s) => s.problems);
  const doc = useEditorStore((s) => s.doc);
  const rows = useMemo(
    () => problems.map((p) => ({ problem: p, nodeId: nodeIdOf(p, doc), edgeId: edgeIdOf(p, doc) })),
    [problems, doc],
  );
  const nameOf = (id: string) => doc?.nodes.find((n) => n.id === id)?.name ?? id;

  const reveal = (p: Problem, nodeId: string | undefined, edgeId: string | undefined) => {
    const s = store.getState();
    if (nodeId) {
      s.setSelection([nodeId], []);
      s.revealNode(nodeId);
    } else if (edgeId) {
      s.setSelection([], [edgeId]);
    } else {
      s.say(`${p.pointer || 'The document'}: ${p.message}`);
    }
  };

  if (!doc) return <p className="problems__none muted">No flow is open.</p>;
  if (rows.length === 0) return <p className="problems__none">No problems. The flow is ready to deploy.</p>;
  return (
    <ul className="problems" aria-label="Problems">
      {rows.map(({ problem: p, nodeId, edgeId }, i) => (
        <li key={`${p.pointer}\u0000${p.message}\u0000${i}`}>
          <button type="button" className="problems__item" data-testid="problem-item" data-pointer={p.pointer} data-node-id={nodeId} data-code={p.code} onClick={() => reveal(p, nodeId, edgeId)}>
            <span className="problems__where">{nodeId ? nameOf(nodeId) : edgeId ? `wire ${edgeId}` : 'flow'}</span>
            <span className="problems__message">{p.message}</span>
            <code className="problems__pointer">{p.pointer || '/'}</code>
          </button>
        </li>
      ))}
    </ul>
  );
}
