/**
 * Scenario 9 — memory. With retention shortened (the lifetimes of runs, traces, done markers and
 * completed jobs; counts as by default):
 * - bytes Redis holds per in-flight message: messages ingested by an API-only engine (no
 *   workers), so they wait at their first node;
 * - bytes per finished message: the same messages once a worker engine has run them to the end,
 *   before retention has removed anything;
 * - engine RSS after each of three closed-loop runs (after a GC): flat, ≤ 10 % growth from the
 *   second to the third;
 * - Redis memory once retention has done its work, against the baseline taken after deploying.
 */
import type { Figure, Scenario } from '../scenario';
import type { Retention } from '../../engine/retention';
import { startBenchEngine } from '../lib/engine';
import { linearFlow } from '../lib/flows';
import { closedLoop, sizes } from '../lib/load';
import { sleep } from '../lib/measure';
import type { BenchRedis } from '../lib/redis';
import { withBenchRedis } from '../lib/redis';

const FLOW = 'memory';

const retentionFor = (ttlSec: number): Partial<Retention> => ({
  completedJobs: { count: 1_000, ageSec: ttlSec },
  doneMarkersSec: ttlSec,
  idempotencySec: ttlSec,
  runs: { maxPerFlow: 10_000, ttlSec, maxEventsPerRun: 200, maxEventBytesPerRun: 256 * 1024 },
});

const gc = () => (globalThis as { gc?: () => void }).gc?.();

const usedMemory = async (redis: BenchRedis) => (await redis.sample()).usedMemory;

const scenario: Scenario = {
  id: 'memory',
  title: 'Memory: Redis bytes per in-flight and finished message, engine RSS over three runs, Redis back to baseline',
  run: ({ quick, log }) =>
    withBenchRedis(async (redis) => {
      const size = sizes(quick, { durationMs: 15_000, repeats: 3 });
      const ttlSec = quick ? 2 : 30;
      const batch = quick ? 100 : 2_000;
      const retention = retentionFor(ttlSec);
      const api = await startBenchEngine(redis, 'bench', { workers: false, retention });
      let workers: Awaited<ReturnType<typeof startBenchEngine>> | undefined;
      try {
        await api.engine.deploy(linearFlow(FLOW), 1);
        await sleep(500);
        const baseline = await usedMemory(redis);
        for (let i = 0; i < batch; i += 50) {
          await Promise.all(Array.from({ length: Math.min(50, batch - i) }, (_, k) => api.engine.trigger(FLOW, 'in', { i: i + k, t: Date.now() })));
        }
        const inFlight = (await usedMemory(redis)) - baseline;
        log(`${batch} in flight: ${inFlight} bytes over the baseline of ${baseline}`);

        workers = await startBenchEngine(redis, 'bench', { retention });
        const done = await workers.sink.completions.reach(batch, size.drainMs);
        if (!done) throw new Error(`only ${workers.sink.completions.count} of ${batch} messages finished`);
        await sleep(500);
        const finished = (await usedMemory(redis)) - baseline;
        log(`${batch} finished: ${finished} bytes over the baseline`);

        const rss: number[] = [];
        // --quick proves one run; the growth figure needs three.
        for (let run = 0; run < (quick ? 1 : 3); run++) {
          const engine = workers.engine;
          const r = await closedLoop({ redis, completions: workers.sink.completions, send: (i) => engine.trigger(FLOW, 'in', { i, t: Date.now() }), ...size });
          gc();
          rss.push(process.memoryUsage().rss);
          log(`run ${run + 1}: ${r.perSec.toFixed(0)} messages/s, RSS ${(rss[run]! / 2 ** 20).toFixed(1)} MiB after GC, Redis ${(await usedMemory(redis)) - baseline} bytes over the baseline`);
        }

        // Retention: everything with a lifetime expires ttlSec after its last write, and Redis
        // expires keys actively within a few seconds more. Wait that long, then until memory
        // stops falling (what has no lifetime — capped records — stays).
        await sleep((ttlSec + (quick ? 1 : 2)) * 1000);
        let left = (await usedMemory(redis)) - baseline;
        for (let stable = 0; stable < (quick ? 1 : 3); ) {
          await sleep(1000);
          const now = (await usedMemory(redis)) - baseline;
          stable = now < left - 16 * 1024 ? 0 : stable + 1;
          left = Math.min(left, now);
        }
        log(`after retention: ${left} bytes over the baseline; what is left: ${await keyGroups(redis)}`);
        const mib = (b: number) => b / 2 ** 20;
        const figures: Figure[] = [
          { name: `Redis bytes per in-flight message (${batch} waiting)`, value: inFlight / batch, unit: 'B' },
          { name: `Redis bytes per finished message (${batch}, before retention)`, value: finished / batch, unit: 'B' },
          ...rss.map((b, i): Figure => ({ name: `engine RSS after run ${i + 1} (after GC)`, value: mib(b), unit: 'MiB' })),
          ...(rss.length === 3 ? [{ name: 'engine RSS growth, run 2 → run 3', value: rss[2]! / rss[1]!, unit: '×', target: '≤ 1.10' }] : []),
          { name: 'Redis used_memory after retention (vs baseline)', value: mib(baseline + left), unit: 'MiB', baseline: mib(baseline), ratio: (baseline + left) / baseline, target: '≈ 1× (back to baseline)' },
        ];
        return figures;
      } finally {
        await workers?.close();
        await api.close();
      }
    }),
};

/** Keys left, grouped by their name with ids replaced by `*`, largest groups first. */
async function keyGroups(redis: BenchRedis): Promise<string> {
  const groups = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.admin.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const shape = key.split(':').map((part) => (/^[0-9a-f-]{12,}$|^\d+$|^[A-Za-z0-9_-]{20,}$/.test(part) ? '*' : part)).join(':');
      groups.set(shape, (groups.get(shape) ?? 0) + 1);
    }
  } while (cursor !== '0');
  return [...groups].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `${n} × ${k}`).join(', ') || 'nothing';
}

export default scenario;
