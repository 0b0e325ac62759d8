/**
 * Whether an output may be wired to an input, and if not, why — said the way a person would
 * want to hear it. The same rules as validation's graph checks (flows/graph.ts), asked before
 * the edge exists so the canvas can refuse it.
 */
import type { Catalogue } from '../../../flows/catalogue';
import type { FlowDocument, FlowNode } from '../../../flows/schema';
import type { NodeTypeSpec } from '../api/types';
import type { Endpoint } from './doc-ops';
import { portsOf } from './node-data';

const label = (node: FlowNode) => `"${node.name ?? node.id}"`;

/** True when following edges from `start` reaches `goal`. */
export function reaches(doc: FlowDocument, start: string, goal: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (!e.from || !e.to) continue;
    out.set(e.from.node, [...(out.get(e.from.node) ?? []), e.to.node]);
  }
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return false;
}

/** Why `from` can't be wired to `to`, or null when it can. */
export function connectionRefusal(doc: FlowDocument, catalogue: Catalogue, from: Endpoint, to: Endpoint): string | null {
  const source = doc.nodes.find((n) => n.id === from.node);
  const target = doc.nodes.find((n) => n.id === to.node);
  if (!source || !target) return 'That node is no longer in the flow.';
  if (source.id === target.id) return `${label(source)} can't feed itself: flows must be acyclic (a retry policy replaces a loop).`;
  const sourceSpec = catalogue.get(source.type) as NodeTypeSpec | undefined;
  const targetSpec = catalogue.get(target.type) as NodeTypeSpec | undefined;
  if (!sourceSpec) return `${label(source)} has an unknown type "${source.type}".`;
  if (!targetSpec) return `${label(target)} has an unknown type "${target.type}".`;
  if (targetSpec.category === 'source') return `${label(target)} is a source: sources start messages and take no input.`;
  const outputs = portsOf(source, sourceSpec).outputs;
  if (!outputs.some((p) => p.name === from.port)) {
    return sourceSpec.category === 'sink'
      ? `${label(source)} is a sink: sinks end a flow and have no outputs (only "error", when its on-error policy routes errors).`
      : `${label(source)} has no output "${from.port}".`;
  }
  const inputs = portsOf(target, targetSpec).inputs;
  if (!inputs.some((p) => p.name === to.port)) return `${label(target)} has no input "${to.port}".`;
  const twin = doc.edges.some((e) => e.from?.node === from.node && e.from.port === from.port && e.to?.node === to.node && e.to.port === to.port);
  if (twin) return `${label(source)} "${from.port}" is already wired to ${label(target)} "${to.port}".`;
  if (reaches(doc, target.id, source.id)) {
    return `That would make a cycle: ${label(target)} already leads back to ${label(source)}. Flows must be acyclic (a retry policy replaces a loop).`;
  }
  return null;
}
