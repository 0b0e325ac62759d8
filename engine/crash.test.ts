/**
 * kill -9 of worker processes at random points while 2,000 messages cross a 4-node flow
 * (webhook → map → filter → http-request) into a receiver that applies each `Idempotency-Key`
 * once: every effect must be applied exactly once, none missing, nothing dead-lettered.
 *
 * Each seed draws a kill schedule (how many kills, the gaps between them, which live process
 * dies) from a seeded PRNG and prints it, so a failing seed can be replayed with
 * `CRASH_SEEDS=<seed> npx vitest run engine/crash.test.ts`. Process timing still varies from run
 * to run; the schedule is what the seed fixes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { useIdempotentReceiver } from '../test/idempotent-receiver';
import { clientPortsOf } from '../test/proc-sockets';
import { useWorkerProcesses, type WorkerProcess } from '../test/processes';
import { TEST_BULLMQ_TIMINGS } from '../test/timings';
import type { Engine } from './engine';
import { DEFAULT_RETENTION } from './retention';

const SEEDS = process.env.CRASH_SEEDS ? process.env.CRASH_SEEDS.split(',').map(Number) : [20261121, 7, 424242];
const MESSAGES = 2_000;
const FLOW = 'crash';

/**
 * A job that a killed process held is taken up again only once its lock has run out: at least
 * lockDuration − lockRenewTime after the kill. All kills of a seed land within that span after the
 * first (less a margin), so no job can die in two processes: a second stall would — rightly, by
 * the stall policy (maxStalledCount 1) — dead-letter it, and that policy is not this test's subject.
 */
const KILL_SPAN_MS = TEST_BULLMQ_TIMINGS.lockDuration - TEST_BULLMQ_TIMINGS.lockRenewTime - 500;

/** mulberry32: a small seeded PRNG, so a seed always draws the same schedule. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Schedule {
  /** Wait after the first effects are seen before the first kill. */
  startAfterMs: number;
  /** 3 to 5 kills: the gap before each (100-600 ms) and which live process dies (fraction). */
  kills: Array<{ gapMs: number; pick: number }>;
}

function scheduleOf(seed: number): Schedule {
  const random = prng(seed);
  const count = 3 + Math.floor(random() * 3);
  return {
    startAfterMs: Math.floor(random() * 500),
    kills: Array.from({ length: count }, () => ({ gapMs: 100 + Math.floor(random() * 500), pick: random() })),
  };
}

interface Kill {
  pid: number;
  atMs: number;
  /** Idempotency keys of the victim's requests in flight (never answered) when it died. */
  inFlight: string[];
  /**
   * Active jobs in the flow's queue right before the kill, by node type — all processes', the
   * jobs of processes killed earlier and not yet taken over included.
   */
  active: Record<string, number>;
}

const flowDoc = (origin: string) => ({
  format: 'tributary.flow/v1',
  id: FLOW,
  name: 'crash',
  nodes: [
    { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: { path: '/orders' } },
    { id: 'shape', type: 'map', position: { x: 200, y: 0 }, config: { expression: '{ "order": n, "total": n * 10 }' } },
    { id: 'paid', type: 'filter', position: { x: 400, y: 0 }, config: { expression: 'total >= 0' } },
    { id: 'post', type: 'http-request', position: { x: 600, y: 0 }, config: { url: `"${origin}/orders"` } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'shape', port: 'in' } },
    { id: 'e2', from: { node: 'shape', port: 'out' }, to: { node: 'paid', port: 'in' } },
    { id: 'e3', from: { node: 'paid', port: 'out' }, to: { node: 'post', port: 'in' } },
  ],
});

/**
 * Ingests message i with payload { n: i } and its own idempotency key, 50 at a time, keeping the
 * backlog short: BullMQ takes jobs in order, so ingesting everything at once would run the flow
 * node by node (all webhooks, then all maps, …) and the kills would only ever meet sink jobs.
 */
async function ingestAll(api: Engine): Promise<string[]> {
  const runIds: string[] = [];
  for (let from = 0; from < MESSAGES; from += 50) {
    while ((await api.backlog(FLOW)) >= 150) await sleep(20);
    const batch = Array.from({ length: Math.min(50, MESSAGES - from) }, (_, k) => from + k);
    const results = await Promise.all(batch.map((n) => api.ingest(FLOW, { nodeId: 'hook', payload: { n }, idempotencyKey: `order-${n}` })));
    runIds.push(...results.map((r) => r.runId));
  }
  return runIds;
}

