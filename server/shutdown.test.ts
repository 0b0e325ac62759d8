/**
 * `npm start` and `npm run worker` as real processes, stopped with SIGTERM/SIGINT. Redis that
 * goes away is the test's own redis-server, never the run's shared one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../engine/redis/private-server';
import { readState } from '../engine/redis/server-state';
import { useAppProcesses } from '../test/app-process';
import { privateRedisDir } from './redis';

/** Short, so a forced shutdown is quick to see; the default is 10 s (SHUTDOWN_GRACE_MS). */
const GRACE_MS = 2_000;
const env = { TRIBUTARY_SHUTDOWN_GRACE_MS: String(GRACE_MS) };

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('when Redis has gone away and the process is told to stop', () => {
  let redis: PrivateRedis | undefined;
  let dir = '';
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const apps = useAppProcesses();

  for (const [kind, signal] of [['start', 'SIGTERM'], ['worker', 'SIGINT']] as const) {
    it(`does stop npm ${kind === 'start' ? 'start' : 'run worker'} on ${signal} all the same, forced after its grace period`, { timeout: 60_000 }, async () => {
      dir = mkdtempSync(join(tmpdir(), 'tributary-gone-'));
      redis = await startPrivateRedis({ dir, persist: false, detached: false });
      const prefix = `t-${randomUUID()}`;
      // `npm start` deploys the example flows, so the worker has queues to serve when Redis goes.
      const start = await apps.spawn('start', { redisUrl: redis.url, prefix, env });
      const app = kind === 'start' ? start : await apps.spawn('worker', { redisUrl: redis.url, prefix, env });
      if (kind === 'worker') await app.saying('"flows":["');
      await redis.kill('SIGKILL');
      await sleep(500); // let the connections notice and start retrying
      app.child.kill(signal);
      // Without a bound it kept retrying Redis for as long as anyone waited (40 s and more).
      const how = await Promise.race([app.exited, sleep(GRACE_MS + 20_000).then(() => 'still running')]);
      expect(how, app.output().slice(-2_000)).toBe(1);
      expect(app.output()).toContain('forcing shutdown');
      start.child.kill('SIGKILL');
    });
  }
});

describe('when npm start runs its private Redis', () => {
  const apps = useAppProcesses();

  it('does stop it on SIGTERM after a graceful shutdown', { timeout: 60_000 }, async () => {
    const app = await apps.spawn('start', { prefix: `t-${randomUUID()}`, env });
    const { pid } = readState(privateRedisDir(app.dataDir))!;
    expect(alive(pid)).toBe(true);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it('does stop it when the shutdown is forced, too', { timeout: 60_000 }, async () => {
    const app = await apps.spawn('start', { prefix: `t-${randomUUID()}`, env });
    const { pid } = readState(privateRedisDir(app.dataDir))!;
    // A frozen Redis: every command of the graceful path waits on it, so only forcing ends it.
    process.kill(pid, 'SIGSTOP');
    try {
      app.child.kill('SIGTERM');
      expect(await app.exited, app.output().slice(-2_000)).toBe(1);
      expect(app.output()).toContain('forcing shutdown');
      await sleep(200);
      expect(alive(pid)).toBe(false);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
