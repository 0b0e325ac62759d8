/** Fresh ids and names: readable (`map-2`, `e7`), unique within their flow, and valid SAFE_IDs. */
import type { FlowDocument } from '../../../flows/schema';

/** The first `<prefix><n>` (n = 1, 2, …) not in `taken`. */
function firstFree(prefix: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

export const nextNodeId = (type: string, taken: ReadonlySet<string>): string => firstFree(`${type}-`, taken);

export const nextEdgeId = (taken: ReadonlySet<string>): string => firstFree('e', taken);

export const nodeIdsOf = (doc: FlowDocument): Set<string> => new Set(doc.nodes.map((n) => n.id));

export const edgeIdsOf = (doc: FlowDocument): Set<string> => new Set(doc.edges.map((e) => e.id));

/** `base`, or `base 2`, `base 3`… whichever no name in `taken` has. */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) if (!names.has(`${base} ${n}`)) return `${base} ${n}`;
}

/** A flow id no listed flow has: the slug of `name`, numbered when needed. */
export function newFlowId(name: string, taken: Iterable<string>): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'flow';
  const ids = new Set(taken);
  if (!ids.has(slug)) return slug;
  for (let n = 2; ; n++) if (!ids.has(`${slug}-${n}`)) return `${slug}-${n}`;
}
