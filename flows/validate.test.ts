import { describe, expect, it } from 'vitest';
import { FLOW_LIMITS } from './limits';
import type { Problem } from './problems';
import { fixtureCatalogue as catalogue, flowOf } from './testing/fixture-catalogue';
import { validateFlow } from './validate';

const problemsOf = (doc: unknown): Problem[] => validateFlow(doc, catalogue).problems;
const located = (doc: unknown) => problemsOf(doc).map((p) => [p.code, p.pointer]);

const chain = () =>
  flowOf(
    [
      { id: 's', type: 'src' },
      { id: 'x', type: 'xform', config: { expression: '$.a' } },
      { id: 'd', type: 'dst' },
    ],
    [
      ['e1', 's', 'out', 'x', 'in'],
      ['e2', 'x', 'out', 'd', 'in'],
    ],
  );

describe('when a flow is well formed', () => {
  it('accepts it and returns the document', () => {
    const doc = chain();
    const result = validateFlow(doc, catalogue);
    expect(result).toEqual({ valid: true, flow: doc, problems: [] });
  });

  it('does not change the document (defaults are applied to copies)', () => {
    const doc = flowOf([{ id: 'r', type: 'route', config: { rules: [{ port: 'hi', when: 'a > 1' }] } }]);
    const before = JSON.stringify(doc);
    validateFlow(doc, catalogue);
    expect(JSON.stringify(doc)).toBe(before);
  });
});

describe('when the document shape is wrong', () => {
  it('locates a missing field, an unknown field and a wrong type', () => {
    const doc: Record<string, unknown> = { ...chain(), extra: 1 };
    delete doc.name;
    (doc.nodes as Array<Record<string, unknown>>)[0]!.position = { x: 'left', y: 0 };
    expect(located(doc)).toEqual(
      expect.arrayContaining([
        ['shape', '/name'],
        ['shape', '/extra'],
        ['shape', '/nodes/0/position/x'],
      ]),
    );
  });

  it('rejects a wrong format before anything else', () => {
    expect(located({ ...chain(), format: 'node-red' })).toEqual([['shape', '/format']]);
  });

  it('rejects ids that could be paths', () => {
    const doc = chain();
    doc.id = '../etc/passwd';
    doc.nodes[1]!.id = 'a/b';
    expect(located(doc)).toEqual(expect.arrayContaining([['shape', '/id'], ['shape', '/nodes/1/id']]));
  });

  it('names the allowed values of a union in one problem', () => {
    const doc = chain();
    Object.assign(doc.nodes[1]!, { policy: { onError: 'explode' } });
    const problems = problemsOf(doc).filter((p) => p.pointer === '/nodes/1/policy/onError');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe('must be one of "dead-letter", "error", "drop"');
  });
});

