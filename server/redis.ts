/**
 * The Redis a process uses: `REDIS_URL` when configured, else the private redis-server kept in
 * the data directory (AOF on, `everysec`), so a restart keeps everything.
 */
import { join } from 'node:path';
import { startPrivateRedis, type PrivateRedis } from '../engine/redis/private-server';
import { readState } from '../engine/redis/server-state';

export interface RedisHandle {
  url: string;
  /** The private server, when this process started one. */
  private?: PrivateRedis;
}

export const privateRedisDir = (dataDir: string): string => join(dataDir, 'redis');

export async function openRedis(config: { dataDir: string; redisUrl?: string; redisMaxmemory?: number }, log: (line: string) => void): Promise<RedisHandle> {
  if (config.redisUrl) return { url: config.redisUrl };
  const server = await startPrivateRedis({ dir: privateRedisDir(config.dataDir), persist: true, appendfsync: 'everysec', log, ...(config.redisMaxmemory !== undefined && { maxmemory: config.redisMaxmemory }) });
  return { url: server.url, private: server };
}

/** For a second process (`npm run worker`): the private Redis a running `npm start` owns, if any. */
export function runningPrivateRedisUrl(dataDir: string): string | undefined {
  const state = readState(privateRedisDir(dataDir));
  return state ? `redis://127.0.0.1:${state.port}` : undefined;
}
