/** Starting an engine from the process configuration: what `npm start` and `npm run worker` share. */
import { RUNTIMES } from '../nodes/runtimes';
import { Engine, type EngineOptions } from '../engine/engine';
import type { Pino } from '../engine/logger';
import type { TributaryConfig } from './config';
import { servedCatalogue } from './served-catalogue';

export function startEngine(config: TributaryConfig, redisUrl: string, logger: Pino, extra: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.start({
    redisUrl,
    prefix: config.prefix,
    // Deploys refuse what the served catalogue marks unavailable (Kafka without brokers).
    catalogue: servedCatalogue().catalogue,
    runtimes: RUNTIMES,
    secret: config.secret,
    dataDir: config.dataDir,
    memory: { limitBytes: config.redisMemoryLimit },
    logger,
    ...extra,
  });
}
