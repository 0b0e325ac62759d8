/** The selected node: its name, config form, wires, policy and docs. */
import { useId } from 'react';
import type { FlowNode } from '../../../flows/schema';
import { KIND_VIEWS } from '../model/node-data';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { selectSpec } from '../store/selectors';
import { ConfigForm } from './ConfigForm';
import { ConnectCommand } from './ConnectCommand';
import { NodeDocs } from './NodeDocs';
import { PolicyForm } from './PolicyForm';

export function NodeInspector({ node }: { node: FlowNode }) {
  const store = useEditorStoreApi();
  const id = useId();
  const spec = useEditorStore(selectSpec(node.type));
  const nodeIndex = useEditorStore((s) => s.doc?.nodes.findIndex((n) => n.id === node.id) ?? -1);
  const problemCount = useEditorStore((s) => s.problems.filter((p) => p.nodeId === node.id || p.pointer.startsWith(`/nodes/${nodeIndex}/`)).length);
  const view = KIND_VIEWS[spec?.category ?? 'unknown'];

  return (
    <div className="inspector__node">
      <header className="inspector__head" style={{ borderLeftColor: view.accent }}>
        <h2>
          <span aria-hidden="true" style={{ color: view.accent }}>
            {view.glyph}
          </span>{' '}
          {spec?.title ?? node.type}
        </h2>
        <p className="muted small">
          {node.id} · {spec?.category ?? 'unknown type'}
          {problemCount > 0 && <span className="inspector__problems"> · {problemCount} problem{problemCount === 1 ? '' : 's'}</span>}
        </p>
        {spec?.implemented === false && <p className="note">This node type's runtime is planned: the flow can be saved but not deployed yet.</p>}
      </header>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          data-testid="node-name-input"
          value={node.name ?? ''}
          placeholder={node.id}
          maxLength={200}
          onChange={(e) => store.getState().updateNode(node.id, { name: e.target.value === '' ? undefined : e.target.value }, `name:${node.id}`)}
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={node.disabled === true} onChange={(e) => store.getState().updateNode(node.id, { disabled: e.target.checked ? true : undefined })} /> Disabled (passes nothing on, starts nothing)
      </label>
      {!spec ? (
        <p className="error-detail">Unknown node type "{node.type}": this server has no such node. Delete it or change the flow's source.</p>
      ) : (
        <>
          <section aria-labelledby={`${id}-config`}>
            <h3 id={`${id}-config`}>Configuration</h3>
            <ConfigForm node={node} nodeIndex={nodeIndex} spec={spec} />
          </section>
          <section aria-labelledby={`${id}-connect`}>
            <h3 id={`${id}-connect`}>Wires</h3>
            <ConnectCommand node={node} spec={spec} />
          </section>
          <section aria-labelledby={`${id}-policy`}>
            <h3 id={`${id}-policy`}>Policy</h3>
            <PolicyForm node={node} nodeIndex={nodeIndex} spec={spec} />
          </section>
          <section aria-labelledby={`${id}-docs`}>
            <h3 id={`${id}-docs`}>About {spec.title}</h3>
            <NodeDocs docs={spec.docs} />
          </section>
        </>
      )}
    </div>
  );
}
