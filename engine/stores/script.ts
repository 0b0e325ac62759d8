/**
 * A Lua script run with EVALSHA, falling back to EVAL once when the server doesn't know it yet
 * (a fresh or restarted Redis), after which EVALSHA finds it cached. The script text lives in a
 * `.ts` constant beside its store, headed by its KEYS/ARGV/Output contract.
 *
 * Scripts run atomically; every multi-key script of the stores takes keys of one flow only (they
 * share the `{flowId}` hash tag), so they stay legal on a Redis Cluster.
 */
import { RedisUnavailableError } from '../redis/fail-fast';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type ScriptArg = string | number;

export class LuaScript {
  /** SHA-1 of the text, as EVALSHA wants it. */
  readonly sha: string;

  /** @param name Shown in errors. @param source The Lua text. */
  constructor(readonly name: string, readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script; rejects with the script's name in the message when Redis reports an error. */
  async run(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      // NOSCRIPT is answered before anything runs, so sending the text is never a second run.
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return await this.withName(() => redis.eval(this.source, keys.length, ...keys, ...args));
      }
      throw this.named(err);
    }
  }

  private async withName<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.named(err);
    }
  }

  private named(err: unknown): Error {
    const message = err instanceof Error ? err.message : String(err);
    return new Error(`Lua script ${this.name} failed: ${message}`, { cause: err });
  }
}

/** Fields of a flat HGETALL-style reply (`[field, value, field, value, …]`) as a record. */
export function pairsToRecord(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** Throws the first error of an ioredis pipeline's `exec()` result; returns the replies. */
export function pipelineResults(results: Array<[Error | null, unknown]> | null, what: string): unknown[] {
  if (!results) throw new Error(`${what}: the pipeline was discarded`);
  const failed = results.find(([err]) => err);
  if (failed?.[0]) {
    // Kept recognisable: callers answering a client turn it into 503 with Retry-After.
    const Kind = failed[0] instanceof RedisUnavailableError ? RedisUnavailableError : Error;
    throw new Kind(`${what}: ${failed[0].message}`, { cause: failed[0] });
  }
  return results.map(([, value]) => value);
}

/**
 * Lazy cleaning of an index whose records expire on their own: removes the members whose record
 * is gone. Atomic, so a record re-created between a reader's miss and this cleanup keeps its entry.
 *
 * Input:
 *   KEYS[1] the index (sorted set)
 *   KEYS[2..n+1] the record key of each member
 *   ARGV[1..n] the members
 *
 * Output: how many members were removed
 */
/**
 * The tail of a script that capped a sorted-set index at `KEYS[2]`: removes the oldest entries past
 * `cap` (an ARGV reference such as `ARGV[5]`) and returns `{1, trimmed ids…}`, so the caller can
 * delete what they named and say so.
 */
export const trimIndexTo = (cap: string): string => `
local out = {1}
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(${cap})
if excess > 0 then
  local trimmed = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
  for i = 1, #trimmed do out[i + 1] = trimmed[i] end
end
return out
`;

export const PRUNE_INDEX = new LuaScript(
  'pruneIndex',
  `
local removed = 0
for i = 1, #ARGV do
  if redis.call('EXISTS', KEYS[i + 1]) == 0 then removed = removed + redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return removed
`,
);
