/**
 * `npm start`: one process serving the API, the editor's built files (when built) and engine
 * workers on 127.0.0.1:8400 (`HOST`, `PORT`). Redis is `REDIS_URL`, or a private one kept in the
 * data directory. The example flows are loaded on first start. SIGINT/SIGTERM shut down
 * gracefully: stop taking requests, let workers finish what they run, stop the private Redis —
 * within `TRIBUTARY_SHUTDOWN_GRACE_MS` (10 s), else forced (server/shutdown.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../engine/logger';
import { loadConfig } from './config';
import { exampleFlows } from './examples';
import { startApiServer, type ApiServer } from './http-server';
import { openRedis, type RedisHandle } from './redis';
import { createServerContext } from './server-context';
import { startEngine } from './engine-start';
import type { ServerContext } from './context';
import type { Engine } from '../engine/engine';
import { ATTACHMENTS } from './attachments';
import { HttpError } from './http/problem';
import { isLoopback } from './loopback';
import { stopOnSignals } from './shutdown';
import { demoEnabled, startDemoServices } from './demo-start';
import type { DemoServer } from '../demo/server';
import { serverBrokers } from '../nodes/runtime/kafka';

const log = createLogger();
const EDITOR_DIR = fileURLToPath(new URL('../editor/dist/', import.meta.url));

/**
 * On first start: save the example flows, and deploy the ones this build can run — only when bound
 * to loopback. Off loopback their webhooks would be open to whoever can reach the server, so they
 * are saved for the user to look at and deploy on purpose.
 */
async function loadExamples(ctx: ServerContext, dataDir: string, deploy: boolean): Promise<void> {
  const marker = join(dataDir, 'examples-loaded');
  if (existsSync(marker)) return;
  for (const doc of exampleFlows()) {
    const existing = (await ctx.flows.list()).some((f) => f.id === doc.id);
    if (!existing) await ctx.flows.create(doc);
    if (!deploy) {
      log.info({ flowId: doc.id }, 'example flow saved, not deployed (the server is not bound to loopback)');
      continue;
    }
    try {
      await ctx.flows.deploy(doc.id);
      log.info({ flowId: doc.id }, 'example flow deployed');
    } catch (error) {
      // Say why, e.g. "Kafka is not configured on this server: …", so the user knows what to set.
      const problems = error instanceof HttpError ? (error.extra.problems as Array<{ message: string }> | undefined) : undefined;
      const why = problems?.[0]?.message ?? (error instanceof Error ? error.message : String(error));
      log.info({ flowId: doc.id, why }, `example flow saved, not deployed: ${why}`);
    }
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  let redis: RedisHandle | undefined;
  let engine: Engine | undefined;
  let api: ApiServer | undefined;
  let demo: DemoServer | undefined;
  stopOnSignals(
    async () => {
      await api?.close();
      await demo?.close();
      await engine?.close();
    },
    { graceMs: config.shutdownGraceMs, log, privateRedis: () => redis?.private },
  );
  redis = await openRedis(config, (line) => log.info(line));
  engine = await startEngine(config, redis.url, log, { outbound: { allow: config.outboundAllow } });
  // Before the examples are deployed: they reach the demo through its variables.
  if (demoEnabled()) demo = await startDemoServices(engine, log);
  const ctx = createServerContext(engine, config.dataDir);
  await loadExamples(ctx, config.dataDir, isLoopback(config.host));
  api = await startApiServer(
    ctx,
    { host: config.host, port: config.port, ...(config.token && { token: config.token }), corsOrigins: config.corsOrigins, editorDir: EDITOR_DIR },
    ATTACHMENTS,
  );
  log.info({ url: api.url, dataDir: config.dataDir, redis: redis.private ? 'private' : 'REDIS_URL' }, `Tributary is running at ${api.url}`);
  const kafka = serverBrokers();
  const kafkaLine = kafka.length > 0 ? `Kafka: ${kafka.join(',')}` : 'Kafka: not configured (set KAFKA_BROKERS; `npm run kafka` starts a local broker)';
  const demoLine = demo ? `  Demo services (break them on purpose): ${demo.url}\n` : '';
  process.stdout.write(`\n  Tributary is running at ${api.url}\n  API: ${api.url}/api/openapi.json · data: ${config.dataDir}\n  ${kafkaLine}\n${demoLine}  Ctrl-C stops it.\n\n`);
}

main().catch((error: unknown) => {
  log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'Tributary could not start');
  process.exit(1);
});
