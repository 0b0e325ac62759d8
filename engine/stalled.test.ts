/**
 * A delivery that blocks its worker: the worker process holding it stops renewing its BullMQ lock
 * (frozen with SIGSTOP, like an event loop that never comes back), another process finds the job
 * stalled and runs it again, which blocks that one too. Past BullMQ's stall limit the job must
 * land in the dead letters, not hop from worker to worker for ever.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { fakeApi, nodeEvents, runFinished, sinkFlow } from '../test/policy-fixtures';
import { useWorkerProcesses, type WorkerProcess } from '../test/processes';
import { TEST_BULLMQ_TIMINGS } from '../test/timings';

/** Lock expiry plus two stall checks, with room for a busy box. */
const STALL_NOTICED_MS = 25_000;

describe('when a delivery stalls every worker that takes it', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();

  it('does dead-letter it as stalled once it stalled more than maxStalledCount times, and finishes its run', { timeout: 90_000 }, async () => {
    // The receiver never answers, and neither the node nor the HTTP client gives up within the
    // test: a worker that takes the delivery holds it until it is frozen.
    const api = await fakeApi(t, () => undefined);
    const engine = await t.start({ workers: false, outbound: { allow: ['127.0.0.0/8'], timeoutMs: 600_000 } });
    const traces = await t.traces();
    const spawn = async (name: string) => {
      const dataDir = join(t.dataDir, name);
      mkdirSync(dataDir);
      return workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir, concurrency: 2 });
    };

    const first = await spawn('first');
    await engine.deploy(sinkFlow('stuck', `${api.origin}/orders`, { timeoutMs: 600_000, circuitBreaker: { enabled: false } }), 1);
    const { runId } = await engine.trigger('stuck', 'in', { orderId: 'A1' });

    // Every run of the delivery blocks a process: the first run, then one per survived stall.
    const runs = TEST_BULLMQ_TIMINGS.maxStalledCount + 1;
    const frozen: WorkerProcess[] = [first];
    await eventually(() => api.seen.length === 1, 'the first process to take the delivery');
    first.child.kill('SIGSTOP');
    for (let n = 2; n <= runs; n++) {
      // A fresh process finds the frozen one's job stalled, runs it again — and is frozen in turn.
      const next = await spawn(`run-${n}`);
      await eventually(() => api.seen.length === n, `run ${n} of the stalled delivery`, STALL_NOTICED_MS);
      next.child.kill('SIGSTOP');
      frozen.push(next);
    }
    expect(nodeEvents(traces, 'node:started', runId, 'send')).toHaveLength(runs);

    // One more worker (this process) finds the last stall, which is one too many.
    await t.start({ outbound: { allow: ['127.0.0.0/8'], timeoutMs: 600_000 } });
    const finished = await eventually(() => traces.of('run:finished', runId)[0], 'the run to finish', STALL_NOTICED_MS);

    expect(finished).toMatchObject({ status: 'failed', counts: { deadLettered: 1 } });
    expect(await runFinished(traces, runId)).toBe(finished);
    expect(nodeEvents(traces, 'node:dead-lettered', runId, 'send')).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ kind: 'stalled' }) }),
    ]);
    const { items } = await engine.deadLetters.list('stuck');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ nodeId: 'send', error: { kind: 'stalled', message: expect.stringMatching(/stalled/) }, message: { runId, payload: { orderId: 'A1' } } });
    // It was not run again after the limit: no request beyond the stalled runs.
    expect(api.seen).toHaveLength(runs);
    expect(nodeEvents(traces, 'node:started', runId, 'send')).toHaveLength(runs);
    // Nothing of it is left in BullMQ (not active, not waiting, not in the failed set).
    const counts = await engine.queue('stuck').getJobCounts('active', 'waiting', 'delayed', 'failed');
    expect(counts).toEqual({ active: 0, waiting: 0, delayed: 0, failed: 0 });
  });
});
