/**
 * A split of 3 items that dies after its second enqueue yields exactly 3 messages downstream.
 *
 * Why this is a reproduced state and not a timed kill: the engine enqueues a node's outputs with
 * one `addBulk`, a MULTI that Redis applies whole, so no kill can land between two of a split's
 * enqueues — a real crash leaves none or all three enqueued. The test goes one step further than
 * any crash can: a worker that is about to die (a BullMQ worker fetching jobs by hand, locks
 * and all) runs the split through the engine's own processor — real runtime, real ids from
 * deliveriesOf, real reserve — with an `enqueue` that adds the first two outputs and then dies.
 * That leaves exactly what a crash between the second and third enqueue would: the split active
 * under a dead lock, reserved, two outputs queued under the ids the engine derives, nothing
 * settled. Whatever then happens must still give three messages, each once, and one finished run.
 * (The engine never enqueues before it reserves, so "enqueued but not reserved" can't occur.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueueEvents, Worker, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines, type TestEngines } from '../test/engine';
import { TEST_BULLMQ_TIMINGS } from '../test/timings';
import { processorFor } from '../test/processor';
import type { Delivery, DeliveryJob } from './delivery';
import { deliveryJobId, derivedMessageId } from './message-id';
import { DEFAULT_RETENTION, type Retention } from './retention';

const FLOW = 'split-crash';
const ITEMS = [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }];
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

const linesIn = (file: string): unknown[] => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

/**
 * Deploys the flow, starts a run, and lets a doomed worker run the inject to its end and the split
 * up to its second enqueue. The split's job stays active under the doomed worker's lock; while
 * `keepAlive` runs, the lock is renewed as a live worker would (so the crash can be placed after
 * something else happened), and its `die()` stops that.
 */
async function splitDiesAfterSecondEnqueue(t: TestEngines, retention: Retention) {
  const api = await t.start({ workers: false, retention });
  const traces = await t.traces();
  await api.deploy(flowDoc, 1);
  const queue = api.queue(FLOW);
  const events = t.redis.track(new QueueEvents(queue.name, { connection: t.redis.connection(), prefix: t.redis.prefix, lastEventId: '0-0' }));
  const seen: Array<{ event: 'active' | 'completed'; jobId: string }> = [];
  events.on('active', ({ jobId }) => seen.push({ event: 'active', jobId }));
  events.on('completed', ({ jobId }) => seen.push({ event: 'completed', jobId }));
  await events.waitUntilReady();

  const { runId } = await api.trigger(FLOW, 'in', { items: ITEMS });
  const doomed = t.redis.track(new Worker<Delivery>(queue.name, null, { connection: t.redis.connection(), prefix: t.redis.prefix, ...TEST_BULLMQ_TIMINGS }));
  let cutAfter: number | undefined;
  let planned: DeliveryJob[] = [];
  const processor = processorFor(api, t.dataDir, retention, async (flowId, jobs) => {
    planned = jobs;
    await api.queue(flowId).addBulk(cutAfter === undefined ? jobs : jobs.slice(0, cutAfter));
    if (cutAfter !== undefined) throw new Died(`died after enqueueing ${cutAfter} of ${jobs.length}`);
  });
  const next = async (): Promise<Job<Delivery>> => eventually(() => doomed.getNextJob(TOKEN, { block: false }), 'a job for the doomed worker');

  const inject = await next();
  expect(inject.data.node).toBe('in');
  await processor(inject, TOKEN);
  await inject.moveToCompleted(undefined, TOKEN, false);

  const split = await next();
  expect(split.data.node).toBe('each');
  cutAfter = 2;
  await expect(processor(split, TOKEN)).rejects.toBeInstanceOf(Died);
  const keepAlive = setInterval(() => void split.extendLock(TOKEN, TEST_BULLMQ_TIMINGS.lockDuration).catch(() => undefined), TEST_BULLMQ_TIMINGS.lockRenewTime);
  keepAlive.unref();

  // The three outputs the processor meant to enqueue carry the ids a re-run derives again: from
  // the split's message id, the node, the port and the item's index.
  const outputJobIds = planned.map((job) => job.opts.jobId);
  expect(outputJobIds).toEqual([0, 1, 2].map((i) => deliveryJobId(derivedMessageId(split.data.message.id, 'each', 'out', i), 'out', 'in')));
  expect(await queue.getJobCounts('waiting', 'active')).toEqual({ waiting: 2, active: 1 });
  expect((await queue.getWaiting()).map((j) => j.id).sort()).toEqual(outputJobIds.slice(0, 2).sort());
  expect(await api.runs.isSettled(FLOW, split.id!)).toBe(false);
  expect((await api.runs.getRun(FLOW, runId))?.summary.pending).toBe(4); // the split + its 3 reserved outputs

  return {
    api,
    queue,
    runId,
    split,
    outputJobIds,
    seen,
    traces,
    file: join(t.dataDir, 'files', 'out.jsonl'),
    /**
     * Waits until the queue is empty and BullMQ's event stream has shown each job in `ids` completed
     * (at least as many times as it is listed).
     */
    allCompleted: (ids: string[]) =>
      eventually(async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
        const times = (id: string) => seen.filter((s) => s.event === 'completed' && s.jobId === id).length;
        return Object.values(counts).every((n) => n === 0) && ids.every((id) => times(id) >= ids.filter((x) => x === id).length);
      }, 'every job completed'),
    die: async () => {
      clearInterval(keepAlive);
      await doomed.close();
    },
  };
}

