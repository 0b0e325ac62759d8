import { describe, expect, it } from 'vitest';
import { pendingCompensations, stepsObject, type SagaProgress } from './progress';
import type { SagaConfig } from './spec';

const call = (url: string) => ({ method: 'POST' as const, url: `"${url}"`, headers: {} });
const step = (name: string, compensation = true): SagaConfig['steps'][number] => ({
  name,
  action: call(`https://x.example/${name}`),
  ...(compensation && { compensation: call(`https://x.example/${name}/undo`) }),
  timeoutMs: 5_000,
  retry: { attempts: 3 },
  onFailure: 'compensate',
});
const ok = (name: string) => ({ name, status: 200, body: { name } });

describe('when the compensations still to run are worked out', () => {
  const config: SagaConfig = { steps: [step('a'), step('b', false), step('c'), step('d'), step('e')] };

  it('does list the completed steps last first, leaving out those that failed, have nothing to undo, or were undone', () => {
    const progress: SagaProgress = {
      phase: 'compensating',
      completed: [ok('a'), ok('b'), { name: 'c', error: { message: 'down', attempts: 3 } }, ok('d')],
      compensated: [],
      failed: { step: 'e', error: { message: 'refused', status: 422, attempts: 1 } },
    };
    expect(pendingCompensations(config, progress).map((p) => [p.name, p.index])).toEqual([
      ['d', 3],
      ['a', 0],
    ]);
    progress.compensated.push(ok('d'));
    expect(pendingCompensations(config, progress).map((p) => p.name)).toEqual(['a']);
  });

  it('does report a completed step the config no longer names, in its place', () => {
    const progress: SagaProgress = { phase: 'compensating', completed: [ok('a'), ok('gone'), ok('d')], compensated: [] };
    expect(pendingCompensations(config, progress).map((p) => [p.name, p.index, p.step !== undefined])).toEqual([
      ['d', 3, true],
      ['gone', -1, false],
      ['a', 0, true],
    ]);
  });

  it('does key results by step name for $steps and the emitted `steps`', () => {
    expect(stepsObject([ok('a'), { name: 'b', error: { message: 'x', attempts: 1 } }])).toEqual({
      a: { status: 200, body: { name: 'a' } },
      b: { error: { message: 'x', attempts: 1 } },
    });
  });
});