describe('when worker processes are killed with SIGKILL while messages cross a flow', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();
  // Answers wait a little, as a real API's do; that keeps requests in flight when a kill lands.
  const receivers = useIdempotentReceiver({ answerDelayMs: () => 2 + Math.random() * 20 });

  it.each(SEEDS)(
    'applies every one of 2,000 effects exactly once, none missing, nothing dead-lettered (seed %i)',
    async (seed) => {
      const started = Date.now();
      const schedule = scheduleOf(seed);
      console.log(`[crash] seed ${seed}: schedule ${JSON.stringify(schedule)}`);
      const receiver = await receivers.start();
      // The API process starts first: it stores the outbound-HTTP policy (loopback allowed) that
      // the worker processes read. It keeps every run (the default cap is 1,000 per flow).
      const api = await t.start({ workers: false, retention: { runs: { ...DEFAULT_RETENTION.runs, maxPerFlow: 10_000 } } });
      const env = { redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir: t.dataDir, concurrency: 8 };
      // Two processes run the flow; a warm spare per planned kill replaces each victim at once (a
      // cold start takes seconds here, longer than the span all kills must fit in).
      const [initial, spares] = await Promise.all([
        Promise.all([workers.spawn(env), workers.spawn(env)]),
        Promise.all(schedule.kills.map(() => workers.spawn({ ...env, standby: true }))),
      ]);
      const live: WorkerProcess[] = [...initial];
      const traces = await t.traces();
      await api.deploy(flowDoc(receiver.origin), 1);
      const ingesting = ingestAll(api);
      ingesting.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      const queue = api.queue(FLOW);

      await eventually(() => receiver.applied.length >= 50, 'the first effects', 30_000);
      await sleep(schedule.startAfterMs);
      const kills: Kill[] = [];
      const replacements: Array<Promise<void>> = [];
      let firstAt: number | undefined;
      const withinSpan = () => firstAt === undefined || Date.now() - firstAt < KILL_SPAN_MS;
      for (const [k, planned] of schedule.kills.entries()) {
        if (k > 0) await sleep(planned.gapMs);
        // Both processes may be dead, their replacements still starting: wait, within the span.
        while (live.length === 0 && withinSpan()) await sleep(10);
        if (live.length === 0 || !withinSpan()) break;
        const victim = live[Math.floor(planned.pick * live.length)]!;
        const spare = spares.shift()!;
        // Proof that the victim is busy when it dies: the receiver stops answering the victim's
        // connections (found through /proc: the sockets the victim's pid holds to the receiver's
        // port), and we kill once at least one of its requests is in flight there. A request with
        // no answer is a job the victim still holds active — http-request awaits the answer inside
        // the job — and its other jobs (concurrency 8) are wherever they happen to be. We can't ask
        // BullMQ: a job's lock holds a worker token, nothing that names a process.
        const inFlight = await eventually(
          () => {
            const ports = clientPortsOf(victim.pid, receiver.port);
            receiver.holdFrom(ports);
            const keys = receiver.unansweredFrom(ports);
            return keys.length > 0 ? keys : undefined;
          },
          `worker process ${victim.pid} to be mid-request`,
          5_000,
        );
        const active: Record<string, number> = {};
        for (const job of await queue.getActive()) active[job.name] = (active[job.name] ?? 0) + 1;
        if (!withinSpan()) {
          receiver.release();
          break;
        }
        const at = Date.now();
        await victim.kill('SIGKILL');
        firstAt ??= at;
        live.splice(live.indexOf(victim), 1);
        kills.push({ pid: victim.pid, atMs: at - started, inFlight, active });
        replacements.push(spare.activate().then(() => void live.push(spare)));
      }
      await Promise.all(replacements);
      const runIds = await ingesting;

      await eventually(
        async () => {
          if (receiver.applied.length < MESSAGES) return false;
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
          return Object.values(counts).every((n) => n === 0);
        },
        'every effect applied and the queue empty',
        45_000,
      );

      const repeated = receiver.rawRequests - receiver.seen.size;
      const finishedEvents = traces.of('run:finished');
      console.log(
        `[crash] seed ${seed}: ${kills.length} kills at ${kills.map((k) => `${k.atMs} ms`).join(', ')}; ` +
          `active jobs in the queue at each: ${kills.map((k) => JSON.stringify(k.active)).join(', ')}; ` +
          `victim's requests in flight at each: ${kills.map((k) => k.inFlight.length).join(', ')}; ` +
          `${receiver.rawRequests} raw requests, ${repeated} repeated; ` +
          `${finishedEvents.length} run:finished events seen; ${Date.now() - started} ms`,
      );

      expect(kills.length).toBeGreaterThanOrEqual(3);
      for (const kill of kills) {
        expect(kill.inFlight.length, `kill of ${kill.pid}`).toBeGreaterThan(0);
        expect(kill.active['http-request'], `kill of ${kill.pid}`).toBeGreaterThanOrEqual(kill.inFlight.length);
        // The requests the victim died waiting on were sent again by whoever took its jobs over.
        for (const key of kill.inFlight) expect(receiver.seen.get(key), key).toBeGreaterThan(1);
      }
      // Exactly once: each message's effect applied under one key, every message there.
      const orders = receiver.applied.map((a) => (a.body as { order: number }).order).sort((a, b) => a - b);
      expect(orders).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));
      expect(receiver.seen.size).toBe(MESSAGES);
      expect(receiver.unkeyed).toBe(0);
      expect(await api.deadLetters.count(FLOW)).toBe(0);
      // Every run finished once, each of its four nodes counted once.
      const runs = await Promise.all(runIds.map((id) => api.runs.getRun(FLOW, id)));
      const wrong = runs.filter((r) => !(r?.summary.status === 'completed' && r.summary.pending === 0 && r.summary.completed === 4));
      expect(wrong.map((r) => r?.summary)).toEqual([]);
      const perRun = new Map<string, number>();
      for (const e of finishedEvents) perRun.set(e.runId, (perRun.get(e.runId) ?? 0) + 1);
      expect([...perRun.values()].filter((n) => n > 1)).toEqual([]);
    },
    90_000,
  );
});
