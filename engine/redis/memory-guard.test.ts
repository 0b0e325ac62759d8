import { describe, expect, it } from 'vitest';
import { useRedis } from '../../test/redis';
import { DEFAULT_MEMORY_LIMIT_BYTES, MemoryGuard, memoryBound, MemoryPressureError } from './memory-guard';

describe('memoryBound', () => {
  it("is a share of Redis's maxmemory when it has one, else the absolute limit", () => {
    expect(memoryBound(1_000, { fraction: 0.5, limitBytes: 7 })).toBe(500);
    expect(memoryBound(1_000)).toBe(900);
    expect(memoryBound(0, { limitBytes: 7 })).toBe(7);
    expect(memoryBound(0)).toBe(DEFAULT_MEMORY_LIMIT_BYTES);
  });
});

describe('MemoryGuard', () => {
  const t = useRedis();

  it("refuses while Redis's used_memory is past the bound and lets through below it", async () => {
    await expect(new MemoryGuard(t.redis, { fraction: 0, limitBytes: 1 }).check()).rejects.toBeInstanceOf(MemoryPressureError);
    await expect(new MemoryGuard(t.redis, { limitBytes: 1024 ** 4 }).check()).resolves.toBeUndefined();
  });

  it('answers from its last reading within refreshMs: a request costs no round trip', async () => {
    const guard = new MemoryGuard(t.redis, { fraction: 0, limitBytes: 1, refreshMs: 60_000 });
    await expect(guard.check()).rejects.toBeInstanceOf(MemoryPressureError);
    const offline = t.connection();
    const cached = new MemoryGuard(offline, { limitBytes: 1024 ** 4, refreshMs: 60_000 });
    await cached.check();
    offline.disconnect();
    // Its connection is gone: a check that went to Redis would fail with a connection error.
    await expect(cached.check()).resolves.toBeUndefined();
  });
});
