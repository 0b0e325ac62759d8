/** Starting an engine from the process configuration: what `npm start` and `npm run worker` share. */
import { nodeCatalogue } from '../nodes/catalogue';
import { RUNTIMES } from '../nodes/runtimes';
import { Engine, type EngineOptions } from '../engine/engine';
import type { Pino } from '../engine/logger';
import type { TributaryConfig } from './config';

export function startEngine(config: TributaryConfig, redisUrl: string, logger: Pino, extra: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.start({
    redisUrl,
    prefix: config.prefix,
    catalogue: nodeCatalogue,
    runtimes: RUNTIMES,
    secret: config.secret,
    dataDir: config.dataDir,
    logger,
    ...extra,
  });
}
