/**
 * Node policies with defaults per category, and how a node's effective policy is formed:
 * category default ← the node type's default ← the node's own policy (later wins, field by
 * field). Pure module: the editor shows the same effective values the engine applies.
 */
import type { Backoff, CircuitBreakerPolicy, IdempotencyPolicy, NodePolicy, OnError, RateLimitPolicy, RedrivePolicy } from './schema';

export const CATEGORIES = ['source', 'transform', 'merge', 'saga', 'sink'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface EffectivePolicy {
  retry: { attempts: number; backoff: Required<Backoff> };
  timeoutMs: number;
  idempotency?: IdempotencyPolicy;
  onError: OnError;
  circuitBreaker?: Required<Omit<CircuitBreakerPolicy, 'enabled'>>;
  /** Requests per interval for the node's outbound HTTP, shared by every worker (engine/rate-limit.ts). */
  rateLimit?: RateLimitPolicy;
  /** Dead letters of the node replayed automatically (engine/redrive.ts). */
  redrive?: RedrivePolicy;
}

const DEFAULT_BREAKER = { threshold: 5, resetMs: 30_000, halfOpenProbes: 1 };

const withoutEnabled = ({ enabled: _enabled, ...rest }: CircuitBreakerPolicy) => rest;

const transient = (attempts: number, delayMs: number, maxDelayMs: number): EffectivePolicy['retry'] => ({
  attempts,
  backoff: { type: 'exponential', delayMs, maxDelayMs, jitter: 0.2 },
});

/**
 * Why these numbers: transforms are pure, so a failure repeats itself and retrying only delays
 * the dead letter; sources and merges talk to Redis or a poll target and get a few quick
 * retries; sinks and sagas talk to other systems that have bad minutes, so they retry for
 * longer and sinks get a circuit breaker that stops hammering a service that is down.
 */
export const CATEGORY_DEFAULT_POLICY: Readonly<Record<Category, EffectivePolicy>> = {
  source: { retry: transient(3, 1_000, 60_000), timeoutMs: 30_000, onError: 'dead-letter' },
  transform: { retry: transient(1, 0, 0), timeoutMs: 10_000, onError: 'dead-letter' },
  merge: { retry: transient(3, 500, 30_000), timeoutMs: 10_000, onError: 'dead-letter' },
  saga: { retry: transient(5, 1_000, 60_000), timeoutMs: 30_000, onError: 'dead-letter' },
  sink: {
    retry: transient(5, 1_000, 300_000),
    timeoutMs: 30_000,
    onError: 'dead-letter',
    circuitBreaker: DEFAULT_BREAKER,
  },
};

/** Merge policies, later arguments winning field by field (retry.backoff merged deeply). */
export function effectivePolicy(category: Category, ...layers: Array<NodePolicy | undefined>): EffectivePolicy {
  const base = CATEGORY_DEFAULT_POLICY[category];
  let out: EffectivePolicy = {
    ...base,
    retry: { attempts: base.retry.attempts, backoff: { ...base.retry.backoff } },
  };
  for (const layer of layers) {
    if (!layer) continue;
    out = {
      ...out,
      ...(layer.timeoutMs !== undefined && { timeoutMs: layer.timeoutMs }),
      ...(layer.onError !== undefined && { onError: layer.onError }),
      ...(layer.idempotency !== undefined && { idempotency: { ...layer.idempotency } }),
      ...(layer.rateLimit !== undefined && { rateLimit: { ...layer.rateLimit } }),
      ...(layer.redrive !== undefined && { redrive: { ...layer.redrive } }),
      ...(layer.circuitBreaker !== undefined && {
        circuitBreaker:
          layer.circuitBreaker.enabled === false
            ? undefined
            : { ...DEFAULT_BREAKER, ...out.circuitBreaker, ...withoutEnabled(layer.circuitBreaker) },
      }),
      ...(layer.retry !== undefined && {
        retry: {
          attempts: layer.retry.attempts,
          backoff: { ...out.retry.backoff, ...layer.retry.backoff },
        },
      }),
    };
  }
  return out;
}
