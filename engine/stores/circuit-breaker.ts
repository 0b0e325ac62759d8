/**
 * Circuit breakers of sink nodes, shared by every worker: one Redis hash per node, changed only
 * by Lua scripts so that workers on many machines see one state and agree on who may probe.
 *
 * closed ──threshold consecutive failures──▶ open ──resetMs passes, next acquire──▶ half-open
 * half-open: one probe at a time (its lease expires after resetMs, so a crashed prober can't wedge
 * the breaker); `halfOpenProbes` probe successes close it, a probe failure opens it again.
 *
 * Callers record only transient failures (timeouts, connection errors, 429, 5xx): a permanent
 * error — a 4xx, a validation failure — says nothing about the health of the service, and
 * counting it would open the breaker on bad input. Outcomes of calls that were allowed before
 * the breaker opened, and that end while it is open or half-open, don't move it.
 */
import type { Redis } from 'ioredis';
import type { EffectivePolicy } from '../../flows/policy';
import type { Keys } from '../keys';
import type { Retention } from '../retention';
import { LuaScript, pairsToRecord } from './script';

export type BreakerPolicy = NonNullable<EffectivePolicy['circuitBreaker']>;

export type Acquired = { allowed: true; probe: boolean } | { allowed: false; retryAt: number };

export interface BreakerState {
  state: 'closed' | 'open' | 'half-open';
  /** Consecutive failures while closed (kept, for inspection, while open). */
  failures: number;
  /** While open: when the next acquire may probe. */
  openUntil?: number;
  /** While half-open with a probe out: when its lease expires. */
  probeUntil?: number;
}

/**
 * Input:
 *   KEYS[1] the breaker hash
 *   ARGV[1] now (ms)   ARGV[2] resetMs (the probe lease)   ARGV[3] TTL of the hash (ms)
 *
 * Output:
 *   {1, 0}        allowed (closed)
 *   {1, 1}        allowed as the one probe (half-open); the lease runs until now + resetMs
 *   {0, retryAt}  refused: open until retryAt, or another probe's lease runs until retryAt
 */
const ACQUIRE = new LuaScript(
  'breakerAcquire',
  `
local state = redis.call('HGET', KEYS[1], 'state')
if state == false or state == 'closed' then return {1, 0} end
local now = tonumber(ARGV[1])
if state == 'open' then
  local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
  if now < openUntil then return {0, openUntil} end
  redis.call('HSET', KEYS[1], 'state', 'half-open', 'successes', 0)
  redis.call('HDEL', KEYS[1], 'probeUntil')
end
local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probeUntil') or '0')
if probeUntil > now then return {0, probeUntil} end
redis.call('HSET', KEYS[1], 'probeUntil', now + tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, 1}
`,
);

/**
 * Input:
 *   KEYS[1] the breaker hash
 *   ARGV[1] ok (1|0)   ARGV[2] probe (1|0)   ARGV[3] now (ms)   ARGV[4] threshold
 *   ARGV[5] resetMs   ARGV[6] halfOpenProbes   ARGV[7] TTL of the hash (ms)
 *
 * Output: the hash afterwards, as field/value pairs (empty when the breaker is pristine)
 */
const RECORD = new LuaScript(
  'breakerRecord',
  `
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local ok = ARGV[1] == '1'
local probe = ARGV[2] == '1'
local now = tonumber(ARGV[3])
local function open()
  redis.call('HSET', KEYS[1], 'state', 'open', 'openUntil', now + tonumber(ARGV[5]), 'successes', 0)
  redis.call('HDEL', KEYS[1], 'probeUntil')
end
if state == 'closed' then
  if ok then
    if tonumber(redis.call('HGET', KEYS[1], 'failures') or '0') > 0 then
      redis.call('HSET', KEYS[1], 'failures', 0)
    end
  else
    local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
    redis.call('HSET', KEYS[1], 'state', 'closed')
    if failures >= tonumber(ARGV[4]) then open() end
  end
elseif state == 'half-open' and probe then
  if ok then
    local successes = redis.call('HINCRBY', KEYS[1], 'successes', 1)
    if successes >= tonumber(ARGV[6]) then
      redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0)
      redis.call('HDEL', KEYS[1], 'openUntil', 'probeUntil', 'successes')
    else
      redis.call('HDEL', KEYS[1], 'probeUntil')
    end
  else
    open()
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[7]) end
return redis.call('HGETALL', KEYS[1])
`,
);

