/**
 * Run accounting settles with what was actually enqueued. A job reserves its outputs in its run
 * before enqueueing them; if it crashes in between and its re-run emits a different number of
 * outputs (a node that isn't deterministic: a lookup that changed, a clock), the run must count
 * the re-run's outputs — not the first reservation — or it stays "running" for ever (fewer) or
 * finishes while outputs are still in flight (more).
 *
 * The crash is placed, not timed: the processor runs the split job under a worker token the test
 * holds, with an `enqueue` that dies before it adds anything the first time.
 */
import { Worker, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { processorFor } from '../test/processor';
import { fileLines } from '../test/policy-fixtures';
import { TEST_BULLMQ_TIMINGS } from '../test/timings';
import type { Emission, NodeRuntime } from '../nodes/runtime';
import { RUNTIMES } from '../nodes/runtimes';
import type { Delivery } from './delivery';
import { DEFAULT_RETENTION } from './retention';

const FLOW = 'varying';
const TOKEN = 'the-worker-that-dies';

const flowDoc = {
  format: 'tributary.flow/v1',
  id: FLOW,
  name: FLOW,
  nodes: [
    { id: 'in', type: 'inject', position: { x: 0, y: 0 }, config: {} },
    { id: 'each', type: 'split', position: { x: 200, y: 0 }, config: { items: 'items' } },
    { id: 'out', type: 'file', position: { x: 400, y: 0 }, config: { path: 'out.jsonl' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'in', port: 'out' }, to: { node: 'each', port: 'in' } },
    { id: 'e2', from: { node: 'each', port: 'out' }, to: { node: 'out', port: 'in' } },
  ],
};

class Died extends Error {}

describe('when a job re-run after a crash between reserving and enqueueing emits a different number of outputs', () => {
  const t = useEngines();

  for (const [first, second] of [
    [3, 2],
    [2, 3],
    [3, 0],
  ] as const) {
    it(`counts the re-run's ${second} outputs, not the ${first} first reserved, and the run finishes after all of them`, async () => {
      const api = await t.start({ workers: false });
      const traces = await t.traces();
      await api.deploy(flowDoc, 1);
      // A split that emits `first` items on its first execution and `second` on the next.
      let executions = 0;
      const varying: NodeRuntime<any> = {
        type: 'split',
        run: async (_ctx, message): Promise<Emission[]> => {
          const n = executions++ === 0 ? first : second;
          return Array.from({ length: n }, (_, i) => ({ port: 'out', payload: { i, of: n, from: (message.payload as { tag: string }).tag } }));
        },
      };
      let dies = true;
      const processor = processorFor(
        api,
        t.dataDir,
        DEFAULT_RETENTION,
        async (flowId, jobs) => {
          if (dies && jobs[0]?.data.node === 'out') throw new Died('died after reserving, before enqueueing');
          await api.queue(flowId).addBulk(jobs);
        },
        new Map([...RUNTIMES, ['split', varying]]),
      );
      const held = t.redis.track(new Worker<Delivery>(api.queue(FLOW).name, null, { connection: t.redis.connection(), prefix: t.redis.prefix, ...TEST_BULLMQ_TIMINGS }));
      const next = (): Promise<Job<Delivery>> => eventually(() => held.getNextJob(TOKEN, { block: false }), 'a job');

      const { runId } = await api.trigger(FLOW, 'in', { tag: 'x' });
      const inject = await next();
      await processor(inject, TOKEN);
      await inject.moveToCompleted(undefined, TOKEN, false);
      const split = await next();
      await expect(processor(split, TOKEN)).rejects.toBeInstanceOf(Died);
      // The re-run (BullMQ's, after the crash; here the same job under the same lock).
      dies = false;
      await processor(split, TOKEN);
      await split.moveToCompleted(undefined, TOKEN, false);
      await held.close();
      expect((await api.runs.getRun(FLOW, runId))?.summary.pending).toBe(second);

      await t.start(); // runs the file sink's deliveries
      const finished = await traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === runId));
      expect(fileLines(t.dataDir, 'out.jsonl')).toHaveLength(second);
      const summary = (await api.runs.getRun(FLOW, runId))!.summary;
      expect(summary).toMatchObject({ status: 'completed', pending: 0, completed: 2 + second });
      expect(finished.filter((e) => e.type === 'run:finished' && e.data.runId === runId)).toHaveLength(1);
    });
  }
});
