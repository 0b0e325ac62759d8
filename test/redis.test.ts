import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisConnection } from '../engine/redis/connection';
import { deleteKeysContaining, testRedisUrl, useRedis } from './redis';
import { TEST_BULLMQ_TIMINGS } from './timings';

async function countKeysContaining(redis: Redis, fragment: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${fragment}*`, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

describe('the test Redis', () => {
  it('is a private server, not the machine\'s one on 6379', async () => {
    const url = new URL(inject('redisUrl'));
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).not.toBe('6379');
    expect(process.env.REDIS_URL).toBe(inject('redisUrl'));

    const redis = createRedisConnection(url.href);
    try {
      const info = await redis.info('server');
      expect(info).toContain(`tcp_port:${url.port}\r\n`);
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    } finally {
      await redis.quit();
    }
  });
});

describe('useRedis', () => {
  const outsider = `other-${randomUUID()}`;
  const prefixes: string[] = [];
  let observer: Redis;
  let worker: Worker | undefined;

  beforeAll(async () => {
    observer = createRedisConnection(testRedisUrl());
    await observer.set(outsider, 'not a test key');
  });

  afterAll(async () => {
    await observer.del(outsider);
    await observer.quit();
  });

  describe('when tests use it', () => {
    const t = useRedis();

    it('gives each test a fresh t-<uuid> prefix and a connected client', async () => {
      expect(t.prefix).toMatch(/^t-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(t.url).toBe(inject('redisUrl'));
      expect(t.key('a', 'b')).toBe(`${t.prefix}:a:b`);
      prefixes.push(t.prefix);
      await t.redis.set(t.key('plain'), '1');
      await t.redis.set(`{${t.prefix}}:hash-tagged`, '1');
      await t.redis.set(`bull:${t.prefix}:queue-named`, '1');
      expect(await countKeysContaining(observer, t.prefix)).toBe(3);
    });

    it('gives the next test a different prefix', async () => {
      expect(prefixes).toHaveLength(1);
      expect(t.prefix).not.toBe(prefixes[0]);
      prefixes.push(t.prefix);
      // The previous test's keys were deleted before this one started.
      expect(await countKeysContaining(observer, prefixes[0] ?? 'none')).toBe(0);
      await t.redis.hset(t.key('hash'), { a: '1' });
    });

    it('runs BullMQ under the prefix with the test timings, and closes what it tracked', async () => {
      prefixes.push(t.prefix);
      const queue = t.track(new Queue('q', { connection: t.connection(), prefix: t.prefix }));
      const done = new Promise<unknown>((resolve, reject) => {
        worker = t.track(
          new Worker('q', async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), {
            connection: t.connection(),
            prefix: t.prefix,
            ...TEST_BULLMQ_TIMINGS,
          }),
        );
        worker.on('completed', (_job, result) => resolve(result));
        worker.on('failed', (_job, err) => reject(err));
      });
      await queue.add('double', { n: 21 });
      await expect(done).resolves.toEqual({ doubled: 42 });
      expect(await countKeysContaining(observer, `${t.prefix}:q:`)).toBeGreaterThan(0);
    });
  });

  it('deleted every key of those tests afterwards, and nothing else', async () => {
    expect(prefixes).toHaveLength(3);
    for (const prefix of prefixes) expect(await countKeysContaining(observer, prefix)).toBe(0);
    expect(await observer.get(outsider)).toBe('not a test key');
    expect(worker?.isRunning()).toBe(false);
    // Connections are named after the test's prefix (BullMQ names its own after it too): all closed.
    const clients = String(await observer.client('LIST'));
    for (const prefix of prefixes) expect(clients).not.toContain(prefix);
  });
});

describe('deleteKeysContaining', () => {
  it('deletes across many SCAN pages and refuses glob characters', async () => {
    const redis = createRedisConnection(testRedisUrl());
    const fragment = `t-${randomUUID()}`;
    try {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 2500; i++) pipeline.set(`${fragment}:${i}`, '1');
      await pipeline.exec();
      expect(await deleteKeysContaining(redis, fragment)).toBe(2500);
      expect(await countKeysContaining(redis, fragment)).toBe(0);
      await expect(deleteKeysContaining(redis, '*')).rejects.toThrow(/unsafe/);
    } finally {
      await deleteKeysContaining(redis, fragment);
      await redis.quit();
    }
  });
});
