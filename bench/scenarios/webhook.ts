/**
 * Scenario 5 — webhook: `POST /hooks/<flow>/bench` → map → log at 10 and 50 connections
 * (autocannon), beside a bare Node `http` server doing the same JSON transform in memory, and
 * beside Node-RED 4 (`http in → function → http response`, installed by the full run only).
 * Only 202s count; 503s (back-pressure) are reported apart; the flow's backlog is read after
 * each run (it must not grow). Target: requests/s ≥ Node-RED's, every request durably enqueued
 * before its 202 — Node-RED keeps nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Figure, Scenario } from '../scenario';
import { ATTACHMENTS } from '../../server/attachments';
import { startApiServer } from '../../server/http-server';
import { createServerContext } from '../../server/server-context';
import { loadHttp, type HttpLoadResult } from '../lib/autocannon';
import { startBenchEngine } from '../lib/engine';
import { webhookFlow } from '../lib/flows';
import { processCpuSec, sleep } from '../lib/measure';
import { installNodeRed, startNodeRed, type NodeRed } from '../lib/node-red';
import { withBenchRedis } from '../lib/redis';
import { ratio } from '../lib/stats';

const FLOW = 'hook';
const BODY = JSON.stringify({ i: 7, t: 0, note: 'a small order' });

interface Target {
  label: string;
  url: string;
  /** CPU seconds the serving process has used so far. */
  cpuSec(): number;
}

const ownCpuSec = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const scenario: Scenario = {
  id: 'webhook',
  title: 'Webhook → map → log at 10 and 50 connections, beside bare Node http and Node-RED 4',
  run: ({ quick, log }) =>
    withBenchRedis(async (redis) => {
      const durationSec = quick ? 1 : 15;
      const bench = await startBenchEngine(redis, 'bench');
      const ctx = createServerContext(bench.engine, bench.dataDir);
      const api = await startApiServer(ctx, { host: '127.0.0.1', port: 0 }, ATTACHMENTS);
      const bare = await startBareServer();
      let nodeRed: NodeRed | undefined;
      let nodeRedProblem: string | undefined;
      try {
        await bench.engine.deploy(webhookFlow(FLOW, '/bench'), 1);
        if (quick) nodeRedProblem = 'not run by --quick';
        else {
          try {
            await installNodeRed(log);
            nodeRed = await startNodeRed('/bench', BODY);
          } catch (error) {
            nodeRedProblem = error instanceof Error ? error.message.split('\n')[0] : String(error);
            log(`Node-RED unavailable: ${nodeRedProblem}`);
          }
        }
        const targets: Target[] = [
          { label: 'tributary', url: `${api.url}/hooks/${FLOW}/bench`, cpuSec: ownCpuSec },
          { label: 'bare node http', url: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/bench`, cpuSec: ownCpuSec },
          ...(nodeRed ? [{ label: 'node-red 4', url: nodeRed.url, cpuSec: () => processCpuSec(nodeRed!.pid) }] : []),
        ];
        const figures: Figure[] = [];
        for (const connections of quick ? [10] : [10, 50]) {
          const results = new Map<string, HttpLoadResult & { cpu: number }>();
          for (const target of targets) {
            const cpu0 = target.cpuSec();
            const r = await loadHttp({ url: target.url, connections, durationSec, body: BODY });
            const cpu = (target.cpuSec() - cpu0) / durationSec;
            results.set(target.label, { ...r, cpu });
            log(`${target.label} @${connections}: ${r.acceptedPerSec.toFixed(0)} 202/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.unavailable} × 503, ${r.other} other; server CPU ${cpu.toFixed(2)} cores`);
            if (target.label === 'tributary') {
              const backlog = await bench.engine.backlog(FLOW);
              figures.push({ name: `webhook @${connections} backlog right after the load`, value: backlog, unit: 'jobs', target: 'not growing' });
              await drain(() => bench.engine.backlog(FLOW));
            }
          }
          const t = results.get('tributary')!;
          const b = results.get('bare node http')!;
          const n = results.get('node-red 4');
          figures.push(
            { name: `webhook @${connections} 202/s (vs Node-RED 4)`, value: t.acceptedPerSec, unit: 'req/s', ...(n && { baseline: n.acceptedPerSec, ratio: ratio(t.acceptedPerSec, n.acceptedPerSec) }), target: n ? '≥ 1×' : `Node-RED: ${nodeRedProblem}` },
            { name: `webhook @${connections} 202/s (vs bare Node http)`, value: t.acceptedPerSec, unit: 'req/s', baseline: b.acceptedPerSec, ratio: ratio(t.acceptedPerSec, b.acceptedPerSec) },
            { name: `webhook @${connections} p50 (vs Node-RED 4, bare: ${b.p50} ms)`, value: t.p50, unit: 'ms', ...(n && { baseline: n.p50 }) },
            { name: `webhook @${connections} p99 (vs Node-RED 4, bare: ${b.p99} ms)`, value: t.p99, unit: 'ms', ...(n && { baseline: n.p99 }) },
            { name: `webhook @${connections} 503s (other answers: ${t.other})`, value: t.unavailable, unit: 'answers' },
            { name: `webhook @${connections} server CPU (vs Node-RED 4)`, value: t.cpu, unit: 'cores', ...(n && { baseline: n.cpu }) },
          );
        }
        return figures;
      } finally {
        await nodeRed?.close();
        await new Promise<void>((resolve) => {
          bare.closeAllConnections();
          bare.close(() => resolve());
        });
        await api.close();
        await bench.close();
      }
    }),
};

/** The same JSON transform as the flow's map, answered 202 from memory. */
function startBareServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const p = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { i: number; t: number };
        const out = { i: p.i, t: p.t, v: p.i * 2, name: `m${String(p.i)}` };
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: true, size: JSON.stringify(out).length }));
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function drain(backlog: () => Promise<number>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await backlog()) > 0 && Date.now() < deadline) await sleep(100);
}

export default scenario;
