import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../test/redis';
import { Keys } from '../keys';
import { DEFAULT_RETENTION } from '../retention';
import { CircuitBreakers } from './circuit-breaker';

const FLOW = 'orders';
const NODE = 'pay';
const T0 = 1_700_000_000_000;
const policy = { threshold: 3, resetMs: 200, halfOpenProbes: 1 };

describe('CircuitBreakers', () => {
  const t = useRedis();
  const breakers = (redis: Redis = t.redis) => new CircuitBreakers(redis, new Keys(t.prefix), DEFAULT_RETENTION);

  /** Fails `threshold` calls at T0: the breaker opens until T0 + resetMs. */
  const trip = async (b: CircuitBreakers, p = policy) => {
    for (let i = 0; i < p.threshold; i++) await b.record(FLOW, NODE, p, { ok: false, probe: false }, T0);
  };

  describe('when a node keeps failing', () => {
    it('stays closed below the threshold and opens on reaching it', async () => {
      const b = breakers();
      expect(await b.acquire(FLOW, NODE, policy, T0)).toEqual({ allowed: true, probe: false });
      await b.record(FLOW, NODE, policy, { ok: false, probe: false }, T0);
      expect(await b.record(FLOW, NODE, policy, { ok: false, probe: false }, T0)).toEqual({ state: 'closed', failures: 2 });
      expect(await b.acquire(FLOW, NODE, policy, T0)).toEqual({ allowed: true, probe: false });
      expect(await b.record(FLOW, NODE, policy, { ok: false, probe: false }, T0)).toEqual({ state: 'open', failures: 3, openUntil: T0 + 200 });
    });

    it('refuses with retryAt until resetMs has passed', async () => {
      const b = breakers();
      await trip(b);
      expect(await b.acquire(FLOW, NODE, policy, T0 + 1)).toEqual({ allowed: false, retryAt: T0 + 200 });
      expect(await b.acquire(FLOW, NODE, policy, T0 + 199)).toEqual({ allowed: false, retryAt: T0 + 200 });
      expect(await b.acquire(FLOW, NODE, policy, T0 + 200)).toEqual({ allowed: true, probe: true });
    });

    it('counts only consecutive failures: a success resets them', async () => {
      const b = breakers();
      await b.record(FLOW, NODE, policy, { ok: false, probe: false }, T0);
      await b.record(FLOW, NODE, policy, { ok: false, probe: false }, T0);
      expect(await b.record(FLOW, NODE, policy, { ok: true, probe: false }, T0)).toEqual({ state: 'closed', failures: 0 });
      expect(await b.record(FLOW, NODE, policy, { ok: false, probe: false }, T0)).toEqual({ state: 'closed', failures: 1 });
    });

    it('ignores outcomes of calls allowed before it opened', async () => {
      const b = breakers();
      await trip(b);
      expect(await b.record(FLOW, NODE, policy, { ok: true, probe: false }, T0 + 10)).toEqual({ state: 'open', failures: 3, openUntil: T0 + 200 });
      expect(await b.record(FLOW, NODE, policy, { ok: false, probe: false }, T0 + 20)).toEqual({ state: 'open', failures: 3, openUntil: T0 + 200 });
    });
  });

  describe('when the reset time has passed', () => {
    it('grants exactly one probe to two concurrent acquirers on two connections', async () => {
      const one = breakers();
      const two = breakers(t.connection());
      await trip(one);
      const now = T0 + 250;
      const grants = await Promise.all([one.acquire(FLOW, NODE, policy, now), two.acquire(FLOW, NODE, policy, now)]);
      expect(grants.filter((g) => g.allowed)).toEqual([{ allowed: true, probe: true }]);
      expect(grants.filter((g) => !g.allowed)).toEqual([{ allowed: false, retryAt: now + 200 }]);
      expect(await two.state(FLOW, NODE, now)).toEqual({ state: 'half-open', failures: 3, probeUntil: now + 200 });
    });

    it('closes on a probe success', async () => {
      const b = breakers();
      await trip(b);
      await b.acquire(FLOW, NODE, policy, T0 + 200);
      expect(await b.record(FLOW, NODE, policy, { ok: true, probe: true }, T0 + 210)).toEqual({ state: 'closed', failures: 0 });
      expect(await b.acquire(FLOW, NODE, policy, T0 + 211)).toEqual({ allowed: true, probe: false });
    });

    it('opens again for another resetMs on a probe failure', async () => {
      const b = breakers();
      await trip(b);
      await b.acquire(FLOW, NODE, policy, T0 + 200);
      expect(await b.record(FLOW, NODE, policy, { ok: false, probe: true }, T0 + 210)).toMatchObject({ state: 'open', openUntil: T0 + 410 });
      expect(await b.acquire(FLOW, NODE, policy, T0 + 300)).toEqual({ allowed: false, retryAt: T0 + 410 });
      expect(await b.acquire(FLOW, NODE, policy, T0 + 410)).toEqual({ allowed: true, probe: true });
    });

    it('needs halfOpenProbes successes, one probe at a time, to close', async () => {
      const b = breakers();
      const two = { ...policy, halfOpenProbes: 2 };
      await trip(b, two);
      expect(await b.acquire(FLOW, NODE, two, T0 + 200)).toEqual({ allowed: true, probe: true });
      expect(await b.acquire(FLOW, NODE, two, T0 + 201)).toEqual({ allowed: false, retryAt: T0 + 400 });
      expect((await b.record(FLOW, NODE, two, { ok: true, probe: true }, T0 + 202)).state).toBe('half-open');
      expect(await b.acquire(FLOW, NODE, two, T0 + 203)).toEqual({ allowed: true, probe: true });
      expect((await b.record(FLOW, NODE, two, { ok: true, probe: true }, T0 + 204)).state).toBe('closed');
    });

    it('grants a new probe once a crashed prober\'s lease has expired', async () => {
      const b = breakers();
      await trip(b);
      expect(await b.acquire(FLOW, NODE, policy, T0 + 200)).toEqual({ allowed: true, probe: true });
      // The prober dies without recording anything.
      expect(await b.acquire(FLOW, NODE, policy, T0 + 399)).toEqual({ allowed: false, retryAt: T0 + 400 });
      expect(await b.acquire(FLOW, NODE, policy, T0 + 400)).toEqual({ allowed: true, probe: true });
    });
  });

  describe('when two workers look at one breaker', () => {
    it('shows both the same state, with a TTL on its hash', async () => {
      const one = breakers();
      const two = breakers(t.connection());
      expect(await two.state(FLOW, NODE, T0)).toEqual({ state: 'closed', failures: 0 });
      await trip(one);
      expect(await one.state(FLOW, NODE, T0 + 1)).toEqual({ state: 'open', failures: 3, openUntil: T0 + 200 });
      expect(await two.state(FLOW, NODE, T0 + 1)).toEqual(await one.state(FLOW, NODE, T0 + 1));
      expect(await two.acquire(FLOW, NODE, policy, T0 + 1)).toEqual({ allowed: false, retryAt: T0 + 200 });
      const ttl = await t.redis.pttl(new Keys(t.prefix).breaker(FLOW, NODE));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
    });

    it('writes nothing for a healthy node', async () => {
      const b = breakers();
      await b.acquire(FLOW, NODE, policy, T0);
      await b.record(FLOW, NODE, policy, { ok: true, probe: false }, T0);
      expect(await t.redis.exists(new Keys(t.prefix).breaker(FLOW, NODE))).toBe(0);
    });
  });

  describe('when a policy is invalid', () => {
    it('refuses it with an explicit error', async () => {
      await expect(breakers().acquire(FLOW, NODE, { ...policy, threshold: 0 }, T0)).rejects.toThrow(/threshold must be an integer >= 1/);
    });
  });
});