const DAY_MS = 86_400_000;

function checkPolicy(policy: BreakerPolicy): void {
  const { threshold, resetMs, halfOpenProbes } = policy;
  if (!Number.isInteger(threshold) || threshold < 1) throw new Error(`circuit breaker threshold must be an integer >= 1, got ${threshold}`);
  if (!Number.isInteger(resetMs) || resetMs < 1) throw new Error(`circuit breaker resetMs must be an integer >= 1, got ${resetMs}`);
  if (!Number.isInteger(halfOpenProbes) || halfOpenProbes < 1) {
    throw new Error(`circuit breaker halfOpenProbes must be an integer >= 1, got ${halfOpenProbes}`);
  }
}

/** The breaker hash lives well past any reset period, and at least a day after its last change. */
const ttlMs = (policy: BreakerPolicy): number => Math.max(10 * policy.resetMs, DAY_MS);

function toState(hash: Record<string, string>, now: number): BreakerState {
  const failures = Number(hash.failures ?? 0);
  if (hash.state === 'open') {
    const openUntil = Number(hash.openUntil ?? 0);
    // Past openUntil the next acquire probes: report what a caller would meet.
    return { state: now < openUntil ? 'open' : 'half-open', failures, openUntil };
  }
  if (hash.state === 'half-open') {
    const probeUntil = Number(hash.probeUntil ?? 0);
    return probeUntil > now ? { state: 'half-open', failures, probeUntil } : { state: 'half-open', failures };
  }
  return { state: 'closed', failures };
}

export class CircuitBreakers {
  /** `retention` is unused today (breakers are sized by their policy); kept for a uniform store constructor. */
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly retention: Retention,
  ) {}

  /**
   * May a call to node `nodeId` go out now? Closed: yes. Open: no, until `retryAt`. Half-open:
   * yes to exactly one caller at a time, as a probe — whose outcome the caller must `record`
   * with `probe: true`.
   */
  async acquire(flowId: string, nodeId: string, policy: BreakerPolicy, now = Date.now()): Promise<Acquired> {
    checkPolicy(policy);
    const [allowed, value] = (await ACQUIRE.run(this.redis, [this.keys.breaker(flowId, nodeId)], [now, policy.resetMs, ttlMs(policy)])) as [
      number,
      number,
    ];
    return allowed === 1 ? { allowed: true, probe: value === 1 } : { allowed: false, retryAt: value };
  }

  /**
   * Records the outcome of a call `acquire` allowed. Record transient failures only (see the
   * module doc); a permanent error is recorded as nothing at all. Returns the state afterwards.
   */
  async record(
    flowId: string,
    nodeId: string,
    policy: BreakerPolicy,
    outcome: { ok: boolean; probe: boolean },
    now = Date.now(),
  ): Promise<BreakerState> {
    checkPolicy(policy);
    const reply = await RECORD.run(
      this.redis,
      [this.keys.breaker(flowId, nodeId)],
      [outcome.ok ? 1 : 0, outcome.probe ? 1 : 0, now, policy.threshold, policy.resetMs, policy.halfOpenProbes, ttlMs(policy)],
    );
    return toState(pairsToRecord(reply), now);
  }

  /** The breaker as a caller would meet it at `now` (an open breaker past its openUntil is half-open). */
  async state(flowId: string, nodeId: string, now = Date.now()): Promise<BreakerState> {
    return toState(await this.redis.hgetall(this.keys.breaker(flowId, nodeId)), now);
  }
}
