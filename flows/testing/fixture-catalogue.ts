/**
 * A small catalogue for testing flow validation on its own, independent of the real node specs:
 * one type per category plus a switch-like and a merge-like type whose ports follow config.
 */
import { Type } from '@sinclair/typebox';
import { catalogueOf, type CatalogueEntry } from '../catalogue';
import { SINGLE_INPUT, SINGLE_OUTPUT } from '../ports';
import { Expression } from '../schema';

const entries: CatalogueEntry[] = [
  { type: 'src', category: 'source', configSchema: Type.Object({}, { additionalProperties: false }), ports: { inputs: [], outputs: SINGLE_OUTPUT } },
  {
    type: 'xform',
    category: 'transform',
    configSchema: Type.Object({ expression: Expression({ default: '$' }) }, { additionalProperties: false }),
    ports: { inputs: SINGLE_INPUT, outputs: SINGLE_OUTPUT },
  },
  {
    type: 'route',
    category: 'transform',
    configSchema: Type.Object(
      {
        rules: Type.Array(Type.Object({ port: Type.String(), when: Expression() }, { additionalProperties: false }), { minItems: 1 }),
        otherwise: Type.Boolean({ default: true }),
      },
      { additionalProperties: false },
    ),
    ports: {
      inputs: SINGLE_INPUT,
      outputs: [
        { kind: 'each', items: '/config/rules', name: '/port' },
        { kind: 'fixed', name: 'otherwise', when: { path: '/config/otherwise', in: [true] } },
      ],
    },
  },
  {
    type: 'join',
    category: 'merge',
    configSchema: Type.Object(
      {
        inputs: Type.Array(Type.String(), { minItems: 1, default: ['a', 'b'] }),
        mode: Type.Union([Type.Literal('join'), Type.Literal('window')], { default: 'join' }),
      },
      { additionalProperties: false },
    ),
    ports: {
      inputs: [{ kind: 'each', items: '/config/inputs', name: '' }],
      outputs: [...SINGLE_OUTPUT, { kind: 'fixed', name: 'timeout', when: { path: '/config/mode', in: ['join'] } }],
    },
  },
  { type: 'dst', category: 'sink', configSchema: Type.Object({ level: Type.Optional(Type.String()) }, { additionalProperties: false }), ports: { inputs: SINGLE_INPUT, outputs: [] } },
];

export const fixtureCatalogue = catalogueOf(entries);

type Node = { id: string; type: string; config?: Record<string, unknown>; policy?: Record<string, unknown> };
type Edge = [id: string, from: string, fromPort: string, to: string, toPort: string];

/** A flow document from terse nodes and edges. */
export const flowOf = (nodes: Node[], edges: Edge[] = []) => ({
  format: 'tributary.flow/v1',
  id: 'f1',
  name: 'Fixture',
  nodes: nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, config: {}, ...n })),
  edges: edges.map(([id, from, fromPort, to, toPort]) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } })),
});
