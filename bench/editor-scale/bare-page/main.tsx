/**
 * The benchmark's baseline: a bare React Flow 12 page with default nodes, showing the same
 * generated flow as the editor (`?flow=<url of the flow document>`), with the same zoom bounds
 * and fit. Not part of the editor bundle: bench/editor-scale/bare-page.ts builds it on its own.
 *
 * `window.benchRelabel(fraction)` starts relabelling that fraction of the nodes 10 times a
 * second through `node.data` — the naive way to show live counters — and returns a stop function.
 */
import { applyNodeChanges, ReactFlow, ReactFlowProvider, type Edge, type Node, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

interface FlowDoc {
  nodes: Array<{ id: string; name?: string; position: { x: number; y: number } }>;
  edges: Array<{ id: string; from: { node: string }; to: { node: string } }>;
}

declare global {
  interface Window {
    benchRelabel?: (fraction: number) => () => void;
  }
}

function Bare({ doc }: { doc: FlowDoc }) {
  const [nodes, setNodes] = useState<Node[]>(() => doc.nodes.map((n) => ({ id: n.id, position: n.position, data: { label: n.name ?? n.id } })));
  const [edges] = useState<Edge[]>(() => doc.edges.map((e) => ({ id: e.id, source: e.from.node, target: e.to.node })));
  const onNodesChange = useCallback((changes: NodeChange[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);

  useEffect(() => {
    window.benchRelabel = (fraction) => {
      let tick = 0;
      const timer = setInterval(() => {
        tick += 1;
        const every = Math.max(1, Math.round(1 / fraction));
        setNodes((ns) => ns.map((n, i) => ((i + tick) % every === 0 ? { ...n, data: { label: `${doc.nodes[i]?.name ?? n.id} · ${tick}` } } : n)));
      }, 100);
      return () => clearInterval(timer);
    };
  }, [doc]);

  return <ReactFlow nodes={nodes} edges={edges} onNodesChange={onNodesChange} minZoom={0.2} maxZoom={2} fitView fitViewOptions={{ padding: 0.2, maxZoom: 1 }} />;
}

const source = new URLSearchParams(location.search).get('flow');
if (!source) throw new Error('bare page: no ?flow=');
const doc = (await (await fetch(source)).json()) as FlowDoc;
createRoot(document.getElementById('root')!).render(
  <div style={{ width: '100vw', height: '100vh' }}>
    <ReactFlowProvider>
      <Bare doc={doc} />
    </ReactFlowProvider>
  </div>,
);
