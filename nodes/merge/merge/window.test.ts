/**
 * merge `window` on the real engine, with real timers.
 */
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { atRest, mergeFlow, written, type Written } from './fixtures';

type Windowed = Record<'a' | 'b', number[]>;
type WindowAttrs = { id: string; count: number; openedAt: number; closedAt: number; reason: 'count' | 'time' };

const windowOf = (w: Written<Windowed>) => w.value.attrs.window as WindowAttrs;
const contents = (windows: Array<Written<Windowed>>) => windows.flatMap((w) => [...w.value.payload.a, ...w.value.payload.b]).sort((x, y) => x - y);

describe('when a window fills up', () => {
  const t = useEngines();

  it('does flush full windows by count and the rest by time, each message in exactly one window', async () => {
    const api = await t.start({ workers: false });
    // Long enough that the twelve appends never straddle a timer; the last window waits for it.
    await api.deploy(mergeFlow('count', { mode: 'window', inputs: ['a', 'b'], maxMessages: 5, windowMs: 2_000 }), 1);
    const runs = new Map<number, string>();
    for (let i = 0; i < 12; i++) runs.set(i, (await api.trigger('count', i % 2 ? 'in-b' : 'in-a', i)).runId);
    await t.start(); // the worker process: the twelve messages are all waiting for it
    await eventually(() => atRest(api, 'count'), 'the flow at rest');

    const windows = written<Windowed>([t.dataDir], 'out.jsonl').sort((x, y) => windowOf(x).closedAt - windowOf(y).closedAt);
    expect(windows.map((w) => [windowOf(w).reason, windowOf(w).count])).toEqual([
      ['count', 5],
      ['count', 5],
      ['time', 2],
    ]);
    expect(contents(windows)).toEqual([...runs.keys()]);
    for (const w of windows) {
      // Grouped by input: even numbers came in on `a`, odd ones on `b`.
      expect(w.value.payload.a.every((i) => i % 2 === 0) && w.value.payload.b.every((i) => i % 2 === 1)).toBe(true);
      const merged = [...w.value.payload.a, ...w.value.payload.b].map((i) => runs.get(i)).sort();
      expect([...w.value.joinedRuns].sort()).toEqual(merged);
      expect(w.value.attrs.joinedRuns).toEqual(w.value.joinedRuns);
    }
    expect(new Set(windows.map((w) => windowOf(w).id)).size).toBe(3);
  });
});

describe('when a window times out', () => {
  const t = useEngines();

  it('does flush what it holds by time, every input listed, and opens a new window for later messages', async () => {
    const engine = await t.start();
    await engine.deploy(mergeFlow('time', { mode: 'window', inputs: ['a', 'b'], maxMessages: 100, windowMs: 300 }), 1);
    await Promise.all([1, 2, 3].map((i) => engine.trigger('time', 'in-a', i)));
    await eventually(() => atRest(engine, 'time'), 'the first batch flushed');
    const first = written<Windowed>([t.dataDir], 'out.jsonl');
    expect(contents(first)).toEqual([1, 2, 3]);
    // Nothing came in on `b`: it is listed, empty.
    expect(first.every((w) => Array.isArray(w.value.payload.b) && w.value.payload.b.length === 0)).toBe(true);

    await Promise.all([4, 5].map((i) => engine.trigger('time', 'in-b', i)));
    await eventually(() => atRest(engine, 'time'), 'the second batch flushed');
    const all = written<Windowed>([t.dataDir], 'out.jsonl');
    expect(contents(all)).toEqual([1, 2, 3, 4, 5]);
    expect(all.every((w) => windowOf(w).reason === 'time' && windowOf(w).count === w.value.payload.a.length + w.value.payload.b.length)).toBe(true);
    const firstIds = new Set(first.map((w) => windowOf(w).id));
    expect(all.filter((w) => !firstIds.has(windowOf(w).id)).length).toBe(all.length - first.length);
  });
});
