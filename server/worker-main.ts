/**
 * `npm run worker`: an engine-only process that shares the deployed flows' work with every other
 * process on the same Redis. It needs only the Redis and the secret key: plans, credentials and
 * the outbound-HTTP policy come from Redis. Without `REDIS_URL` it joins the private Redis of a
 * running `npm start` in the same data directory.
 */
import { createLogger } from '../engine/logger';
import { loadConfig } from './config';
import { startEngine } from './engine-start';
import { runningPrivateRedisUrl } from './redis';
import { stopOnSignals } from './shutdown';
import type { Engine } from '../engine/engine';

const log = createLogger({ name: 'tributary-worker' });

async function main(): Promise<void> {
  const config = loadConfig();
  const redisUrl = config.redisUrl ?? runningPrivateRedisUrl(config.dataDir);
  if (!redisUrl) throw new Error('no Redis to join: set REDIS_URL, or start `npm start` first (its private Redis is then found in the data directory)');
  let engine: Engine | undefined;
  stopOnSignals(async () => engine?.close(), { graceMs: config.shutdownGraceMs, log });
  engine = await startEngine(config, redisUrl, log);
  log.info({ flows: [...(await engine.deployed()).keys()] }, 'worker running; Ctrl-C stops it after the jobs it runs');
}

main().catch((error: unknown) => {
  log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'worker could not start');
  process.exit(1);
});