describe('when a split dies after enqueueing two of its three outputs', () => {
  const t = useEngines();

  it('runs again once its lock is gone and yields exactly 3 messages, each once, in one finished run', async () => {
    const crashed = await splitDiesAfterSecondEnqueue(t, DEFAULT_RETENTION);
    await crashed.die();
    // A worker process starting after the crash: one delivery at a time, so the recovered split
    // (put back at the front of the queue) re-runs while its first two outputs still wait.
    const supervisor = t.redis.track(new Worker(crashed.queue.name, null, { connection: t.redis.connection(), prefix: t.redis.prefix, ...TEST_BULLMQ_TIMINGS }));
    void supervisor.startStalledCheckTimer();
    await eventually(async () => (await crashed.split.getState()) === 'waiting', 'the stalled split back in the queue');
    await t.start({ concurrency: 1 });
    await crashed.traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === crashed.runId));

    const splitId = crashed.split.id!;
    const [first, second] = crashed.outputJobIds;
    await crashed.allCompleted([...crashed.outputJobIds, splitId]);
    const order = crashed.seen.map((s) => `${s.event} ${s.jobId}`);
    // The scenario is the one named: the split re-ran while its two outputs were still waiting.
    expect(order.indexOf(`completed ${splitId}`)).toBeLessThan(order.indexOf(`active ${first}`));
    expect(order.indexOf(`completed ${splitId}`)).toBeLessThan(order.indexOf(`active ${second}`));
    await expectExactlyThree(crashed);
    for (const id of crashed.outputJobIds) expect(crashed.seen.filter((s) => s.event === 'completed' && s.jobId === id)).toHaveLength(1);
  });

  it('does not let the first two outputs act twice when BullMQ had already forgotten them: their done markers stop them', async () => {
    // An engine that keeps no completed jobs: BullMQ removes each job, and its id, as it completes.
    const retention: Retention = { ...DEFAULT_RETENTION, completedJobs: { count: 0, ageSec: 3_600 } };
    const crashed = await splitDiesAfterSecondEnqueue(t, retention);
    const [first, second, third] = crashed.outputJobIds as [string, string, string];
    // A live worker runs the two outputs (the split is still held by the doomed one) and BullMQ
    // removes them; only then does the doomed worker's lock stop being renewed.
    await t.start({ retention });
    await eventually(
      async () => linesIn(crashed.file).length === 2 && !(await crashed.queue.getJob(first)) && !(await crashed.queue.getJob(second)),
      'the first two outputs written and removed',
    );
    await crashed.die();
    await crashed.traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === crashed.runId));

    const completions = (id: string) => crashed.seen.filter((s) => s.event === 'completed' && s.jobId === id).length;
    await crashed.allCompleted([first, first, second, second, third, crashed.split.id!]);
    // The re-run enqueued the forgotten two again and they ran again, without acting a second time.
    expect([completions(first), completions(second), completions(third)]).toEqual([2, 2, 1]);
    await expectExactlyThree(crashed);
  });
});

async function expectExactlyThree(crashed: Awaited<ReturnType<typeof splitDiesAfterSecondEnqueue>>) {
  expect(linesIn(crashed.file).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(ITEMS);
  expect(crashed.traces.of('run:finished', crashed.runId)).toHaveLength(1);
  expect(crashed.traces.of('run:finished', crashed.runId)[0]).toMatchObject({ status: 'completed', counts: { completed: 5, failed: 0, deadLettered: 0, skipped: 0 } });
  expect((await crashed.api.runs.getRun(FLOW, crashed.runId))?.summary).toMatchObject({ status: 'completed', pending: 0, completed: 5 });
  expect(await crashed.api.deadLetters.count(FLOW)).toBe(0);
}
