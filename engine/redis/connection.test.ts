import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection, reconnectDelay, waitUntilReady } from './connection';
import { type PrivateRedis, startPrivateRedis } from './private-server';

describe('reconnectDelay', () => {
  it('doubles from the base delay, with jitter, up to the cap', () => {
    for (let i = 0; i < 50; i++) {
      const first = reconnectDelay(1, 100, 5000);
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      const fourth = reconnectDelay(4, 100, 5000);
      expect(fourth).toBeGreaterThanOrEqual(400);
      expect(fourth).toBeLessThanOrEqual(800);
      const late = reconnectDelay(500, 100, 5000);
      expect(late).toBeGreaterThanOrEqual(2500);
      expect(late).toBeLessThanOrEqual(5000);
    }
  });
});

describe('createRedisConnection', () => {
  it('refuses an ioredis keyPrefix, which BullMQ breaks under', () => {
    expect(() => createRedisConnection('redis://127.0.0.1:1', { lazyConnect: true, redisOptions: { keyPrefix: 'x:' } })).toThrow(
      /BullMQ's `prefix`/,
    );
  });

  describe('when Redis goes away for a moment', () => {
    // Its own server: this test stops it, which the run's shared test Redis must never see.
    let dir: string;
    let server: PrivateRedis;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tributary-connection-'));
      server = await startPrivateRedis({ dir, persist: true, detached: false });
    });
    afterAll(async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lets a waiting connection finish its command after the reconnect, and a fail-fast one fail at once', async () => {
      const waiting = createRedisConnection(server.url, { retryBaseDelayMs: 20, retryMaxDelayMs: 200 });
      const failFast = createRedisConnection(server.url, { failFast: true, retryBaseDelayMs: 20, retryMaxDelayMs: 200 });
      const clients: Redis[] = [waiting, failFast];
      for (const c of clients) c.on('error', () => undefined);
      try {
        await Promise.all(clients.map((c) => waitUntilReady(c)));
        await waiting.set('k', 'before');

        await server.kill('SIGKILL');
        await expect.poll(() => failFast.status).not.toBe('ready');
        const pending = waiting.get('k');
        const started = Date.now();
        await expect(failFast.get('k')).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(1000);

        await server.restart();
        await expect(pending).resolves.toBe('before');
        await waitUntilReady(failFast);
        await expect(failFast.get('k')).resolves.toBe('before');
      } finally {
        for (const c of clients) c.disconnect();
      }
    });
  });
});
