/**
 * A node's rate limit (`policy.rateLimit`: requests per interval), shared by every worker: each
 * outbound request of the node takes a slot in a sliding window kept in Redis, waiting for one
 * when the window is full; a 429 with `Retry-After` from the receiver holds every worker's
 * requests of that node until then. Redis's clock is the one clock, so workers on several
 * machines agree. A sliding window never lets more than `requests` leave in any interval; the
 * receiver counts them as they arrive, which delays can bunch, so set the limit a little under
 * the receiver's (the e-commerce example uses 9 a second for a CRM allowing 10).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RateLimitPolicy } from '../flows/schema';
import type { HttpClient } from '../nodes/runtime-http';
import { parseRetryAfter } from '../nodes/shared/retry-after';
import type { Keys } from './keys';
import { LuaScript } from './stores/script';

/**
 * KEYS[1] the window (sorted set of request times) · KEYS[2] the hold a 429 set
 * ARGV[1] requests, ARGV[2] interval (ms), ARGV[3] a unique member for this request
 * Output: 0 when a slot was taken, else the ms to wait before asking again.
 */
const TAKE = new LuaScript(
  'rate-limit/take',
  `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = tonumber(redis.call('GET', KEYS[2]) or '0')
if held > now then return held - now end
local interval = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], interval)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + interval - now)`,
);

/** KEYS[1] the hold · ARGV[1] ms to hold · Output: 1. Extends a hold, never shortens it. */
const HOLD = new LuaScript(
  'rate-limit/hold',
  `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local held = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > held then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1])) end
return 1`,
);

/** A Retry-After past this is capped: the node's own retry policy takes over beyond it. */
const MAX_HOLD_MS = 3_600_000;
let counter = 0;

/** `http` with the node's rate limit in front of every request, and 429s holding the others back (unchanged without a limit). */
export function rateLimitedHttp(http: HttpClient, redis: Redis, keys: Keys, flowId: string, nodeId: string, limit: RateLimitPolicy | undefined): HttpClient {
  const window = keys.nodeState(flowId, nodeId, 'rate-limit:window');
  const hold = keys.nodeState(flowId, nodeId, 'rate-limit:hold');
  if (!limit) return http;
  return {
    async request(req, signal) {
      {
        const member = `${process.pid}:${Date.now()}:${++counter}`;
        for (;;) {
          signal?.throwIfAborted();
          const wait = Number(await TAKE.run(redis, [window, hold], [limit.requests, limit.intervalMs, member]));
          if (wait === 0) break;
          await sleep(wait, undefined, signal ? { signal } : {});
        }
      }
      const response = await http.request(req, signal);
      if (response.status === 429) {
        const ms = parseRetryAfter(response.headers['retry-after']) ?? limit.intervalMs;
        if (ms !== undefined && ms > 0) await HOLD.run(redis, [hold], [Math.min(ms, MAX_HOLD_MS)]);
      }
      return response;
    },
  };
}
