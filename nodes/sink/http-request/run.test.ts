import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../errors';
import { closedPort, startServer, type TestServer } from '../../runtime/http/test-servers';
import { runNode, type DeployOptions, type MessageOptions } from '../../testing/harness';
import { runtime } from './run';
import type { HttpRequestConfig } from './spec';

/** The test server answers with the status and headers named by the request path: `/status/429?retry-after=7`. */
let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/hang') return; // never answers
    if (url.pathname.startsWith('/echo/')) {
      // A receiver that quotes the credential it got back, as careless APIs do.
      res.statusCode = Number(url.pathname.slice('/echo/'.length));
      return res.end(JSON.stringify({ error: 'bad credentials', got: [req.headers.authorization, req.headers['x-api-key']] }));
    }
    const status = Number(/^\/status\/(\d+)$/.exec(url.pathname)?.[1] ?? 200);
    const retryAfter = url.searchParams.get('retry-after');
    if (retryAfter) res.setHeader('retry-after', retryAfter);
    res.statusCode = status;
    res.end(status >= 400 ? `{"error": "status ${status}",\n "detail": "${'x'.repeat(300)}"}` : '{"ok":true}');
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const LOOPBACK = { allow: ['127.0.0.0/8'] };
const send = (config: Partial<HttpRequestConfig>, options: Partial<DeployOptions<HttpRequestConfig> & MessageOptions> = {}) =>
  runNode(runtime, { http: LOOPBACK, payload: { orderId: 'A1', total: 12.5 }, ...options, config: { url: `"${server.origin}/orders"`, ...config } });
const failure = (pending: Promise<unknown>) => pending.then(() => Promise.reject(new Error('expected a failure')), (e: unknown) => e);

describe('when the receiver answers 2xx', () => {
  it('does POST the payload as JSON with the Idempotency-Key and emit nothing', async () => {
    const { emissions } = await send({}, { idempotencyKey: 'key-123' });
    expect(emissions).toEqual([]);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/orders', body: '{"orderId":"A1","total":12.5}' });
    expect(request!.headers).toMatchObject({ 'idempotency-key': 'key-123', 'content-type': 'application/json' });
  });

  it('does evaluate url, headers, query and body with the message bindings', async () => {
    await send(
      {
        method: 'PUT',
        url: `"${server.origin}/orders/" & orderId`,
        headers: { 'X-Tenant': '$attrs.tenant', 'X-Absent': 'nothing' },
        query: { tag: '["a", "b"]', total: 'total' },
        body: '{ "id": orderId, "run": $meta.flowId }',
      },
      { attrs: { tenant: 'acme' } },
    );
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'PUT', url: '/orders/A1?tag=a&tag=b&total=12.5', body: '{"id":"A1","run":"harness-flow"}' });
    expect(request!.headers['x-tenant']).toBe('acme');
    expect(request!.headers).not.toHaveProperty('x-absent');
  });

  it.each(['GET', 'DELETE'] as const)('does send no body with %s', async (method) => {
    await send({ method });
    expect(server.requests[0]).toMatchObject({ method, body: '' });
    expect(server.requests[0]!.headers).not.toHaveProperty('content-type');
  });

  it('does keep its own Idempotency-Key even when a header sets one', async () => {
    await send({ headers: { 'idempotency-key': '"forged"' } }, { idempotencyKey: 'real' });
    expect(server.requests[0]!.headers['idempotency-key']).toBe('real');
  });
});

