import { describe, expect, it } from 'vitest';
import { nodeCatalogue } from '../../../nodes/catalogue';
import type { FlowDocument } from '../../../flows/schema';
import { validateFlow } from '../../../flows/validate';
import { connectionRefusal } from './connect';

const flow: FlowDocument = {
  format: 'tributary.flow/v1',
  id: 'f',
  name: 'F',
  nodes: [
    { id: 'in', type: 'inject', name: 'Start', position: { x: 0, y: 0 }, config: {} },
    { id: 'a', type: 'map', name: 'A', position: { x: 0, y: 0 }, config: {} },
    { id: 'b', type: 'map', name: 'B', position: { x: 0, y: 0 }, config: {} },
    { id: 'out', type: 'log', name: 'Show', position: { x: 0, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'a', port: 'in' } },
    { id: 'e2', from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } },
  ],
};

const refusal = (from: [string, string], to: [string, string]) =>
  connectionRefusal(flow, nodeCatalogue, { node: from[0], port: from[1] }, { node: to[0], port: to[1] });

describe('when two ports are to be wired', () => {
  it('allows an output into an input that keeps the flow acyclic', () => {
    expect(refusal(['b', 'out'], ['out', 'in'])).toBeNull();
  });

  it('refuses an input on a source, saying it is a source', () => {
    expect(refusal(['a', 'out'], ['in', 'in'])).toMatch(/"Start" is a source/);
  });

  it('refuses an output of a sink, saying it is a sink', () => {
    expect(refusal(['out', 'out'], ['a', 'in'])).toMatch(/"Show" is a sink/);
  });

  it('refuses a wire that closes a cycle', () => {
    expect(refusal(['b', 'out'], ['a', 'in'])).toMatch(/cycle/);
  });

  it('refuses the same wire twice', () => {
    expect(refusal(['in', 'out'], ['a', 'in'])).toMatch(/already wired/);
  });

  it('refuses a node feeding itself', () => {
    expect(refusal(['a', 'out'], ['a', 'in'])).toMatch(/can't feed itself/);
  });

  it('refuses a port the node does not have', () => {
    expect(refusal(['a', 'nope'], ['b', 'in'])).toMatch(/no output "nope"/);
  });

  it('refuses an input the node does not have', () => {
    expect(refusal(['a', 'out'], ['b', 'nope'])).toMatch(/"B" has no input "nope"/);
  });

  it('refuses a node whose type is unknown, naming the type', () => {
    const odd: FlowDocument = { ...flow, nodes: [...flow.nodes, { id: 'x', type: 'teleport', position: { x: 0, y: 0 }, config: {} }] };
    expect(connectionRefusal(odd, nodeCatalogue, { node: 'a', port: 'out' }, { node: 'x', port: 'in' })).toMatch(/unknown type "teleport"/);
  });

  it('refuses exactly the wires that validation would then find a graph problem in', () => {
    const ports = ['in', 'out', 'error', 'nope'];
    const graphCodes = new Set(['missing-node', 'unknown-port', 'source-input', 'sink-output', 'duplicate-edge', 'cycle']);
    const graphProblems = (doc: FlowDocument) => validateFlow(doc, nodeCatalogue).problems.filter((p) => graphCodes.has(p.code)).length;
    const before = graphProblems(flow);
    for (const from of flow.nodes) {
      for (const to of flow.nodes) {
        for (const fromPort of ports) {
          for (const toPort of ports) {
            const wired: FlowDocument = { ...flow, edges: [...flow.edges, { id: 'new', from: { node: from.id, port: fromPort }, to: { node: to.id, port: toPort } }] };
            const refused = connectionRefusal(flow, nodeCatalogue, { node: from.id, port: fromPort }, { node: to.id, port: toPort }) !== null;
            expect(refused, `${from.id}.${fromPort} → ${to.id}.${toPort}`).toBe(graphProblems(wired) > before);
          }
        }
      }
    }
  });
});
