/**
 * The bench's own redis-server: the project's private-server launcher (engine/redis) on a free
 * loopback port, with AOF `everysec` as in production, in a temp directory removed afterwards.
 * Each scenario gets a fresh one, so memory figures start from an empty server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createRedisConnection } from '../../engine/redis/connection';
import { startPrivateRedis, type PrivateRedis } from '../../engine/redis/private-server';

/** What the bench reads from Redis INFO between two moments. */
export interface RedisSample {
  /** Commands executed (INFO commandstats `calls`, summed; commands inside scripts included). */
  calls: number;
  /** used_cpu_user + used_cpu_sys, seconds. */
  cpuSec: number;
  usedMemory: number;
}

export interface BenchRedis {
  readonly url: string;
  readonly server: PrivateRedis;
  /** A client for the bench's own reads (INFO, counters); not one the measured code uses. */
  readonly admin: Redis;
  sample(): Promise<RedisSample>;
  /** A new connection (BullMQ needs its own for blocking reads), closed with the server. */
  connection(): Redis;
}

export async function withBenchRedis<T>(use: (redis: BenchRedis) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-redis-'));
  const server = await startPrivateRedis({ dir, persist: true, appendfsync: 'everysec', detached: false });
  const connections: Redis[] = [];
  const connection = () => {
    const c = createRedisConnection(server.url, { connectionName: 'bench' });
    connections.push(c);
    return c;
  };
  const admin = connection();
  try {
    return await use({ url: server.url, server, admin, sample: () => sampleRedis(admin), connection });
  } finally {
    for (const c of connections) c.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function sampleRedis(redis: Redis): Promise<RedisSample> {
  const [stats, cpu, memory] = await Promise.all([redis.info('commandstats'), redis.info('cpu'), redis.info('memory')]);
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) calls += Number(match[1]);
  return { calls, cpuSec: field(cpu, 'used_cpu_user') + field(cpu, 'used_cpu_sys'), usedMemory: field(memory, 'used_memory') };
}

/** INFO commandstats: command → calls so far (commands inside scripts counted under their own names). */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const stats = await redis.info('commandstats');
  return new Map([...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

function field(info: string, name: string): number {
  const match = new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info);
  return match ? Number(match[1]) : Number.NaN;
}
