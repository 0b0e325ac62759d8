/**
 * The API while Redis is down: its own redis-server (killed with SIGKILL), never the run's shared
 * one. Every route that needs Redis answers 503 with Retry-After at once; the flows, which live on
 * disk, can still be opened, edited and saved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../engine/redis/private-server';
import { eventually } from '../test/engine';
import { useServers, type TestServer } from '../test/server';
import { deployOverApi, hookFlow, injectToFile } from '../test/server-fixtures';

/** Far above the 2 s promised: without the gate these requests never answered at all. */
const NO_ANSWER_MS = 10_000;

describe('when Redis goes down under a running server', () => {
  let redis: PrivateRedis | undefined;
  let dir = '';
  // Registered before useServers: afterEach hooks run in reverse, so this runs after the server closed.
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const t = useServers();

  async function serverWithoutRedis(): Promise<TestServer> {
    dir = mkdtempSync(join(tmpdir(), 'tributary-redis-down-'));
    redis = await startPrivateRedis({ dir, persist: false, detached: false });
    const server = await t.startServer({ engine: { redisUrl: redis.url } });
    await deployOverApi(server.api, hookFlow('hooked', [{ path: '/in' }]));
    expect((await server.api('POST', '/api/flows', injectToFile('draft'))).status).toBe(201);
    await redis.kill('SIGKILL');
    await eventually(async () => server.engine.redis.status !== 'ready' || undefined, 'the engine saw Redis go');
    return server;
  }

  /** The answer, or 'no answer' when none came in NO_ANSWER_MS. */
  const call = async (server: TestServer, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(NO_ANSWER_MS),
    }).catch(() => undefined);
    if (!res) return { status: 'no answer' as const, retryAfter: null, body: undefined as any };
    const text = await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? (JSON.parse(text) as any) : undefined };
  };

  it('does answer 503 with Retry-After on every route that needs Redis', { timeout: 90_000 }, async () => {
    const server = await serverWithoutRedis();
    const needRedis: Array<[string, string, unknown?]> = [
      ['GET', '/api/deployments'],
      ['POST', '/api/flows/draft/deploy'],
      ['POST', '/api/flows/hooked/undeploy'],
      ['POST', '/api/flows/hooked/trigger', { node: 'hook0', payload: {} }],
      ['GET', '/api/flows/hooked/runs'],
      ['GET', '/api/runs/hooked.x'],
      ['GET', '/api/flows/hooked/dead-letters'],
      ['POST', '/api/flows/hooked/dead-letters/replay-all'],
      ['GET', '/api/credentials'],
      ['PUT', '/api/credentials/api-key', { type: 'http-header', name: 'X-Key', value: 'k' }],
      ['DELETE', '/api/flows/draft'],
      ['GET', '/metrics'],
      ['GET', '/api/health/ready'],
      ['POST', '/hooks/hooked/in', { a: 1 }],
    ];
    const answers = await Promise.all(needRedis.map(async ([method, path, body]) => {
      const { status, retryAfter } = await call(server, method, path, body);
      return `${method} ${path} → ${status} Retry-After: ${retryAfter}`;
    }));
    expect(answers).toEqual(needRedis.map(([method, path]) => `${method} ${path} → 503 Retry-After: 1`));
  });

  it('does keep the flows (on disk) readable and editable, and says what is down', { timeout: 90_000 }, async () => {
    const server = await serverWithoutRedis();
    expect((await call(server, 'GET', '/api/flows')).body.map((f: { id: string }) => f.id).sort()).toEqual(['draft', 'hooked']);
    const draft = await call(server, 'GET', '/api/flows/draft');
    expect(draft.status).toBe(200);
    const edited = { ...draft.body.doc, name: 'edited while Redis was down' };
    const saved = await call(server, 'PUT', '/api/flows/draft', edited);
    expect(saved.status).toBe(200);
    expect(saved.body.revision).toBe(2);
    expect((await call(server, 'POST', '/api/flows', injectToFile('another'))).status).toBe(201);
    expect((await call(server, 'GET', '/api/flows/draft/export')).body.name).toBe('edited while Redis was down');
    expect((await call(server, 'GET', '/api/flows/draft/revisions')).status).toBe(200);
    expect((await call(server, 'GET', '/api/nodes')).status).toBe(200);

    expect(await call(server, 'GET', '/api/health/live')).toMatchObject({ status: 200, body: { status: 'alive' } });
    expect(await call(server, 'GET', '/api/health')).toMatchObject({ status: 503, retryAfter: '1', body: { status: 'degraded', redis: 'down', down: ['redis'] } });
  });
});
