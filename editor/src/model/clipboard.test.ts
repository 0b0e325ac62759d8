import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../../flows/schema';
import { copyNodes, pasteClip } from './clipboard';

const doc = (nodes: string[], edges: Array<[string, string]> = []): FlowDocument => ({
  format: 'tributary.flow/v1',
  id: 'f',
  name: 'F',
  nodes: nodes.map((id) => ({ id, type: 'map', position: { x: 10, y: 20 }, config: { expression: id } })),
  edges: edges.map(([from, to], i) => ({ id: `e${i + 1}`, from: { node: from, port: 'out' }, to: { node: to, port: 'in' } })),
});

describe('when nodes are copied and pasted', () => {
  it('pastes them under new ids, with the wires between them renamed and wires to others left out', () => {
    const source = doc(['map-1', 'map-2', 'map-3'], [['map-1', 'map-2'], ['map-2', 'map-3']]);
    const clip = copyNodes(source, ['map-1', 'map-2'])!;
    const pasted = pasteClip(source, clip, 40);
    expect(pasted.nodes.map((n) => n.id)).toEqual(['map-4', 'map-5']);
    expect(pasted.nodes.map((n) => n.config)).toEqual([{ expression: 'map-1' }, { expression: 'map-2' }]);
    expect(pasted.nodes[0]!.position).toEqual({ x: 50, y: 60 });
    expect(pasted.edges).toEqual([{ id: 'e3', from: { node: 'map-4', port: 'out' }, to: { node: 'map-5', port: 'in' } }]);
  });

  it('pastes into another flow with ids new to that flow', () => {
    const clip = copyNodes(doc(['map-1']), ['map-1'])!;
    const other = doc(['map-1', 'map-2']);
    expect(pasteClip(other, clip, 40).nodes.map((n) => n.id)).toEqual(['map-3']);
  });

  it('copies nothing when no node is selected', () => {
    expect(copyNodes(doc(['map-1']), [])).toBeNull();
  });
});