describe('when node configs are checked against their type', () => {
  it('locates config problems inside the node, with its id', () => {
    const doc = flowOf([{ id: 'r', type: 'route', config: { rules: [], colour: 'red' } }]);
    const problems = problemsOf(doc);
    expect(problems.map((p) => [p.code, p.pointer, p.nodeId])).toEqual(
      expect.arrayContaining([
        ['config', '/nodes/0/config/rules', 'r'],
        ['config', '/nodes/0/config/colour', 'r'],
      ]),
    );
  });

  it('reports an unknown node type and does not judge its edges', () => {
    const doc = flowOf(
      [
        { id: 's', type: 'src' },
        { id: 'q', type: 'teleport' },
      ],
      [['e1', 's', 'out', 'q', 'in']],
    );
    expect(located(doc)).toEqual([['unknown-type', '/nodes/1/type']]);
    expect(problemsOf(doc)[0]!.message).toContain('teleport');
  });

  it('reports invalid JSONata with the parser message and position', () => {
    const doc = chain();
    doc.nodes[1]!.config = { expression: '$.a +' };
    const [problem] = problemsOf(doc);
    expect(problem).toMatchObject({ code: 'expression', pointer: '/nodes/1/config/expression', nodeId: 'x' });
    expect(problem!.message).toMatch(/^invalid JSONata: .+/);
  });

  it('checks JSONata in the policy too (the idempotency key)', () => {
    const doc = chain();
    Object.assign(doc.nodes[2]!, { policy: { idempotency: { key: '$.id ==', ttlSec: 60 } } });
    expect(located(doc)).toEqual([['expression', '/nodes/2/policy/idempotency/key']]);
  });

  it('refuses a circuit breaker on a node that is not a sink', () => {
    const doc = chain();
    Object.assign(doc.nodes[1]!, { policy: { circuitBreaker: { threshold: 3, resetMs: 1000 } } });
    expect(located(doc)).toEqual([['policy', '/nodes/1/policy/circuitBreaker']]);
  });

  it('reports two rules that name the same port at the second one', () => {
    const doc = flowOf([{ id: 'r', type: 'route', config: { rules: [{ port: 'a', when: 'x' }, { port: 'a', when: 'y' }] } }]);
    expect(located(doc)).toEqual([['config', '/nodes/0/config/rules/1/port']]);
  });
});

describe('when ids repeat', () => {
  it('reports duplicate node ids and duplicate edge ids where the repeat is', () => {
    const doc = chain();
    doc.nodes[2]!.id = 'x';
    doc.edges[1]!.id = 'e1';
    doc.edges[1]!.to.node = 's';
    expect(located(doc)).toEqual(expect.arrayContaining([['duplicate-id', '/nodes/2/id'], ['duplicate-id', '/edges/1/id']]));
  });
});

describe('when edges are checked against the graph', () => {
  it('reports an edge to a missing node', () => {
    const doc = chain();
    doc.edges[1]!.to.node = 'ghost';
    expect(located(doc)).toEqual([['missing-node', '/edges/1/to/node']]);
  });

  it('reports a port the node does not have, listing the ones it has', () => {
    const doc = chain();
    doc.edges[0]!.from.port = 'sideways';
    const [problem] = problemsOf(doc);
    expect(problem).toMatchObject({ code: 'unknown-port', pointer: '/edges/0/from/port', edgeId: 'e1', nodeId: 's' });
    expect(problem!.message).toContain('it has: out');
  });

  it('knows ports that follow from config: rule ports, otherwise, merge inputs, error port', () => {
    const doc = flowOf(
      [
        { id: 's', type: 'src' },
        { id: 'r', type: 'route', config: { rules: [{ port: 'big', when: 'n > 9' }] }, policy: { onError: 'error' } },
        { id: 'j', type: 'join', config: { inputs: ['left', 'right'] } },
        { id: 'd', type: 'dst' },
      ],
      [
        ['e1', 's', 'out', 'r', 'in'],
        ['e2', 'r', 'big', 'j', 'left'],
        ['e3', 'r', 'otherwise', 'j', 'right'],
        ['e4', 'r', 'error', 'd', 'in'],
        ['e5', 'j', 'timeout', 'd', 'in'],
      ],
    );
    expect(problemsOf(doc)).toEqual([]);
    const windowed = structuredClone(doc);
    windowed.nodes[2]!.config = { inputs: ['left', 'right'], mode: 'window' };
    windowed.nodes[1]!.config = { rules: [{ port: 'big', when: 'n > 9' }], otherwise: false };
    windowed.nodes[1]!.policy = {};
    expect(located(windowed)).toEqual([
      ['unknown-port', '/edges/2/from/port'],
      ['unknown-port', '/edges/3/from/port'],
      ['unknown-port', '/edges/4/from/port'],
    ]);
  });

  it('refuses input into a source and output from a sink', () => {
    const doc = flowOf(
      [
        { id: 's', type: 'src' },
        { id: 'x', type: 'xform' },
        { id: 'd', type: 'dst' },
      ],
      [
        ['e1', 'x', 'out', 's', 'in'],
        ['e2', 'd', 'out', 'x', 'in'],
      ],
    );
    expect(located(doc)).toEqual([
      ['source-input', '/edges/0/to/node'],
      ['sink-output', '/edges/1/from/node'],
    ]);
  });

  it('reports an edge drawn twice', () => {
    const doc = chain();
    doc.edges.push({ id: 'e3', from: { node: 's', port: 'out' }, to: { node: 'x', port: 'in' } });
    expect(located(doc)).toEqual([['duplicate-edge', '/edges/2']]);
  });

  it('reports a cycle once, at an edge inside it, naming its nodes', () => {
    const doc = flowOf(
      [
        { id: 'a', type: 'xform' },
        { id: 'b', type: 'xform' },
        { id: 'c', type: 'xform' },
        { id: 'loop', type: 'xform' },
      ],
      [
        ['e1', 'a', 'out', 'b', 'in'],
        ['e2', 'b', 'out', 'c', 'in'],
        ['e3', 'c', 'out', 'a', 'in'],
        ['e4', 'loop', 'out', 'loop', 'in'],
      ],
    );
    const cycles = problemsOf(doc).filter((p) => p.code === 'cycle');
    expect(cycles).toHaveLength(2);
    expect(cycles.map((p) => p.pointer)).toEqual(expect.arrayContaining(['/edges/0', '/edges/3']));
    expect(cycles.find((p) => p.edgeId === 'e4')!.message).toContain('"loop" feeds itself');
  });
});

