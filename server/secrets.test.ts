/**
 * A planted secret — a credential's token — must never come back out: not in any API response,
 * log line, trace, dead letter, export, metric, nor in plain text anywhere in Redis.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { eventually } from '../test/engine';
import { useServers } from '../test/server';
import { edge, flowDoc } from '../test/server-fixtures';

const SECRET = 'planted-s3cret-7f3a9c1e';

/** A receiver that echoes what it was sent — the worst case for leaks — failing for `/fail`. */
async function echoServer() {
  const server = createServer((req, res) => {
    const echo = JSON.stringify({ authorization: req.headers.authorization, path: req.url });
    res.writeHead(req.url === '/fail' ? 400 : 200, { 'content-type': 'application/json' }).end(echo);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('when a credential is stored and used', () => {
  const t = useServers();

  it('never lets its secret out through responses, logs, traces, dead letters, exports, metrics or Redis', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const echo = await echoServer();
    const { api } = await t.startServer({ engine: { logger } });
    const responses: string[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await api(method, path, body);
      responses.push(r.text);
      return r;
    };

    expect((await call('PUT', '/api/credentials/crm', { type: 'http-bearer', token: SECRET })).status).toBe(200);
    const sink = (id: string, path: string) => ({ id, type: 'http-request', config: { url: `"${echo.origin}${path}"`, credential: 'crm', body: '$' }, policy: { retry: { attempts: 1 } } });
    const doc = flowDoc('leaky', [{ id: 'in', type: 'inject' }, sink('ok', '/ok'), sink('bad', '/fail')], [edge('e1', 'in', 'ok'), edge('e2', 'in', 'bad')]);
    expect((await call('POST', '/api/flows', doc)).status).toBe(201);
    expect((await call('POST', '/api/flows/leaky/deploy')).status).toBe(200);
    const { body } = await call('POST', '/api/flows/leaky/trigger', { node: 'in', payload: { order: 1 } });
    await eventually(async () => (await api('GET', `/api/runs/${body.runId}`)).body?.summary?.status === 'failed');

    const letters = await call('GET', '/api/flows/leaky/dead-letters');
    expect(letters.body.items).toHaveLength(1);
    await call('GET', `/api/flows/leaky/dead-letters/${letters.body.items[0].id}`);
    const run = await call('GET', `/api/runs/${body.runId}`);
    expect(run.text).toContain('authorization'); // the echo is in the trace, redacted
    for (const path of ['/api/credentials', '/api/flows', '/api/flows/leaky', '/api/flows/leaky/export', '/api/flows/leaky/runs', '/api/deployments', '/metrics', '/api/openapi.json']) {
      await call('GET', path);
    }
    expect(responses.filter((text) => text.includes(SECRET))).toEqual([]);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes(SECRET))).toEqual([]);

    // Everything in Redis under this test's prefix, read as plain bytes.
    const redis = t.redis.redis;
    const leaks: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${t.redis.prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const dump = await redis.dumpBuffer(key);
        if (dump?.includes(SECRET)) leaks.push(key);
      }
    } while (cursor !== '0');
    expect(leaks).toEqual([]);
    // …while the receiver did get it: the secret was really used.
    expect(lines.some((line) => line.includes('http-request answered'))).toBe(true);
    await echo.close();
  });

  it('reports a flow that names a credential this server lacks, at the node that names it', async () => {
    const { api } = await t.startServer();
    const doc = flowDoc('needs', [{ id: 'in', type: 'inject' }, { id: 'send', type: 'http-request', config: { url: '"http://127.0.0.1:9/x"', credential: 'missing-one' } }], [edge('e1', 'in', 'send')]);
    const imported = await api('POST', '/api/flows/import', doc);
    expect(imported.status).toBe(201);
    expect(imported.body[0].problems).toEqual([expect.objectContaining({ pointer: '/nodes/1/config/credential', nodeId: 'send', message: expect.stringContaining('"missing-one"') })]);
    expect((await api('POST', '/api/flows/needs/deploy')).status).toBe(422);
  });
});
