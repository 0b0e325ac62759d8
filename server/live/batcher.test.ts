import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeadLetterNotice, TraceBatch } from '../../flows/live-events';
import type { TraceEvent } from '../../flows/trace-events';
import { Batcher, FlowBatch } from './batcher';

const base = (flowId: string, n: number) => ({ flowId, revision: 1, runId: `r${n}`, at: n });
const node = (flowId: string, n: number, nodeId: string) => ({ ...base(flowId, n), nodeId, nodeType: 'map', messageId: `m${n}`, attempt: 1 });
const started = (flowId: string, n: number, nodeId = 'a'): TraceEvent => ({ type: 'node:started', data: { ...node(flowId, n, nodeId), input: { value: null, truncated: false } } });
const deadLettered = (flowId: string, n: number, nodeId = 'a'): TraceEvent => ({
  type: 'node:dead-lettered',
  data: { ...node(flowId, n, nodeId), deadLetterId: `d${n}`, attempts: 1, error: { kind: 'permanent', message: 'no' } },
});

describe('when one flow batch fills up', () => {
  it('keeps the newest events up to the bound, counts the dropped ones, and counts every event', () => {
    const batch = new FlowBatch('f', { maxEvents: 3, maxDeadLetterNotices: 1 });
    for (let n = 0; n < 10; n++) batch.add(started('f', n, n % 2 === 0 ? 'even' : 'odd'));
    batch.add(deadLettered('f', 10));
    batch.add(deadLettered('f', 11));
    const { batch: out, deadLetters } = batch.take();
    expect(out.events.map((e) => e.data.runId)).toEqual(['r9', 'r10', 'r11']);
    expect(out.dropped).toBe(9);
    expect(out.counters).toEqual({
      even: { started: 5, completed: 0, failed: 0, retried: 0, deadLettered: 0, skipped: 0 },
      odd: { started: 5, completed: 0, failed: 0, retried: 0, deadLettered: 0, skipped: 0 },
      a: { started: 0, completed: 0, failed: 0, retried: 0, deadLettered: 2, skipped: 0 },
    });
    expect(deadLetters).toEqual([{ flowId: 'f', nodeId: 'a', deadLetterId: 'd10' }]);
  });

  it('says nothing about dropping when it dropped nothing, and counts a node named like a prototype key', () => {
    const batch = new FlowBatch('f', { maxEvents: 5, maxDeadLetterNotices: 5 });
    batch.add(started('f', 1, 'constructor'));
    const { batch: out } = batch.take();
    expect(out).not.toHaveProperty('dropped');
    expect(out.counters.constructor).toMatchObject({ started: 1 });
  });
});

describe('when events arrive for several flows', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends one batch per flow per interval, counted from the first event of the batch', () => {
    const sent: Array<{ batch: TraceBatch; deadLetters: DeadLetterNotice[] }> = [];
    const batcher = new Batcher({ intervalMs: 75 }, (batch, deadLetters) => sent.push({ batch, deadLetters }));
    batcher.add(started('f', 1));
    vi.advanceTimersByTime(50);
    batcher.add(started('f', 2));
    batcher.add(started('g', 3));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(25);
    expect(sent.map((s) => [s.batch.flowId, s.batch.events.length])).toEqual([['f', 2]]);
    batcher.add(started('f', 4));
    vi.advanceTimersByTime(50);
    expect(sent.map((s) => [s.batch.flowId, s.batch.events.length])).toEqual([['f', 2], ['g', 1]]);
    vi.advanceTimersByTime(25);
    expect(sent.map((s) => [s.batch.flowId, s.batch.events.length])).toEqual([['f', 2], ['g', 1], ['f', 1]]);
    batcher.close();
  });

  it('forgets a flow nobody watches any more', () => {
    const sent: TraceBatch[] = [];
    const batcher = new Batcher({}, (batch) => sent.push(batch));
    batcher.add(started('f', 1));
    batcher.discard('f');
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([]);
  });

  it('refuses limits that make no sense', () => {
    expect(() => new Batcher({ intervalMs: 0 }, () => undefined)).toThrow(/intervalMs/);
    expect(() => new Batcher({ maxEvents: 1.5 }, () => undefined)).toThrow(/maxEvents/);
  });
});
