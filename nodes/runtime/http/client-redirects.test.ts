import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpClient, HttpClientError, type OutboundHttpClient, type Resolver } from './index';
import { startServer, type TestServer } from './test-servers';

/**
 * `/go?to=<url>&status=<code>` answers with that redirect; `/loop` redirects to itself; anything
 * else echoes the request as JSON.
 */
const redirector = () =>
  startServer((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/go') {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' });
      return void res.end('moved');
    }
    if (url.pathname === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, path: req.url, headers: req.headers, body }));
  });

const go = (from: TestServer, to: string, status = 302) => `${from.origin}/go?to=${encodeURIComponent(to)}&status=${status}`;

async function failure(pending: Promise<unknown>): Promise<HttpClientError> {
  const error = await pending.then(
    (value) => {
      throw new Error(`expected the request to fail, got ${JSON.stringify(value)}`);
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HttpClientError);
  return error as HttpClientError;
}

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  [a, b] = await Promise.all([redirector(), redirector()]);
});
afterAll(() => Promise.all([a.close(), b.close()]));

const clients: OutboundHttpClient[] = [];
const client = (...args: Parameters<typeof createHttpClient>) => {
  const made = createHttpClient(...args);
  clients.push(made);
  return made;
};
afterEach(() => {
  vi.restoreAllMocks();
  for (const made of clients.splice(0)) made.close();
});

describe('when an allowed server redirects to a forbidden address', () => {
  it.each(['http://169.254.169.254/latest/meta-data', 'http://[::ffff:169.254.169.254]/', 'http://10.0.0.1/admin'])(
    'does refuse %s without connecting to it',
    async (target) => {
      const connect = vi.spyOn(net.Socket.prototype, 'connect');
      const error = await failure(client({ allow: ['127.0.0.1'] }).request({ method: 'GET', url: go(a, target) }));
      expect(error.kind).toBe('refused-address');
      expect(connect).toHaveBeenCalledTimes(1); // the first hop, to the allowed server
    },
  );

  it('does refuse a listed hostname that resolves to the metadata service', async () => {
    const resolve: Resolver = async (host) => [{ address: host === 'metadata.test' ? '169.254.169.254' : '127.0.0.1', family: 4 }];
    const http = client({ allow: ['127.0.0.1', 'metadata.test'] }, { resolve });
    const error = await failure(http.request({ method: 'GET', url: go(a, 'http://metadata.test/computeMetadata/v1/') }));
    expect(error.kind).toBe('refused-address');
    expect(error.message).toMatch(/169\.254\.169\.254 \(which metadata\.test resolves to\).*always refused/);
  });

  it('does refuse a loopback literal when only the first hop was allowed, by name', async () => {
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const http = client({ allow: ['api.test'] }, { resolve });
    const url = `http://api.test:${a.port}/go?to=${encodeURIComponent(`${b.origin}/`)}`;
    const before = b.connections;
    const error = await failure(http.request({ method: 'GET', url }));
    expect(error.kind).toBe('refused-address');
    expect(b.connections).toBe(before);
  });

  it('does refuse a redirect to another scheme', async () => {
    const error = await failure(client({ allow: ['127.0.0.1'] }).request({ method: 'GET', url: go(a, 'file:///etc/passwd') }));
    expect([error.kind, error.transient]).toEqual(['bad-url', false]);
  });
});

describe('when an allowed server redirects to another allowed server', () => {
  const headers = { authorization: 'Bearer s3cret', cookie: 'session=1', 'x-trace': 'keep' };

  it('does follow it and leave the credentials behind', async () => {
    const res = await client({ allow: ['127.0.0.1'] }).request({ method: 'GET', url: go(a, `${b.origin}/landing`), headers });
    const seen = res.json<{ path: string; headers: Record<string, string> }>();
    expect(seen.path).toBe('/landing');
    expect(seen.headers).not.toHaveProperty('authorization');
    expect(seen.headers).not.toHaveProperty('cookie');
    expect(seen.headers['x-trace']).toBe('keep');
    expect([res.url, res.redirects]).toEqual([`${b.origin}/landing`, 1]);
  });

  it('does leave the headers named as credentials behind too, and keep them on the same origin', async () => {
    const http = client({ allow: ['127.0.0.1'] });
    const request = { method: 'GET', headers: { 'X-Api-Key': 'k3y', 'x-trace': 'keep' }, credentialHeaders: ['X-Api-Key'] };
    const away = (await http.request({ ...request, url: go(a, `${b.origin}/landing`) })).json<{ headers: Record<string, string> }>();
    expect(away.headers).not.toHaveProperty('x-api-key');
    expect(away.headers['x-trace']).toBe('keep');
    const same = (await http.request({ ...request, url: go(a, '/same') })).json<{ headers: Record<string, string> }>();
    expect(same.headers['x-api-key']).toBe('k3y');
  });

  it('does keep the credentials on a same-origin redirect, relative or absolute', async () => {
    const http = client({ allow: ['127.0.0.1'] });
    for (const to of ['/same', `${a.origin}/same`]) {
      const res = await http.request({ method: 'GET', url: go(a, to), headers });
      expect(res.json<{ headers: Record<string, string> }>().headers.authorization).toBe('Bearer s3cret');
    }
  });

  it.each([
    [303, 'POST', 'GET', ''],
    [302, 'POST', 'GET', ''],
    [301, 'POST', 'GET', ''],
    [303, 'PUT', 'GET', ''],
    [302, 'PUT', 'PUT', '{"n":1}'],
    [307, 'POST', 'POST', '{"n":1}'],
    [308, 'PATCH', 'PATCH', '{"n":1}'],
  ])('does turn a %i after %s into %s with body %j', async (status, method, expectedMethod, expectedBody) => {
    const res = await client({ allow: ['127.0.0.1'] }).request({ method, url: go(a, `${b.origin}/next`, status), body: { n: 1 } });
    const seen = res.json<{ method: string; body: string; headers: Record<string, string> }>();
    expect([seen.method, seen.body]).toEqual([expectedMethod, expectedBody]);
    expect(seen.headers['content-type']).toBe(expectedBody ? 'application/json' : undefined);
  });
});

describe('when redirects go on too long', () => {
  it('does fail after maxRedirects', async () => {
    const before = a.requests.length;
    const error = await failure(client({ allow: ['127.0.0.1'], maxRedirects: 3 }).request({ method: 'GET', url: `${a.origin}/loop` }));
    expect([error.kind, error.transient]).toEqual(['too-many-redirects', false]);
    expect(a.requests.length - before).toBe(4);
  });

  it('does return the redirect itself when maxRedirects is 0', async () => {
    const res = await client({ allow: ['127.0.0.1'], maxRedirects: 0 }).request({ method: 'GET', url: `${a.origin}/loop` });
    expect([res.status, res.headers.location, res.redirects]).toEqual([302, '/loop', 0]);
  });
});
