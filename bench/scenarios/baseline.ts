/**
 * Scenario 1 — the baseline: bare BullMQ on the bench's Redis, a 3-hop chain over three queues
 * and a 5-hop chain in one queue (jobs/s and messages/s). Every engine figure is read against it.
 */
import type { Figure, Scenario } from '../scenario';
import { startBareChain, type ChainShape } from '../lib/bare';
import { costFigures } from '../lib/figures';
import { closedLoop, medianRun, sizes, type Throughput } from '../lib/load';
import { withBenchRedis } from '../lib/redis';

const scenario: Scenario = {
  id: 'baseline',
  title: 'Bare BullMQ: 3 hops over three queues, 5 hops in one queue',
  run: ({ quick, log }) =>
    withBenchRedis(async (redis) => {
      const size = sizes(quick, { durationMs: 15_000 });
      const figures: Figure[] = [];
      for (const shape of ['three-queues', 'one-queue'] as ChainShape[]) {
        const chain = await startBareChain(redis, shape, `bench-${shape}`);
        try {
          const runs: Throughput[] = [];
          for (let i = 0; i < size.repeats; i++) {
            const r = await closedLoop({ redis, completions: chain.completions, send: (n) => chain.send({ i: n, t: Date.now() }), ...size });
            log(`${shape} run ${i + 1}: ${r.perSec.toFixed(0)} messages/s, Node ${r.nodeCpu.toFixed(2)} / Redis ${r.redisCpu.toFixed(2)} cores`);
            runs.push(r);
          }
          const t = medianRun(runs);
          const label = `bare ${chain.hops}-hop (${shape === 'one-queue' ? 'one queue' : 'three queues'})`;
          figures.push(
            { name: `${label} messages/s`, value: t.perSec, unit: 'msg/s' },
            { name: `${label} jobs/s`, value: t.perSec * chain.hops, unit: 'jobs/s' },
            ...costFigures(label, t),
          );
        } finally {
          await chain.close();
        }
      }
      return figures;
    }),
};

export default scenario;
