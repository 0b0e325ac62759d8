import { describe, expect, it } from 'vitest';
import type { Api } from '../api/api';
import { zeroCounters } from '../live/node-live';
import { createEditorStore } from './create-store';

const c = (partial: Partial<ReturnType<typeof zeroCounters>>) => ({ ...zeroCounters(), ...partial });
const newStore = () => createEditorStore({ api: {} as Api, tokens: { get: () => null, set: () => {} } });

describe('the live slice', () => {
  it('adds a frame of counts to the seeded ones, leaving the flow document alone', () => {
    const store = newStore();
    const doc = store.getState().doc;
    store.getState().seedLive('f', { a: c({ started: 5, completed: 5 }), b: c({}) });
    const b = store.getState().liveNodes.get('b');
    store.getState().applyLive('f', new Map([['a', c({ started: 1, completed: 1 })]]));
    expect(store.getState().liveNodes.get('a')?.counts).toEqual(c({ started: 6, completed: 6 }));
    expect(store.getState().liveNodes.get('b')).toBe(b);
    expect(store.getState().livePulses.get('a')).toBe(1);
    expect(store.getState().livePulses.has('b')).toBe(false);
    expect(store.getState().doc).toBe(doc);
  });

  it("ignores counts of a flow that isn't the one watched, and doesn't notify for a frame that changes nothing", () => {
    const store = newStore();
    store.getState().seedLive('f', {});
    let notified = 0;
    store.subscribe(() => (notified += 1));
    store.getState().applyLive('other', new Map([['a', c({ started: 1 })]]));
    store.getState().applyLive('f', new Map([['a', c({})]]));
    expect(notified).toBe(0);
    expect(store.getState().liveNodes.size).toBe(0);
  });
});
