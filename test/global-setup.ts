import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPrivateRedis } from '../engine/redis/private-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:PORT` of this run's own redis-server; read it with `inject('redisUrl')`. */
    redisUrl: string;
  }
}

/**
 * Starts one throwaway redis-server for the whole test run — never the machine's shared Redis —
 * on a free loopback port, without persistence, in a temp dir; stops it when the run ends.
 * Tests get its URL through `inject('redisUrl')`, usually via `useRedis()` from `test/redis.ts`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-test-redis-'));
  // detached: false, so that a Ctrl-C on the test run takes this server down with it.
  const redis = await startPrivateRedis({ dir, persist: false, detached: false });
  if (redis.port === 6379) {
    await redis.stop();
    throw new Error('the test redis-server landed on 6379, the machine\'s shared Redis port; refusing to run');
  }
  project.provide('redisUrl', redis.url);
  // A safety net for code that reads REDIS_URL itself: inside the test run it names this server,
  // never a Redis configured in the developer's shell. (Test workers inherit it.)
  process.env.REDIS_URL = redis.url;
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
