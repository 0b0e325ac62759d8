/**
 * A node's idempotency key, claimed before the node runs. The marker (keys.idempotency) holds
 * either a lease — `~<jobId>`, with a TTL in ms — while one delivery runs the node under that key,
 * or, once it completed, the job id (set by the run store's SETTLE, with the policy's TTL).
 * Checking the marker and setting it only at the end let concurrent deliveries with one key all
 * run (four triggers with one orderId wrote four lines); the claim is one atomic step, and a
 * crashed holder's lease simply expires.
 */
import type { Redis } from 'ioredis';
import type { Keys } from '../keys';
import { LuaScript } from './script';

/**
 * Input:
 *   KEYS[1] idempotency marker
 *   ARGV[1] lease value (`~<jobId>`)   ARGV[2] lease (ms)
 *
 * Output:
 *   {1, 0}    claimed (or re-claimed by the same job, run again after a crash): run the node
 *   {2, ms}   another delivery holds the lease, for ms more at most: wait and look again
 *   {0, 0}    the key was processed: a duplicate
 */
const CLAIM = new LuaScript(
  'claimIdempotency',
  `
local held = redis.call('GET', KEYS[1])
if not held or held == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, 0}
end
if string.sub(held, 1, 1) == '~' then return {2, redis.call('PTTL', KEYS[1])} end
return {0, 0}
`,
);

/**
 * Input: KEYS[1] idempotency marker; ARGV[1] lease value
 * Output: 1 when the lease was released, 0 when the marker is another's (or already the done marker)
 */
const RELEASE = new LuaScript(
  'releaseIdempotency',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

export type Claim = { claimed: true } | { claimed: false; duplicate: true } | { claimed: false; duplicate: false; heldForMs: number };

export class IdempotencyClaims {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Claims `keyHash` at node `nodeId` for delivery job `jobId`, for `leaseMs` unless it settles first. */
  async claim(flowId: string, nodeId: string, keyHash: string, jobId: string, leaseMs: number): Promise<Claim> {
    const [code, ms] = (await CLAIM.run(this.redis, [this.keys.idempotency(flowId, nodeId, keyHash)], [`~${jobId}`, Math.max(1, Math.ceil(leaseMs))])) as [number, number];
    if (code === 1) return { claimed: true };
    if (code === 0) return { claimed: false, duplicate: true };
    return { claimed: false, duplicate: false, heldForMs: Math.max(0, ms) };
  }

  /** Gives the key up (the node failed or is to be retried): the next delivery with it may run. */
  async release(flowId: string, nodeId: string, keyHash: string, jobId: string): Promise<void> {
    await RELEASE.run(this.redis, [this.keys.idempotency(flowId, nodeId, keyHash)], [`~${jobId}`]);
  }
}
