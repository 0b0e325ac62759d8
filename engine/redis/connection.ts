import { Redis, type RedisOptions } from 'ioredis';

/** Options of {@link createRedisConnection}; every field has a documented default. */
export interface RedisConnectionOptions {
  /**
   * Default false: while Redis is unreachable, commands wait for the reconnect and then run —
   * what BullMQ workers, QueueEvents and anything running inside a job want (BullMQ requires
   * `maxRetriesPerRequest: null` on blocking connections).
   *
   * true: commands fail at once while Redis is unreachable (`enableOfflineQueue: false`), so code
   * answering a caller — webhook intake, the REST API — can say 503 with Retry-After instead of
   * hanging (BullMQ's "failing fast when Redis is down" pattern). Never use it for a Worker.
   */
  failFast?: boolean;
  /** Shown by `CLIENT LIST`. Default `tributary`. */
  connectionName?: string;
  /** First reconnect delay; it doubles per failed attempt, with jitter. Default 100 ms. */
  retryBaseDelayMs?: number;
  /** Reconnect delays never exceed this. Default 5000 ms. */
  retryMaxDelayMs?: number;
  /** Don't connect until the first command or `connect()`. Default false. */
  lazyConnect?: boolean;
  /**
   * Further ioredis options, applied last. `keyPrefix` is refused: BullMQ does its own prefixing
   * (its `prefix` option) and breaks under ioredis's.
   */
  redisOptions?: RedisOptions;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so that many workers that lost Redis
 * together don't reconnect in lockstep. Never gives up: a worker should ride out an outage.
 */
export function reconnectDelay(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * An ioredis client for `url` (`redis://` or `rediss://`) set up the way BullMQ needs it.
 *
 * Pass the instance to BullMQ (`new Worker(name, fn, { connection })`) rather than plain
 * connection options, so that every queue and worker gets the same reconnect policy; BullMQ
 * duplicates it for a worker's blocking connection. Whoever creates it closes it (`quit()`):
 * BullMQ's `close()` leaves a connection it was given open.
 */
export function createRedisConnection(url: string, opts: RedisConnectionOptions = {}): Redis {
  const { failFast = false, connectionName = 'tributary', retryBaseDelayMs = 100, retryMaxDelayMs = 5000 } = opts;
  if (opts.redisOptions?.keyPrefix) {
    throw new Error("ioredis keyPrefix is not supported with BullMQ; use BullMQ's `prefix` option instead");
  }
  if (!(retryBaseDelayMs > 0) || !(retryMaxDelayMs >= retryBaseDelayMs)) {
    throw new Error(`need 0 < retryBaseDelayMs <= retryMaxDelayMs, got ${retryBaseDelayMs} and ${retryMaxDelayMs}`);
  }
  const options: RedisOptions = {
    connectionName,
    lazyConnect: opts.lazyConnect ?? false,
    // Wait for INFO to say the server is up and done loading its AOF before sending commands.
    enableReadyCheck: true,
    // null: a command waits for the reconnect however long it takes (BullMQ requires this for
    // blocking connections). Fail-fast connections give up after one reconnect attempt instead.
    maxRetriesPerRequest: failFast ? 1 : null,
    enableOfflineQueue: !failFast,
    retryStrategy: (attempt) => reconnectDelay(attempt, retryBaseDelayMs, retryMaxDelayMs),
    // After a failover the old primary turns read-only: reconnect and resend the command.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    ...opts.redisOptions,
  };
  return new Redis(url, options);
}

/**
 * Resolves once `redis` is ready (connected, and INFO says the server is not loading), or
 * rejects after `timeoutMs` with the last connection error. Doesn't close the client.
 */
export function waitUntilReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  if (redis.status === 'wait') void redis.connect().catch(() => undefined);
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      redis.off('end', onEnd);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      lastError = err;
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`Redis connection closed before it was ready${lastError ? `: ${lastError.message}` : ''}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`));
    }, timeoutMs);
    redis.on('ready', onReady);
    redis.on('error', onError);
    redis.on('end', onEnd);
  });
}
