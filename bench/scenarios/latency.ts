/**
 * Scenario 4 — latency at a fixed rate: 500 messages/s for ~20 s through the linear flow, p50 /
 * p99 / max from the moment a message was due to be sent to the moment its last node (log) ran,
 * beside the bare 5-hop chain at the same rate. Latency is taken from the scheduled send time,
 * so a subject that falls behind shows it (no coordinated omission). Target: sustains the rate
 * with p99 ≤ 25 ms.
 */
import type { Figure, Scenario } from '../scenario';
import { startBareChain } from '../lib/bare';
import { startBenchEngine } from '../lib/engine';
import { linearFlow } from '../lib/flows';
import { fixedRate, sizes, type RateResult } from '../lib/load';
import { withBenchRedis } from '../lib/redis';
import { summariseLatency, type LatencySummary } from '../lib/stats';

const FLOW = 'latency';

const scenario: Scenario = {
  id: 'latency',
  title: 'Latency at a fixed 500 msg/s, linear flow beside bare 5-hop',
  run: ({ quick, log }) =>
    withBenchRedis(async (redis) => {
      // A subject that falls behind is given 10 s to catch up; what is left is removed, so that
      // it doesn't load the next subject's run (the share finished says how far behind it was).
      const size = { ...sizes(quick), drainMs: 10_000 };
      const rate = quick ? 100 : 500;
      const bench = await startBenchEngine(redis, 'bench');
      const chain = await startBareChain(redis, 'one-queue', 'bench-bare');
      try {
        await bench.engine.deploy(linearFlow(FLOW), 1);
        // A short warm-up at the same rate, not measured.
        await fixedRate({ redis, rate, durationMs: size.warmupMs, drainMs: size.drainMs, completions: bench.sink.completions, send: (i, t) => bench.engine.trigger(FLOW, 'in', { i, t }) });
        await bench.engine.queue(FLOW).drain(true);
        bench.sink.recordLatency = true;
        const e = await fixedRate({ redis, rate, durationMs: size.durationMs, drainMs: size.drainMs, completions: bench.sink.completions, send: (i, t) => bench.engine.trigger(FLOW, 'in', { i, t }) });
        bench.sink.recordLatency = false;
        const el = summariseLatency(bench.sink.latencies);
        log(`engine: ${describe(e, el)}`);
        await bench.engine.queue(FLOW).drain(true);

        await fixedRate({ redis, rate, durationMs: size.warmupMs, drainMs: size.drainMs, completions: chain.completions, send: (i, t) => chain.send({ i, t }) });
        await chain.clear();
        chain.recordLatency = true;
        const b = await fixedRate({ redis, rate, durationMs: size.durationMs, drainMs: size.drainMs, completions: chain.completions, send: (i, t) => chain.send({ i, t }) });
        chain.recordLatency = false;
        const bl = summariseLatency(chain.latencies);
        log(`bare: ${describe(b, bl)}`);
        await chain.clear();

        const figures: Figure[] = [
          { name: `linear flow finished/s at ${rate}/s offered`, value: e.perSec, unit: 'msg/s', baseline: b.perSec, ratio: e.perSec / b.perSec, target: `≈ ${rate}/s` },
          { name: 'linear flow share finished (window + 10 s)', value: e.completedShare * 100, unit: '%', baseline: b.completedShare * 100, target: '100 %' },
          { name: 'linear flow latency p50 (of those finished)', value: el.p50, unit: 'ms', baseline: bl.p50 },
          { name: 'linear flow latency p99 (of those finished)', value: el.p99, unit: 'ms', baseline: bl.p99, target: '≤ 25 ms' },
          { name: 'linear flow latency max (of those finished)', value: el.max, unit: 'ms', baseline: bl.max },
          { name: 'linear flow Node CPU at the rate', value: e.nodeCpu, unit: 'cores', baseline: b.nodeCpu },
          { name: 'linear flow Redis CPU at the rate', value: e.redisCpu, unit: 'cores', baseline: b.redisCpu },
        ];
        if (e.behind > 0 || e.refused > 0) figures.push({ name: 'linear flow sends behind schedule / refused', value: e.behind + e.refused, unit: 'msgs', baseline: b.behind + b.refused });
        return figures;
      } finally {
        await chain.close();
        await bench.close();
      }
    }),
};

function describe(r: RateResult, l: LatencySummary): string {
  return `${r.sent} sent, ${(r.completedShare * 100).toFixed(1)} % finished, ${r.behind} behind, ${r.refused} refused; p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`;
}

export default scenario;
