/**
 * Scenario 2 — the linear flow inject → map → filter → map → log through the real engine,
 * every step a durable job, beside the bare 5-hop chain in one queue, the runs interleaved
 * (engine, bare, engine, bare…) so both see the same machine. Targets (issue 14): node-steps/s
 * ≥ 0.8× the bare chain's jobs/s; Redis commands per node step ≤ 1.3× the bare chain's per job.
 */
import type { Scenario } from '../scenario';
import { startBareChain } from '../lib/bare';
import { startBenchEngine } from '../lib/engine';
import { costFigures } from '../lib/figures';
import { LINEAR_STEPS, linearFlow } from '../lib/flows';
import { closedLoop, medianRun, sizes, type Throughput } from '../lib/load';
import { withBenchRedis } from '../lib/redis';
import { ratio } from '../lib/stats';

const FLOW = 'linear';

const scenario: Scenario = {
  id: 'linear',
  title: 'Linear flow inject → map → filter → map → log, beside bare BullMQ 5-hop',
  run: ({ quick, log }) =>
    withBenchRedis(async (redis) => {
      const size = sizes(quick);
      const bench = await startBenchEngine(redis, 'bench');
      const chain = await startBareChain(redis, 'one-queue', 'bench-bare');
      try {
        await bench.engine.deploy(linearFlow(FLOW), 1);
        const engineRuns: Throughput[] = [];
        const bareRuns: Throughput[] = [];
        for (let i = 0; i < size.repeats; i++) {
          const e = await closedLoop({ redis, completions: bench.sink.completions, send: (n) => bench.engine.trigger(FLOW, 'in', { i: n, t: Date.now() }), ...size });
          engineRuns.push(e);
          log(`engine run ${i + 1}: ${e.perSec.toFixed(0)} messages/s (${(e.perSec * LINEAR_STEPS).toFixed(0)} node-steps/s), Node ${e.nodeCpu.toFixed(2)} / Redis ${e.redisCpu.toFixed(2)} cores${e.drained ? '' : ', NOT drained'}`);
          const b = await closedLoop({ redis, completions: chain.completions, send: (n) => chain.send({ i: n, t: Date.now() }), ...size });
          bareRuns.push(b);
          log(`bare run ${i + 1}: ${b.perSec.toFixed(0)} messages/s (${(b.perSec * 5).toFixed(0)} jobs/s)`);
        }
        const e = medianRun(engineRuns);
        const b = medianRun(bareRuns);
        const steps = e.perSec * LINEAR_STEPS;
        const jobs = b.perSec * chain.hops;
        const cmdsPerStep = e.commands / (e.completed * LINEAR_STEPS);
        const cmdsPerJob = b.commands / (b.completed * chain.hops);
        return [
          { name: 'linear flow node-steps/s (vs bare 5-hop jobs/s)', value: steps, unit: 'steps/s', baseline: jobs, ratio: ratio(steps, jobs), target: '≥ 0.8×' },
          { name: 'linear flow messages/s (vs bare 5-hop)', value: e.perSec, unit: 'msg/s', baseline: b.perSec, ratio: ratio(e.perSec, b.perSec) },
          { name: 'Redis commands per node step (vs per bare job)', value: cmdsPerStep, unit: 'cmds', baseline: cmdsPerJob, ratio: ratio(cmdsPerStep, cmdsPerJob), target: '≤ 1.3×' },
          ...costFigures('linear flow', e, b),
        ];
      } finally {
        await chain.close();
        await bench.close();
      }
    }),
};

export default scenario;
