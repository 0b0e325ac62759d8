/** Fixture flows for the e2e tests: the shipped examples in `flows/examples/`, and variants of them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FlowDocument } from '../../flows/schema';

const EXAMPLES_DIR = fileURLToPath(new URL('../../flows/examples/', import.meta.url));

/** A flow from `flows/examples/<name>.json`, as a fresh copy the test may change. */
export function fixtureFlow(name: string): FlowDocument {
  return JSON.parse(readFileSync(`${EXAMPLES_DIR}${name}.json`, 'utf8')) as FlowDocument;
}

/** The flow with one node's `expression` replaced (e.g. by one that does not parse). */
export function withExpression(doc: FlowDocument, nodeId: string, expression: string): FlowDocument {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`fixture ${doc.id} has no node ${nodeId}`);
  return { ...doc, nodes: doc.nodes.map((n) => (n === node ? { ...n, config: { ...n.config, expression } } : n)) };
}

/** The flow with every node piled on the same spot: what auto-layout has to untangle. */
export function piledUp(doc: FlowDocument): FlowDocument {
  return { ...doc, nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: 100 + i * 4, y: 100 + i * 4 } })) };
}

/** A JSONata expression that does not parse (an operator with no right-hand side). */
export const BROKEN_EXPRESSION = '$.a +';