describe('when the node names a credential', () => {
  it.each([
    [{ type: 'http-bearer', token: 's3cret-token' } as const, 'authorization', 'Bearer s3cret-token'],
    [{ type: 'http-basic', username: 'ann', password: 's3cret-pw' } as const, 'authorization', `Basic ${Buffer.from('ann:s3cret-pw').toString('base64')}`],
    [{ type: 'http-header', name: 'X-Api-Key', value: 's3cret-key' } as const, 'x-api-key', 's3cret-key'],
  ])('does send a $type credential in its header and never log it', async (credential, header, value) => {
    const { logs } = await send({ credential: 'crm' }, { credentials: { crm: credential } });
    expect(server.requests[0]!.headers[header]).toBe(value);
    expect(JSON.stringify(logs)).not.toContain('s3cret');
  });

  it.each([
    [{ type: 'http-bearer', token: 's3cret-token' } as const],
    [{ type: 'http-basic', username: 'ann', password: 's3cret-pw' } as const],
    [{ type: 'http-header', name: 'X-Api-Key', value: 's3cret-key' } as const],
  ])('does redact a $type credential the receiver echoes, in the error and in the noted response', async (credential) => {
    const error = await failure(send({ credential: 'crm', url: `"${server.origin}/echo/401"` }, { credentials: { crm: credential } }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('[redacted]');
    expect((error as Error).message).not.toMatch(/s3cret|YW5uOnMzY3JldC1wdw/);
    const { noted } = await send({ credential: 'crm', url: `"${server.origin}/echo/200"` }, { credentials: { crm: credential } });
    expect(JSON.stringify(noted)).toContain('[redacted]');
    expect(JSON.stringify(noted)).not.toMatch(/s3cret|YW5uOnMzY3JldC1wdw/);
  });

  it('does not let an http-header credential follow a redirect to another origin', async () => {
    const mover = await startServer((_req, res) => void res.writeHead(307, { location: `${server.origin}/orders` }).end());
    try {
      await send({ credential: 'crm', url: `"${mover.origin}/old"` }, { credentials: { crm: { type: 'http-header', name: 'X-Api-Key', value: 's3cret-key' } } });
      expect(mover.requests[0]!.headers['x-api-key']).toBe('s3cret-key');
      expect(server.requests[0]!.url).toBe('/orders');
      expect(server.requests[0]!.headers).not.toHaveProperty('x-api-key');
    } finally {
      await mover.close();
    }
  });

  it('does fail permanently when the credential does not exist', async () => {
    const error = await failure(send({ credential: 'missing' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'CREDENTIAL_MISSING' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('when the receiver answers an error status', () => {
  it('does fail transiently on 500', async () => {
    const error = await failure(send({ url: `"${server.origin}/status/500"` }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ retryAfterMs: undefined, message: expect.stringContaining('answered 500') });
  });

  it('does fail transiently on 429 with Retry-After in seconds', async () => {
    const error = await failure(send({ url: `"${server.origin}/status/429?retry-after=7"` }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ retryAfterMs: 7_000 });
  });

  it('does read a Retry-After HTTP date on 503', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const error = (await failure(send({ url: `"${server.origin}/status/503?retry-after=${encodeURIComponent(at)}"` }))) as TransientError;
    expect(error).toBeInstanceOf(TransientError);
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('does fail permanently on 400 with the status and a short excerpt of the body', async () => {
    const error = await failure(send({ url: `"${server.origin}/status/400"` }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'HTTP_400', message: expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:\d+\/status\/400 answered 400: \{"error": "status 400", "detail": "x+…$/) });
    expect((error as Error).message.length).toBeLessThan(300);
  });
});

describe('when the request does not get an answer', () => {
  it('does fail transiently on a timeout', async () => {
    const error = await failure(send({ url: `"${server.origin}/hang"` }, { http: { ...LOOPBACK, timeoutMs: 200 } }));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/within 200 ms/);
  });

  it('does fail transiently when the connection is refused', async () => {
    const port = await closedPort();
    await expect(send({ url: `"http://127.0.0.1:${port}/"` })).rejects.toBeInstanceOf(TransientError);
  });

  it('does fail transiently when the node is interrupted', async () => {
    const controller = new AbortController();
    const pending = send({ url: `"${server.origin}/hang"` }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('worker shutting down')), 50);
    await expect(pending).rejects.toBeInstanceOf(TransientError);
  });
});

describe('when the request is refused before it is sent', () => {
  it('does fail permanently for a forbidden address', async () => {
    const error = await failure(send({ url: '"http://169.254.169.254/latest/meta-data"' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'ERR_TRIBUTARY_HTTP_REFUSED_ADDRESS' });
  });

  it('does fail permanently for loopback when the policy does not allow it', async () => {
    const error = await failure(send({}, { http: {} }));
    expect(error).toMatchObject({ code: 'ERR_TRIBUTARY_HTTP_REFUSED_ADDRESS' });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['a URL that is not a string', '42', 'BAD_URL'],
    ['a URL that does not parse', '"not a url"', 'BAD_URL'],
    ['a URL that is not http(s)', '"file:///etc/passwd"', 'ERR_TRIBUTARY_HTTP_BAD_URL'],
  ])('does fail permanently for %s', async (_what, url, code) => {
    const error = await failure(send({ url }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code });
  });

  it('does fail permanently for a header whose value is an object', async () => {
    const error = await failure(send({ headers: { 'X-Obj': '{ "a": 1 }' } }));
    expect(error).toMatchObject({ code: 'BAD_VALUE', message: 'headers.X-Obj: expected a string, number or boolean, got an object' });
  });
});
