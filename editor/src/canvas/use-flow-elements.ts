/**
 * React Flow's nodes and edges, derived from the flow document, the selection and the problems.
 * Objects are reused while nothing they show has changed, so a drag re-renders only the node
 * that moves and React Flow keeps its measurements.
 */
import type { Edge } from '@xyflow/react';
import { useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FlowNode } from '../../../flows/schema';
import type { NodeTypeSpec } from '../api/types';
import type { Size } from '../model/layout';
import { nodeDataOf, type EditorNodeData } from '../model/node-data';
import { indexProblems } from '../model/problem-index';
import { useEditorStore } from '../store/context';
import type { FlowRFNode } from './FlowNodeView';

const sameDeps = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** A memo keyed by id: returns the cached value while its deps are the same. */
function useKeyedMemo<T>() {
  const cache = useRef(new Map<string, { deps: unknown[]; value: T }>());
  return (id: string, deps: unknown[], make: () => T): T => {
    const hit = cache.current.get(id);
    if (hit && sameDeps(hit.deps, deps)) return hit.value;
    const value = make();
    cache.current.set(id, { deps, value });
    return value;
  };
}

/**
 * The previous array while every element is the same object: React Flow rebuilds its
 * connection lookup (all edges) for every new `edges` array, so a drag, which changes the
 * document but no edge, must not hand it one.
 */
function useStableArray<T>(items: T[]): T[] {
  const last = useRef(items);
  const prev = last.current;
  if (prev !== items && (prev.length !== items.length || items.some((item, i) => item !== prev[i]))) last.current = items;
  return last.current;
}

const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const positionOf = (n: FlowNode) => ({ x: finite(n.position?.x), y: finite(n.position?.y) });

export function useFlowElements(measured: ReadonlyMap<string, Size>): { nodes: FlowRFNode[]; edges: Edge[] } {
  const { doc, problems, catalogue, selectedNodeIds, selectedEdgeIds } = useEditorStore(
    useShallow((s) => ({ doc: s.doc, problems: s.problems, catalogue: s.catalogue, selectedNodeIds: s.selectedNodeIds, selectedEdgeIds: s.selectedEdgeIds })),
  );
  const index = useMemo(() => indexProblems(problems, doc), [problems, doc]);
  const dataMemo = useKeyedMemo<EditorNodeData>();
  const nodeMemo = useKeyedMemo<FlowRFNode>();
  const edgeMemo = useKeyedMemo<Edge>();

  const nodes = useMemo(() => {
    if (!doc) return [];
    const selected = new Set(selectedNodeIds);
    return (Array.isArray(doc.nodes) ? doc.nodes : [])
      .filter((n) => typeof n?.id === 'string')
      .map((n) => {
        const spec = catalogue.get(n.type) as NodeTypeSpec | undefined;
        const count = index.byNode.get(n.id)?.length ?? 0;
        const data = dataMemo(n.id, [n.name, n.type, n.config, n.policy, n.disabled, spec, count, spec ? null : doc.edges], () => nodeDataOf(n, spec, doc, count));
        const size = measured.get(n.id);
        return nodeMemo(n.id, [n, data, selected.has(n.id), size], () => ({
          id: n.id,
          type: 'tributary' as const,
          position: positionOf(n),
          data,
          selected: selected.has(n.id),
          ariaLabel: data.name,
          ...(size && { measured: size }),
        }));
      });
  }, [doc, selectedNodeIds, catalogue, index, measured]); // eslint-disable-line react-hooks/exhaustive-deps

  const edges = useMemo(() => {
    if (!doc) return [];
    const selected = new Set(selectedEdgeIds);
    const names = new Map(doc.nodes.map((n) => [n.id, n.name ?? n.id]));
    return (Array.isArray(doc.edges) ? doc.edges : [])
      .filter((e) => typeof e?.id === 'string' && e.from && e.to)
      .map((e) => {
        const broken = (index.byEdge.get(e.id)?.length ?? 0) > 0;
        const label = `Wire from ${names.get(e.from.node) ?? e.from.node} (${e.from.port}) to ${names.get(e.to.node) ?? e.to.node} (${e.to.port})`;
        return edgeMemo(e.id, [e, selected.has(e.id), broken, label], () => ({
          id: e.id,
          type: 'live',
          source: e.from.node,
          sourceHandle: e.from.port,
          target: e.to.node,
          targetHandle: e.to.port,
          selected: selected.has(e.id),
          ariaLabel: broken ? `${label}, has problems` : label,
          ...(broken && { className: 'has-problem' }),
        }));
      });
  }, [doc, selectedEdgeIds, index]); // eslint-disable-line react-hooks/exhaustive-deps

  return { nodes: useStableArray(nodes), edges: useStableArray(edges) };
}
