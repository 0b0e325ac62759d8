import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../../flows/schema';
import { moveNodes, updateNode } from './doc-ops';
import { movesOnly } from './moves-only';

const doc = {
  format: 'tributary.flow/v1',
  id: 'f',
  name: 'f',
  nodes: [
    { id: 'a', type: 'inject', position: { x: 0, y: 0 }, config: {} },
    { id: 'b', type: 'map', position: { x: 200, y: 0 }, config: { expression: '$' } },
  ],
  edges: [{ id: 'e', from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } }],
} as FlowDocument;

describe('movesOnly', () => {
  it('says a drag changed nothing validation sees', () => {
    expect(movesOnly(doc, moveNodes(doc, new Map([['b', { x: 320, y: 40 }]])))).toBe(true);
  });

  it('says a change of config, name, edges or node list is more than a move', () => {
    expect(movesOnly(doc, updateNode(doc, 'b', { config: { expression: '$$' } }))).toBe(false);
    expect(movesOnly(doc, updateNode(doc, 'b', { name: 'renamed' }))).toBe(false);
    expect(movesOnly(doc, { ...doc, edges: [] })).toBe(false);
    expect(movesOnly(doc, { ...doc, nodes: doc.nodes.slice(0, 1) })).toBe(false);
    expect(movesOnly(doc, { ...doc, name: 'other' })).toBe(false);
    expect(movesOnly(null, doc)).toBe(false);
  });
});
