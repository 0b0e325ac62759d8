/**
 * `npm start`: one process serving the API, the editor's built files (when built) and engine
 * workers on 127.0.0.1:8400 (`HOST`, `PORT`). Redis is `REDIS_URL`, or a private one kept in the
 * data directory. The example flows are loaded on first start. SIGINT/SIGTERM shut down
 * gracefully: stop taking requests, let workers finish what they run, stop the private Redis.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../engine/logger';
import { loadConfig } from './config';
import { exampleFlows } from './examples';
import { startApiServer } from './http-server';
import { openRedis } from './redis';
import { createServerContext } from './server-context';
import { startEngine } from './engine-start';
import type { ServerContext } from './context';
import { ATTACHMENTS } from './attachments';
import { serverBrokers } from '../nodes/runtime/kafka';

const log = createLogger();
const EDITOR_DIR = fileURLToPath(new URL('../editor/dist/', import.meta.url));

/** On first start: save the example flows, and deploy the ones this build can run. */
async function loadExamples(ctx: ServerContext, dataDir: string): Promise<void> {
  const marker = join(dataDir, 'examples-loaded');
  if (existsSync(marker)) return;
  for (const doc of exampleFlows()) {
    const existing = (await ctx.flows.list()).some((f) => f.id === doc.id);
    if (!existing) await ctx.flows.create(doc);
    try {
      await ctx.flows.deploy(doc.id);
      log.info({ flowId: doc.id }, 'example flow deployed');
    } catch {
      log.info({ flowId: doc.id }, 'example flow saved (not deployable in this build yet)');
    }
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const redis = await openRedis(config, (line) => log.info(line));
  const engine = await startEngine(config, redis.url, log, { outbound: { allow: config.outboundAllow } });
  const ctx = createServerContext(engine, config.dataDir);
  await loadExamples(ctx, config.dataDir);
  const api = await startApiServer(
    ctx,
    { host: config.host, port: config.port, ...(config.token && { token: config.token }), corsOrigins: config.corsOrigins, editorDir: EDITOR_DIR },
    ATTACHMENTS,
  );
  log.info({ url: api.url, dataDir: config.dataDir, redis: redis.private ? 'private' : 'REDIS_URL' }, `Tributary is running at ${api.url}`);
  const kafka = serverBrokers();
  const kafkaLine = kafka.length > 0 ? `Kafka: ${kafka.join(',')}` : 'Kafka: not configured (set KAFKA_BROKERS; `npm run kafka` starts a local broker)';
  process.stdout.write(`\n  Tributary is running at ${api.url}\n  API: ${api.url}/api/openapi.json · data: ${config.dataDir}\n  ${kafkaLine}\n  Ctrl-C stops it.\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await api.close();
    await engine.close();
    await redis.private?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'Tributary could not start');
  process.exit(1);
});
