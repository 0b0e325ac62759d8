/**
 * Wiring without a mouse: choose this node's output, a target node and its input, and connect.
 * The same rules as the canvas refuse what the flow forbids, with the reason. Below, the node's
 * wires, each removable.
 */
import { useId, useMemo, useState } from 'react';
import type { FlowNode } from '../../../flows/schema';
import type { NodeTypeSpec } from '../api/types';
import { portsOf } from '../model/node-data';
import { useEditorStore, useEditorStoreApi } from '../store/context';

export function ConnectCommand({ node, spec }: { node: FlowNode; spec: NodeTypeSpec }) {
  const store = useEditorStoreApi();
  const id = useId();
  const nodes = useEditorStore((s) => s.doc?.nodes);
  const edges = useEditorStore((s) => s.doc?.edges);
  const catalogue = useEditorStore((s) => s.catalogue);
  const outputs = portsOf(node, spec).outputs;
  const others = useMemo(() => (nodes ?? []).filter((n) => n.id !== node.id), [nodes, node.id]);
  const [fromPort, setFromPort] = useState('');
  const [toNode, setToNode] = useState('');
  const [toPort, setToPort] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);

  const target = others.find((n) => n.id === toNode);
  const targetSpec = target ? (catalogue.get(target.type) as NodeTypeSpec | undefined) : undefined;
  const inputs = target && targetSpec ? portsOf(target, targetSpec).inputs : [];
  const from = outputs.some((p) => p.name === fromPort) ? fromPort : (outputs[0]?.name ?? '');
  const to = inputs.some((p) => p.name === toPort) ? toPort : (inputs[0]?.name ?? '');
  const nameOf = (nodeId: string) => nodes?.find((n) => n.id === nodeId)?.name ?? nodeId;
  const wires = (edges ?? []).filter((e) => e.from?.node === node.id || e.to?.node === node.id);

  const connect = () => {
    if (!toNode) return setRefusal('Choose the node to connect to.');
    const reason = store.getState().connect({ node: node.id, port: from || 'out' }, { node: toNode, port: to || 'in' });
    setRefusal(reason);
    if (reason) store.getState().say(reason, 'error');
    else store.getState().say(`Wired "${node.name ?? node.id}" ${from} → "${nameOf(toNode)}" ${to}.`, 'success');
  };

  return (
    <div className="connect">
      <div className="connect__grid">
        <label htmlFor={`${id}-from`}>From output</label>
        <select id={`${id}-from`} data-testid="connect-from-port" value={from} onChange={(e) => setFromPort(e.target.value)} disabled={outputs.length === 0}>
          {outputs.length === 0 && <option value="">— no outputs —</option>}
          {outputs.map((p) => (
            <option key={p.name} value={p.name}>
              {p.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-node`}>To node</label>
        <select id={`${id}-node`} data-testid="connect-to-node" value={toNode} onChange={(e) => setToNode(e.target.value)}>
          <option value="">— choose —</option>
          {others.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name ?? n.id} ({n.id})
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-port`}>Input</label>
        <select id={`${id}-port`} data-testid="connect-to-port" value={to} onChange={(e) => setToPort(e.target.value)}>
          {inputs.length === 0 && <option value="">{target ? '— no inputs —' : '—'}</option>}
          {inputs.map((p) => (
            <option key={p.name} value={p.name}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <button type="button" className="btn" data-testid="connect-submit" onClick={connect}>
        Connect
      </button>
      {refusal && (
        <p className="error-detail" role="alert">
          {refusal}
        </p>
      )}
      {wires.length > 0 && (
        <ul className="connect__wires" aria-label="Wires of this node">
          {wires.map((e) => (
            <li key={e.id}>
              <span>
                {nameOf(e.from.node)} <code>{e.from.port}</code> → {nameOf(e.to.node)} <code>{e.to.port}</code>
              </span>
              <button type="button" className="btn btn--small btn--danger" aria-label={`Remove wire from ${nameOf(e.from.node)} to ${nameOf(e.to.node)}`} onClick={() => store.getState().removeElements([], [e.id])}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
