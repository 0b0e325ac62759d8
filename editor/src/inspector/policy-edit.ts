/**
 * Edits of a node's policy that keep it a valid shape: a retry always has its attempts, a
 * backoff its delay (filled from the effective defaults), and empty parts are dropped.
 */
import type { EffectivePolicy } from '../../../flows/policy';
import type { NodePolicy } from '../../../flows/schema';
import { jsonClean } from '../model/json';

export type PolicyField =
  | 'attempts'
  | 'backoffType'
  | 'delayMs'
  | 'maxDelayMs'
  | 'jitter'
  | 'timeoutMs'
  | 'onError'
  | 'idempotencyKey'
  | 'ttlSec'
  | 'breakerEnabled'
  | 'threshold'
  | 'resetMs'
  | 'halfOpenProbes';

type Value = string | number | boolean | undefined;

const isEmpty = (o: object | undefined) => !o || Object.keys(o).length === 0;

/** The policy with one field set (`undefined`: back to the default). */
export function editPolicy(policy: NodePolicy | undefined, field: PolicyField, value: Value, defaults: EffectivePolicy): NodePolicy | undefined {
  const p: NodePolicy = structuredClone(policy ?? {});
  const retry = () => (p.retry ??= { attempts: defaults.retry.attempts });
  const backoff = () => (retry().backoff ??= { type: defaults.retry.backoff.type, delayMs: defaults.retry.backoff.delayMs });
  const breaker = () => (p.circuitBreaker ??= {});
  switch (field) {
    case 'attempts':
      if (value === undefined) {
        if (p.retry?.backoff) p.retry.attempts = defaults.retry.attempts;
        else delete p.retry;
      } else retry().attempts = Number(value);
      break;
    case 'backoffType':
      if (value === undefined) delete p.retry?.backoff;
      else backoff().type = value as 'fixed' | 'exponential';
      break;
    case 'delayMs':
      backoff().delayMs = value === undefined ? defaults.retry.backoff.delayMs : Number(value);
      break;
    case 'maxDelayMs':
    case 'jitter':
      backoff()[field] = value === undefined ? undefined : Number(value);
      break;
    case 'timeoutMs':
      p.timeoutMs = value === undefined ? undefined : Number(value);
      break;
    case 'onError':
      p.onError = value as NodePolicy['onError'];
      break;
    case 'idempotencyKey':
      if (value === undefined || value === '') delete p.idempotency;
      else p.idempotency = { ttlSec: p.idempotency?.ttlSec ?? 86_400, key: String(value) };
      break;
    case 'ttlSec':
      if (p.idempotency) p.idempotency.ttlSec = value === undefined ? 86_400 : Number(value);
      break;
    case 'breakerEnabled':
      breaker().enabled = value === undefined ? undefined : value === true;
      break;
    case 'threshold':
    case 'resetMs':
    case 'halfOpenProbes':
      breaker()[field] = value === undefined ? undefined : Number(value);
      break;
  }
  const clean = jsonClean(p);
  if (clean.retry?.backoff && isEmpty(clean.retry.backoff)) delete clean.retry.backoff;
  if (isEmpty(clean.circuitBreaker)) delete clean.circuitBreaker;
  return isEmpty(clean) ? undefined : clean;
}

/** One line saying what the node will do, as the engine will apply it. */
export function describePolicy(e: EffectivePolicy): string {
  const b = e.retry.backoff;
  const retry =
    e.retry.attempts <= 1
      ? 'no retries'
      : `${e.retry.attempts} attempts, ${b.type} backoff from ${b.delayMs} ms (at most ${b.maxDelayMs} ms, jitter ${b.jitter})`;
  const breaker = e.circuitBreaker ? `; circuit opens after ${e.circuitBreaker.threshold} failures for ${e.circuitBreaker.resetMs} ms` : '';
  const idem = e.idempotency ? `; duplicates by "${e.idempotency.key}" skipped for ${e.idempotency.ttlSec} s` : '';
  return `${retry}; timeout ${e.timeoutMs} ms; on error: ${e.onError}${idem}${breaker}.`;
}
