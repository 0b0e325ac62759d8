import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { problemMiddleware } from './http/problem';
import { redisGated } from './redis-gate';

describe('when a request waits on a Redis command sent before Redis went away', () => {
  const servers: Array<import('node:http').Server> = [];
  afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve)))));

  async function serve(redisReady: () => boolean, handler: (req: express.Request, res: express.Response) => unknown): Promise<string> {
    const app = express();
    app.get('/x', redisGated(handler, redisReady));
    app.use(problemMiddleware(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  }

  it('does answer 503 with Retry-After at the deadline, and drops what the handler does later', async () => {
    let finish: () => void = () => undefined;
    const url = await serve(
      () => false,
      async (_req, res) => {
        await new Promise<void>((resolve) => (finish = resolve));
        res.json({ late: true }); // would throw "headers already sent"; the gate swallows it
      },
    );
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    finish();
  });

  it('does let a slow handler finish while Redis is up', async () => {
    const url = await serve(
      () => true,
      async (_req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 1_800));
        res.json({ done: true });
      },
    );
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
  });
});
