/**
 * Scenario 6 — tracing cost: the linear flow through a real server (its Socket.IO relay
 * attached) with 0, 1 and 5 Socket.IO clients watching the flow from another process:
 * throughput as a ratio to the same run with nobody watching, and the lag from the last node
 * finishing (its event's time) to a client receiving it. Rounds of 0 → 1 → 5 clients are
 * repeated and each level's median taken. Targets: ≥ 0.9× untraced with 5 clients; lag p99 ≤ 250 ms.
 */
import type { Figure, Scenario } from '../scenario';
import { ATTACHMENTS } from '../../server/attachments';
import { startApiServer } from '../../server/http-server';
import { createServerContext } from '../../server/server-context';
import { startBenchEngine } from '../lib/engine';
import { LINEAR_STEPS, linearFlow } from '../lib/flows';
import { startLiveClients } from '../lib/live-clients';
import { closedLoop, sizes } from '../lib/load';
import { withBenchRedis } from '../lib/redis';
import { median, percentile, ratio } from '../lib/stats';

const FLOW = 'traced';
const LEVELS = [0, 1, 5] as const;

const scenario: Scenario = {
  id: 'tracing',
  title: 'Tracing cost: linear flow with 0, 1 and 5 Socket.IO clients watching',
  run: ({ quick, log }) =>
    withBenchRedis(async (redis) => {
      const size = sizes(quick, { durationMs: 10_000, repeats: 2 });
      const bench = await startBenchEngine(redis, 'bench');
      const api = await startApiServer(createServerContext(bench.engine, bench.dataDir), { host: '127.0.0.1', port: 0 }, ATTACHMENTS);
      try {
        await bench.engine.deploy(linearFlow(FLOW), 1);
        const perSec = new Map<number, number[]>(LEVELS.map((n) => [n, []]));
        const lags = new Map<number, number[]>(LEVELS.map((n) => [n, []]));
        // --quick proves both paths (nobody watching, clients watching) with one client process.
        const levels = quick ? [0, 5] : LEVELS;
        for (let round = 0; round < size.repeats; round++) {
          for (const n of levels) {
            const clients = n > 0 ? await startLiveClients(api.url, FLOW, 'out', n) : undefined;
            try {
              const r = await closedLoop({
                redis,
                completions: bench.sink.completions,
                send: (i) => bench.engine.trigger(FLOW, 'in', { i, t: Date.now() }),
                ...size,
                warmupMs: size.warmupMs,
              });
              perSec.get(n)!.push(r.perSec);
              const report = clients ? await clients.report() : { batches: 0, lags: [] };
              lags.get(n)!.push(...report.lags);
              log(`${n} client(s), round ${round + 1}: ${r.perSec.toFixed(0)} messages/s (${(r.perSec * LINEAR_STEPS).toFixed(0)} node-steps/s); ${report.batches} batches, lag p99 ${percentile(report.lags, 99)} ms`);
            } finally {
              await clients?.close();
            }
          }
        }
        const untraced = median(perSec.get(0)!);
        const figures: Figure[] = [{ name: 'linear flow messages/s, nobody watching', value: untraced, unit: 'msg/s' }];
        for (const n of [1, 5] as const) {
          if (perSec.get(n)!.length === 0) continue;
          const v = median(perSec.get(n)!);
          figures.push(
            { name: `messages/s with ${n} client(s) watching (vs nobody)`, value: v, unit: 'msg/s', baseline: untraced, ratio: ratio(v, untraced), ...(n === 5 && { target: '≥ 0.9×' }) },
            { name: `lag p99, node done → client, ${n} client(s)`, value: percentile(lags.get(n)!, 99), unit: 'ms', target: '≤ 250 ms' },
          );
        }
        return figures;
      } finally {
        await api.close();
        await bench.close();
      }
    }),
};

export default scenario;
