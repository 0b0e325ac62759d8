import { describe, expect, it } from 'vitest';
import { componentOf, summariseProfile, type CpuProfile } from './cpuprofile';

const ROOT = new URL('../../', import.meta.url).href;

/** root → processor.ts → ioredis → writeUtf8String, plus GC and idle beside it. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [2, 5, 6] },
    { id: 2, callFrame: { functionName: 'processDelivery', url: `${ROOT}engine/processor.ts` }, children: [3] },
    { id: 3, callFrame: { functionName: 'sendCommand', url: `${ROOT}node_modules/ioredis/built/Redis.js` }, children: [4] },
    { id: 4, callFrame: { functionName: 'writeUtf8String', url: '' } },
    { id: 5, callFrame: { functionName: '(garbage collector)', url: '' } },
    { id: 6, callFrame: { functionName: '(idle)', url: '' } },
  ],
  startTime: 0,
  endTime: 7_000,
  // One sample per ms; each stands for the time until the next (1 ms).
  samples: [4, 4, 3, 2, 5, 6, 4, 4],
  timeDeltas: [0, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
};

describe('when a CPU profile is summarised', () => {
  it('charges self time to the component of the frame, and native time to its calling package', () => {
    const s = summariseProfile(profile, [0, 5_500]);
    // Samples at 0..5 ms fall in the window; the one at 5 ms is idle.
    expect(Object.fromEntries(s.components)).toEqual({ 'native: writeUtf8String': 2, ioredis: 1, 'project: engine/': 1, GC: 1 });
    expect(s.idleMs).toBe(1);
    expect(s.busyMs).toBe(5);
    expect(Object.fromEntries(s.callers)).toEqual({ 'writeUtf8String ← ioredis': 2 });
    expect(Object.fromEntries(s.files)).toEqual({ 'engine/processor.ts': 4 });
  });

  it('leaves out the samples outside the window', () => {
    expect(summariseProfile(profile, [5_500, 7_000]).components).toEqual([['native: writeUtf8String', 1]]);
  });

  it('names dependencies by package and the project by directory', () => {
    expect(componentOf({ functionName: 'x', url: `${ROOT}node_modules/bullmq/dist/esm/classes/worker.js` })).toBe('BullMQ');
    expect(componentOf({ functionName: 'x', url: `${ROOT}node_modules/jsonata/jsonata.js` })).toBe('JSONata');
    expect(componentOf({ functionName: 'x', url: `${ROOT}engine/tracer.ts` })).toBe('trace / metrics / run accounting code');
    expect(componentOf({ functionName: 'x', url: `${ROOT}nodes/transform/map/run.ts` })).toBe('project: nodes/');
    expect(componentOf({ functionName: 'stringify', url: '' })).toBe('JSON');
  });
});
