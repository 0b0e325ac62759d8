/**
 * What a node shows on the canvas, as a discriminated union on its category, and the view
 * registry keyed by that category: adding a category without its view does not compile.
 * Everything here is plain JSON (it becomes React Flow's `node.data`).
 */
import type { Category } from '../../../flows/policy';
import type { Port } from '../../../flows/ports';
import { resolveNode } from '../../../flows/resolve-node';
import type { FlowDocument, FlowNode } from '../../../flows/schema';
import type { NodeTypeSpec } from '../api/types';

type NodeDataBase = {
  name: string;
  type: string;
  title: string;
  problems: number;
  disabled: boolean;
  implemented: boolean;
  outputs: Port[];
};

/** Sources start messages: outputs only. */
export type SourceNodeData = NodeDataBase & { category: 'source' };
/** Transforms, merges and sagas: inputs and outputs. */
export type InnerNodeData = NodeDataBase & { category: 'transform' | 'merge' | 'saga'; inputs: Port[] };
/** Sinks end a flow: inputs, and an `error` output only when their errors are routed. */
export type SinkNodeData = NodeDataBase & { category: 'sink'; inputs: Port[] };
/** A node whose type this server doesn't know: drawn with the ports its edges use. */
export type UnknownNodeData = NodeDataBase & { category: 'unknown'; inputs: Port[] };

export type EditorNodeData = SourceNodeData | InnerNodeData | SinkNodeData | UnknownNodeData;
export type NodeKind = EditorNodeData['category'];

export interface KindView {
  label: string;
  /** A short mark drawn on the node and the palette (decorative). */
  glyph: string;
  /** CSS colour of the node's accent stripe. */
  accent: string;
}

export const KIND_VIEWS: { readonly [K in NodeKind]: KindView } = {
  source: { label: 'Sources', glyph: '▶', accent: '#2f7d4f' },
  transform: { label: 'Transforms', glyph: 'ƒ', accent: '#2b6cb0' },
  merge: { label: 'Merges', glyph: '⋈', accent: '#7b4fb0' },
  saga: { label: 'Sagas', glyph: '⟲', accent: '#b0661f' },
  sink: { label: 'Sinks', glyph: '■', accent: '#a33a3a' },
  unknown: { label: 'Unknown', glyph: '?', accent: '#6b7280' },
};

export const assertNever = (value: never): never => {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
};

/** The input ports drawn for a node. */
export function inputsOf(data: EditorNodeData): Port[] {
  switch (data.category) {
    case 'source':
      return [];
    case 'transform':
    case 'merge':
    case 'saga':
    case 'sink':
    case 'unknown':
      return data.inputs;
    default:
      return assertNever(data);
  }
}

const portCache = new WeakMap<object, WeakMap<object, ReturnType<typeof resolveNode>['ports']>>();

/** The node's ports as validation and engine see them (config defaults and policy applied); cached per node object. */
export function portsOf(node: FlowNode, spec: NodeTypeSpec): { inputs: Port[]; outputs: Port[] } {
  let bySpec = portCache.get(node);
  if (!bySpec) portCache.set(node, (bySpec = new WeakMap()));
  let ports = bySpec.get(spec);
  if (!ports) {
    try {
      ports = resolveNode({ ...node, config: node.config ?? {} }, spec).ports;
    } catch {
      ports = { inputs: [], outputs: [] };
    }
    bySpec.set(spec, ports);
  }
  return ports;
}

const uniquePorts = (names: string[]): Port[] => [...new Set(names)].map((name) => ({ name, label: name }));

export function nodeDataOf(node: FlowNode, spec: NodeTypeSpec | undefined, doc: FlowDocument, problems: number): EditorNodeData {
  const base = { name: node.name ?? node.id, type: node.type, problems, disabled: node.disabled === true };
  if (!spec) {
    const edges = doc.edges ?? [];
    return {
      ...base,
      category: 'unknown',
      title: node.type,
      implemented: false,
      inputs: uniquePorts(edges.filter((e) => e.to?.node === node.id).map((e) => e.to.port)),
      outputs: uniquePorts(edges.filter((e) => e.from?.node === node.id).map((e) => e.from.port)),
    };
  }
  const { inputs, outputs } = portsOf(node, spec);
  const common = { ...base, title: spec.title, implemented: spec.implemented !== false, outputs };
  const category: Category = spec.category;
  switch (category) {
    case 'source':
      return { ...common, category };
    case 'transform':
    case 'merge':
    case 'saga':
      return { ...common, category, inputs };
    case 'sink':
      return { ...common, category, inputs };
    default:
      return assertNever(category);
  }
}
