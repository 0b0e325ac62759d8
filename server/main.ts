/**
 * `npm start`: Redis (a private one unless `REDIS_URL` is set), the engine with its workers, and
 * the example flows deployed on first start. SIGINT/SIGTERM shut down gracefully: workers finish
 * what they run, then the private Redis stops (flushing its AOF).
 */
import { nodeCatalogue } from '../nodes/catalogue';
import { RUNTIMES } from '../nodes/runtimes';
import { Engine } from '../engine/engine';
import { InvalidFlowError } from '../engine/plan';
import { createLogger } from '../engine/logger';
import { loadConfig } from './config';
import { exampleFlows } from './examples';
import { openRedis } from './redis';

const log = createLogger();

async function main(): Promise<void> {
  const config = loadConfig();
  const redis = await openRedis(config, (line) => log.info(line));
  log.info({ redis: redis.private ? `private, data in ${redis.private.dir}` : 'REDIS_URL' }, 'redis ready');
  const engine = await Engine.start({
    redisUrl: redis.url,
    prefix: config.prefix,
    catalogue: nodeCatalogue,
    runtimes: RUNTIMES,
    secret: config.secret,
    dataDir: config.dataDir,
    logger: log,
    outbound: { allow: ['127.0.0.0/8', '::1/128', 'localhost'] },
  });

  const deployed = await engine.deployed();
  for (const flow of exampleFlows()) {
    if (deployed.has(flow.id)) continue;
    try {
      await engine.deploy(flow, 1);
      log.info({ flowId: flow.id }, 'example flow deployed');
    } catch (error) {
      const detail = error instanceof InvalidFlowError ? error.problems.map((p) => p.message).join('; ') : String(error);
      log.info({ flowId: flow.id, reason: detail }, 'example flow not deployed');
    }
  }
  log.info({ flows: [...(await engine.deployed()).keys()], dataDir: config.dataDir }, 'Tributary engine running; Ctrl-C stops it');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
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
