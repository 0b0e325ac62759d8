import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../classify';
import { createRedisConnection } from './connection';
import { answeringCaller, failFastForCallers, RedisUnavailableError } from './fail-fast';

/** A loopback port nothing listens on: a Redis that has gone away. */
async function deadPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** 'pending' if `p` hasn't settled after a moment, else how it settled. */
const state = (p: Promise<unknown>) => Promise.race([p.then(() => 'resolved', (e: unknown) => e), sleep(300).then(() => 'pending')]);

describe('when Redis is unreachable', () => {
  const clients: Array<ReturnType<typeof createRedisConnection>> = [];
  afterEach(() => clients.splice(0).forEach((c) => c.disconnect()));

  it('does fail a command at once inside answeringCaller, and let it wait outside (and once the caller has its answer)', async () => {
    const redis = failFastForCallers(createRedisConnection(`redis://127.0.0.1:${await deadPort()}`));
    redis.on('error', () => undefined); // refused connections are the point here
    clients.push(redis);
    let later: Promise<unknown> | undefined;
    const inside = answeringCaller(async () => {
      const result = await redis.get('k').catch((e: unknown) => e);
      later = sleep(50).then(() => redis.get('k')); // outlives the caller: a worker, a timer
      return result;
    });
    expect(await inside).toBeInstanceOf(RedisUnavailableError);
    expect(await state(redis.get('k'))).toBe('pending');
    expect(await state(later!)).toBe('pending');
  });

  it('does class the error as transient, should a job ever meet it', () => {
    expect(classify(new RedisUnavailableError('down')).transient).toBe(true);
  });
});