describe('when the input is hostile', () => {
  it('refuses keys that reach a prototype, wherever they are, without polluting anything', () => {
    const doc = JSON.parse(
      '{"format":"tributary.flow/v1","id":"f","name":"n","nodes":[{"id":"x","type":"xform","position":{"x":0,"y":0},"config":{"__proto__":{"polluted":true},"expression":"$"}}],"edges":[],"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(located(doc)).toEqual(
      expect.arrayContaining([
        ['forbidden-key', '/nodes/0/config/__proto__'],
        ['forbidden-key', '/constructor'],
      ]),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a document nested too deeply without overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const doc = { ...chain(), description: deep };
    expect(located(doc)).toEqual([['too-large', expect.stringMatching(/^\/description(\/0)+$/)]]);
  });

  it('refuses a document over the size limit', () => {
    const doc = { ...chain(), description: 'x'.repeat(FLOW_LIMITS.maxChars + 1) };
    expect(located(doc)).toEqual([['too-large', '/description']]);
  });

  it('refuses values that are not JSON: cycles, functions, class instances, NaN', () => {
    const cyclic: Record<string, unknown> = { ...chain() };
    cyclic.self = cyclic;
    expect(problemsOf(cyclic)[0]!.code).toBe('not-json');
    expect(problemsOf({ ...chain(), name: () => 1 })[0]).toMatchObject({ code: 'not-json', pointer: '/name' });
    expect(problemsOf({ ...chain(), name: new Date() })[0]).toMatchObject({ code: 'not-json', pointer: '/name' });
    expect(problemsOf({ ...chain(), settings: { backlogLimit: Number.NaN } })[0]).toMatchObject({ code: 'not-json' });
  });

  it('caps the problems it reports and says how many more there were', () => {
    const nodes = Array.from({ length: 400 }, (_, i) => ({ id: `n${i}`, type: 'nope' }));
    const problems = problemsOf(flowOf(nodes));
    expect(problems).toHaveLength(FLOW_LIMITS.maxProblems + 1);
    expect(problems.at(-1)).toMatchObject({ code: 'too-many-problems', message: expect.stringContaining('200 more') });
  });

  it('answers a non-object with one problem', () => {
    for (const doc of [null, 42, 'flow', [], undefined]) expect(problemsOf(doc)).toHaveLength(1);
  });
});
