/**
 * Stopping `npm start` and `npm run worker` on SIGTERM/SIGINT within a bounded time. The graceful
 * path (stop taking requests, let the workers finish what they run, close the queues) can hang
 * when Redis has gone away — BullMQ and ioredis wait for it to return — so it gets `graceMs`;
 * past that, or on a second signal, the process is forced down. Either way the private Redis this
 * process started is stopped: gracefully (it fsyncs its AOF), and killed if it doesn't go.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrivateRedis } from '../engine/redis/private-server';
import type { Pino } from '../engine/logger';

export interface ShutdownOptions {
  /** How long the graceful path may take before the process is forced down. */
  graceMs: number;
  log: Pino;
  /** The private Redis this process started (once it has), stopped last on either path. */
  privateRedis?: () => PrivateRedis | undefined;
}

/** Default of {@link ShutdownOptions.graceMs} (`TRIBUTARY_SHUTDOWN_GRACE_MS`). */
export const SHUTDOWN_GRACE_MS = 10_000;
/** How long a forced shutdown waits for the private Redis's own graceful stop before SIGKILL. */
const FORCED_REDIS_STOP_MS = 3_000;

async function stopRedis(redis: PrivateRedis, forced: boolean): Promise<void> {
  if (!forced) return redis.stop();
  await Promise.race([redis.stop().catch(() => undefined), sleep(FORCED_REDIS_STOP_MS)]);
  if (redis.running) await redis.kill('SIGKILL');
}

/**
 * Installs the SIGTERM/SIGINT handlers; `graceful` is everything but the private Redis. Call it
 * first thing, before anything is started or announced: a signal that arrives before the handlers
 * are in place ends the process the default way, leaving its private Redis behind.
 */
export function stopOnSignals(graceful: () => Promise<void>, options: ShutdownOptions): void {
  const { graceMs, log } = options;
  const privateRedis = () => options.privateRedis?.();
  let stopping = false;
  let forcing = false;
  const force = async (why: string): Promise<void> => {
    if (forcing) return;
    forcing = true;
    log.warn({ why }, 'forcing shutdown');
    const redis = privateRedis();
    if (redis) await stopRedis(redis, true).catch((err: unknown) => log.error({ err: String(err) }, 'private Redis did not stop'));
    process.exit(1);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      void force(`second ${signal}`);
      return;
    }
    stopping = true;
    log.info({ signal, graceMs }, 'shutting down');
    const timer = setTimeout(() => void force(`still stopping after ${graceMs} ms`), graceMs);
    graceful()
      .then(async () => {
        const redis = privateRedis();
        if (redis) await stopRedis(redis, false);
        clearTimeout(timer);
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'graceful shutdown failed');
        void force('graceful shutdown failed');
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
