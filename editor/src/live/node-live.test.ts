import { describe, expect, it } from 'vitest';
import { addCounters, mergeCounters, seedNodes, statusOf, zeroCounters } from './node-live';

const c = (partial: Partial<ReturnType<typeof zeroCounters>>) => ({ ...zeroCounters(), ...partial });

describe('live node counts', () => {
  it('keeps the object of every node a batch did not touch, and of the map when nothing changed', () => {
    const seeded = seedNodes({ a: c({ started: 1, completed: 1 }), b: c({ started: 2, completed: 2 }), z: c({}) });
    const { nodes, emitted } = addCounters(seeded, new Map([['a', c({ started: 1, completed: 1 })]]));
    expect(nodes).not.toBe(seeded);
    expect(nodes.get('b')).toBe(seeded.get('b'));
    expect(nodes.get('z')).toBe(seeded.get('z'));
    expect(nodes.get('a')).not.toBe(seeded.get('a'));
    expect(nodes.get('a')?.counts).toEqual(c({ started: 2, completed: 2 }));
    expect(emitted).toEqual(['a']);

    const unchanged = addCounters(nodes, new Map([['b', c({})]]));
    expect(unchanged.nodes).toBe(nodes);
    expect(unchanged.emitted).toEqual([]);
  });

  it('sums the batches of one frame, so a frame applies them at once', () => {
    const pending = new Map<string, ReturnType<typeof zeroCounters>>();
    mergeCounters(pending, { a: c({ started: 1 }), b: c({ failed: 1 }) });
    mergeCounters(pending, { a: c({ started: 2, completed: 3 }) });
    expect(pending.get('a')).toEqual(c({ started: 3, completed: 3 }));
    expect(pending.get('b')).toEqual(c({ failed: 1 }));
  });

  it('colours a node by what its counts say, dead letters first', () => {
    expect(statusOf(c({}))).toBe('idle');
    expect(statusOf(c({ started: 1, completed: 1 }))).toBe('ok');
    expect(statusOf(c({ started: 2, completed: 1, failed: 1, retried: 1 }))).toBe('warn');
    expect(statusOf(c({ started: 1, failed: 1, deadLettered: 1 }))).toBe('failing');
  });

  it('reads a seed defensively: what is not a count is 0, and a node id like __proto__ is just an id', () => {
    const nodes = seedNodes(JSON.parse('{"__proto__": {"started": 3}, "x": {"started": "7", "completed": -1, "failed": 1.5}}'));
    expect(nodes.get('__proto__')?.counts.started).toBe(3);
    expect(nodes.get('x')?.counts).toEqual(c({ failed: 1 }));
  });
});
