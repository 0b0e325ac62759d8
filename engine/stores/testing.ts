/** Test helpers of the stores' tests (not used by the engine). */
import type { Redis } from 'ioredis';
import { DEFAULT_RETENTION, type Retention } from '../retention';

/** Every key whose name contains `fragment`, with its TTL in seconds (-1: none). */
export async function keysWithTtl(redis: Redis, fragment: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${fragment}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) out.set(key, await redis.ttl(key));
  } while (cursor !== '0');
  return out;
}

/** The default retention with some of its groups overridden. */
export function retentionWith(over: { runs?: Partial<Retention['runs']>; deadLetters?: Partial<Retention['deadLetters']> } = {}): Retention {
  return {
    ...DEFAULT_RETENTION,
    runs: { ...DEFAULT_RETENTION.runs, ...over.runs },
    deadLetters: { ...DEFAULT_RETENTION.deadLetters, ...over.deadLetters },
  };
}
