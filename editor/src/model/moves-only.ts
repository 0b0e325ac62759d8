/**
 * Whether one document differs from another only by where nodes stand: then validation has
 * nothing new to say (positions are always valid once moved), and a drag of a 1,000-node flow
 * doesn't re-check every node (and re-parse its expressions) at each pause.
 */
import type { FlowDocument, FlowNode } from '../../../flows/schema';

const sameExceptPosition = (a: FlowNode, b: FlowNode): boolean => {
  if (a === b) return true;
  const keys = Object.keys(a) as Array<keyof FlowNode>;
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key === 'position' || Object.is(a[key], b[key]));
};

export function movesOnly(prev: FlowDocument | null, next: FlowDocument | null): boolean {
  if (!prev || !next || prev === next) return prev === next;
  if (prev.edges !== next.edges || prev.nodes.length !== next.nodes.length) return false;
  const keys = Object.keys(next) as Array<keyof FlowDocument>;
  if (keys.length !== Object.keys(prev).length || !keys.every((key) => key === 'nodes' || Object.is(prev[key], next[key]))) return false;
  return next.nodes.every((node, i) => sameExceptPosition(prev.nodes[i]!, node));
}
