/**
 * Scenario 7 — merge and saga, each a ratio to the linear flow measured in the same invocation (the baseline column):
 * a window merge of two inputs (messages alternate between them; a window closes every 100),
 * and a 3-step saga whose steps call a local HTTP test server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario } from '../scenario';
import { startBenchEngine } from '../lib/engine';
import { linearFlow, mergeWindowFlow, sagaFlow } from '../lib/flows';
import { closedLoop, medianRun, sizes, type Throughput } from '../lib/load';
import { withBenchRedis } from '../lib/redis';
import { ratio } from '../lib/stats';


const scenario: Scenario = {
  id: 'merge-saga',
  title: 'Window merge of two inputs and a 3-step HTTP saga, as ratios to the linear flow',
  run: ({ quick, log }) =>
    withBenchRedis(async (redis) => {
      const size = sizes(quick, { durationMs: 10_000, repeats: 2 });
      const WINDOW = quick ? 20 : 100;
      const service = await startService();
      const bench = await startBenchEngine(redis, 'bench');
      try {
        const origin = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
        await bench.engine.deploy(linearFlow('linear'), 1);
        await bench.engine.deploy(mergeWindowFlow('merge', WINDOW), 1);
        await bench.engine.deploy(sagaFlow('saga', origin), 1);
        const subjects = [
          { id: 'linear', completions: bench.sink.track('linear'), inflight: 200, send: (i: number) => bench.engine.trigger('linear', 'in', { i, t: Date.now() }) },
          // A window completes only once 100 have arrived: keep several windows' worth in flight.
          { id: 'merge', completions: bench.sink.track('merge', { countValue: true }), inflight: 4 * WINDOW, send: (i: number) => bench.engine.trigger('merge', i % 2 === 0 ? 'a' : 'b', { i, t: Date.now() }) },
          { id: 'saga', completions: bench.sink.track('saga'), inflight: 200, send: (i: number) => bench.engine.trigger('saga', 'in', { i, t: Date.now() }) },
        ];
        const runs = new Map<string, Throughput[]>(subjects.map((s) => [s.id, []]));
        for (let round = 0; round < size.repeats; round++) {
          for (const s of subjects) {
            const r = await closedLoop({ redis, completions: s.completions, send: s.send, inflight: s.inflight, ...size });
            runs.get(s.id)!.push(r);
            log(`${s.id}, round ${round + 1}: ${r.perSec.toFixed(0)} messages/s, Node ${r.nodeCpu.toFixed(2)} / Redis ${r.redisCpu.toFixed(2)} cores${r.drained ? '' : ', NOT drained'}`);
          }
        }
        const [linear, merge, saga] = ['linear', 'merge', 'saga'].map((id) => medianRun(runs.get(id)!)) as [Throughput, Throughput, Throughput];
        return [
          { name: `window merge msg/s (2 inputs, windows of ${WINDOW})`, value: merge.perSec, unit: 'msg/s', baseline: linear.perSec, ratio: ratio(merge.perSec, linear.perSec) },
          { name: 'window merge Redis cmds/message', value: merge.commands / merge.completed, unit: 'cmds', baseline: linear.commands / linear.completed, ratio: ratio(merge.commands / merge.completed, linear.commands / linear.completed) },
          { name: '3-step saga runs/s', value: saga.perSec, unit: 'runs/s', baseline: linear.perSec, ratio: ratio(saga.perSec, linear.perSec) },
          { name: '3-step saga Redis cmds/run', value: saga.commands / saga.completed, unit: 'cmds', baseline: linear.commands / linear.completed, ratio: ratio(saga.commands / saga.completed, linear.commands / linear.completed) },
        ];
      } finally {
        await bench.close();
        await new Promise<void>((resolve) => {
          service.closeAllConnections();
          service.close(() => resolve());
        });
      }
    }),
};

/** The saga's three services (reserve, charge, ship and their undo): 200 with a small JSON body. */
function startService(): Promise<Server> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: ++n, ok: true })));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export default scenario;
