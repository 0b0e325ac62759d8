import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, inject } from 'vitest';
import { createRedisConnection, type RedisConnectionOptions, waitUntilReady } from '../engine/redis/connection';

/** Something a test opens and the harness must close before it deletes the test's keys. */
export interface Closable {
  close(): unknown;
}

/** What {@link useRedis} gives each test. Read it inside tests and hooks only. */
export interface TestRedis {
  /** The run's private Redis (see `test/global-setup.ts`). */
  readonly url: string;
  /**
   * `t-<uuid>`, fresh for every test. Use it as BullMQ's `prefix`, or inside key and queue
   * names: after the test every key that contains it is deleted.
   */
  readonly prefix: string;
  /** A connected client, closed after the test. */
  readonly redis: Redis;
  /** `prefix:part:part…` */
  key(...parts: string[]): string;
  /** Another connected-on-demand client (e.g. for a BullMQ Worker), closed after the test. */
  connection(opts?: RedisConnectionOptions): Redis;
  /**
   * Closes `resource` after the test, before the keys are deleted — pass BullMQ Queues, Workers
   * and QueueEvents here. Closed in reverse order of tracking. Returns `resource`.
   */
  track<T extends Closable>(resource: T): T;
}

/** The URL of this run's private Redis; refuses anything on the machine's shared port 6379. */
export function testRedisUrl(): string {
  const url = inject('redisUrl');
  if (typeof url !== 'string' || url === '') {
    throw new Error('no test Redis: run tests through vitest with vitest.config.ts (its globalSetup starts one)');
  }
  const port = new URL(url).port || '6379';
  if (port === '6379') throw new Error(`refusing to test against ${url}: 6379 is the machine's shared Redis`);
  return url;
}

/**
 * Call once inside a `describe` (or at the top of a test file). Each test then gets a fresh key
 * prefix and a connected client; after each test, tracked resources are closed, every key that
 * contains the prefix is deleted (SCAN, never KEYS), and the connections are closed.
 *
 * Register it before hooks that stop the test's own workers: vitest runs `afterEach` hooks in
 * reverse order, so this cleanup then runs last.
 */
export function useRedis(): TestRedis {
  let current: {
    url: string;
    prefix: string;
    redis: Redis;
    connections: Redis[];
    resources: Closable[];
  } | null = null;

  const state = () => {
    if (!current) throw new Error('useRedis(): use its values inside a test or hook, not while the suite is being collected');
    return current;
  };

  beforeEach(async () => {
    const url = testRedisUrl();
    const prefix = `t-${randomUUID()}`;
    const redis = createRedisConnection(url, { connectionName: prefix });
    current = { url, prefix, redis, connections: [redis], resources: [] };
    await waitUntilReady(redis);
  });

  afterEach(async () => {
    const done = current;
    current = null;
    if (!done) return;
    const errors: unknown[] = [];
    for (const resource of done.resources.reverse()) {
      try {
        await resource.close();
      } catch (err) {
        errors.push(err);
      }
    }
    try {
      await deleteKeysContaining(done.redis, done.prefix);
    } catch (err) {
      errors.push(err);
    }
    await Promise.all(done.connections.map((c) => c.quit().catch(() => c.disconnect())));
    if (errors.length > 0) throw new AggregateError(errors, `cleaning up after a test with prefix ${done.prefix} failed`);
  });

  return {
    get url() {
      return state().url;
    },
    get prefix() {
      return state().prefix;
    },
    get redis() {
      return state().redis;
    },
    key: (...parts) => [state().prefix, ...parts].join(':'),
    connection: (opts) => {
      const s = state();
      const connection = createRedisConnection(s.url, { connectionName: s.prefix, ...opts });
      s.connections.push(connection);
      return connection;
    },
    track: (resource) => {
      state().resources.push(resource);
      return resource;
    },
  };
}

/**
 * Deletes every key whose name contains `fragment` — `t-…:x`, BullMQ's `t-…:queue:…`, and hash
 * tagged `{t-…}:…` alike — walking the keyspace with SCAN so Redis is never blocked.
 * Returns how many keys were deleted.
 */
export async function deleteKeysContaining(redis: Redis, fragment: string): Promise<number> {
  if (!/^[\w.:-]+$/.test(fragment)) throw new Error(`unsafe key fragment for a SCAN pattern: ${fragment}`);
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${fragment}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
