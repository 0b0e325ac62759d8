import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, afterAll, describe, expect, it, vi } from 'vitest';
import type { HttpClient } from '../../runtime-http';
import {
  createAddressPolicy,
  createHttpClient,
  HttpClientError,
  isTransientStatus,
  resolvePermitted,
  type OutboundHttpClient,
  type Resolver,
} from './index';
import { closedPort, startServer, type TestServer } from './test-servers';

/** The error a request fails with; fails the test when it succeeds or throws something else. */
async function failure(pending: Promise<unknown>): Promise<HttpClientError> {
  const outcome = await pending.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected the request to fail, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(HttpClientError);
  return outcome.error as HttpClientError;
}

const clients: OutboundHttpClient[] = [];
const client = (...args: Parameters<typeof createHttpClient>) => {
  const made = createHttpClient(...args);
  clients.push(made);
  return made;
};

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res, body) => {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ method: req.method, path: req.url, body }));
  });
});
afterAll(() => server.close());
afterEach(() => {
  vi.restoreAllMocks();
  for (const made of clients.splice(0)) made.close();
});

describe('when the URL names a forbidden address literally', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data', 'metadata'],
    ['http://[::ffff:169.254.169.254]/latest/meta-data', 'metadata'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'metadata'],
    ['http://2852039166/', 'metadata'], // 169.254.169.254 as one decimal number
    ['http://100.100.100.200/latest/meta-data', 'metadata'],
    ['http://10.0.0.1/', 'private network'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://0.0.0.0:8080/', 'this network'],
  ])('does refuse %s without opening a socket', async (url, why) => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const error = await failure(client().request({ method: 'GET', url }));
    expect(error.kind).toBe('refused-address');
    expect(error.transient).toBe(false);
    expect(error.message).toContain(why);
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('when a hostname resolves to loopback', () => {
  it('does refuse it while loopback is not allowed, before the server sees a connection', async () => {
    const before = server.connections;
    const error = await failure(client().request({ method: 'GET', url: `http://localhost:${server.port}/` }));
    expect(error.kind).toBe('refused-address');
    expect(error.message).toMatch(/127\.0\.0\.1.*localhost/);
    expect(server.connections).toBe(before);
  });

  it('does connect when the allow-list has 127.0.0.0/8', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const res = await client({ allow: ['127.0.0.0/8'] }).request({ method: 'GET', url: `http://localhost:${server.port}/hi?x=1` });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ method: 'GET', path: '/hi?x=1' });
    expect(connect).toHaveBeenCalled(); // the spy the refusal tests rely on does see sockets
  });

  it('does guard https the same way', async () => {
    const error = await failure(client().request({ method: 'GET', url: `https://localhost:${server.port}/` }));
    expect(error.kind).toBe('refused-address');
  });

  it('does connect when the allow-list names the host', async () => {
    const res = await client({ allow: ['localhost'] }).request({ method: 'GET', url: `http://localhost:${server.port}/` });
    expect(res.status).toBe(200);
  });
});

describe('when DNS rebinds between the check and the connection', () => {
  it('does refuse the address given at connect time', async () => {
    let calls = 0;
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    const http = client({}, { resolve: rebinding });
    // Whatever checked the URL earlier (say, when the flow was deployed) saw a public address…
    const earlier = await resolvePermitted('rebind.test', createAddressPolicy(http.policy.allow), {}, rebinding);
    expect(earlier).toEqual([{ address: '93.184.216.34', family: 4 }]);
    // …but the socket asks again, gets 127.0.0.1, and that answer is judged too.
    const before = server.connections;
    const error = await failure(http.request({ method: 'GET', url: `http://rebind.test:${server.port}/` }));
    expect(error.kind).toBe('refused-address');
    expect(error.message).toMatch(/127\.0\.0\.1 \(which rebind\.test resolves to\)/);
    expect(calls).toBe(2);
    expect(server.connections).toBe(before);
  });
});

describe('when the request goes through', () => {
  const local = () => client({ allow: ['127.0.0.1'] });

  it('does serialise a JSON body with its content type', async () => {
    const res = await local().request({ method: 'post', url: `${server.origin}/orders`, body: { id: 7, tags: ['a'] } });
    expect(res.json()).toEqual({ method: 'POST', path: '/orders', body: '{"id":7,"tags":["a"]}' });
    expect(server.requests.at(-1)?.headers['content-type']).toBe('application/json');
    expect(res.url).toBe(`${server.origin}/orders`);
    expect(res.redirects).toBe(0);
  });

  it('does send strings and bytes as given, keeping an explicit content type', async () => {
    await local().request({ method: 'PUT', url: server.origin, body: 'a,b', headers: { 'Content-Type': 'text/csv' } });
    expect(server.requests.at(-1)).toMatchObject({ body: 'a,b', headers: { 'content-type': 'text/csv' } });
    await local().request({ method: 'PUT', url: server.origin, body: new TextEncoder().encode('bytes') });
    expect(server.requests.at(-1)).toMatchObject({ body: 'bytes', headers: { 'content-type': 'application/octet-stream' } });
  });

  it('does return error statuses as responses, for the caller to classify', async () => {
    const failing = await startServer((_req, res) => res.writeHead(503, { 'retry-after': '2' }).end('busy'));
    try {
      const res = await local().request({ method: 'GET', url: failing.origin });
      expect([res.status, res.text(), res.headers['retry-after']]).toEqual([503, 'busy', '2']);
      expect(isTransientStatus(res.status)).toBe(true);
      expect([429, 408, 500].map(isTransientStatus)).toEqual([true, true, true]);
      expect([400, 401, 404, 422].map(isTransientStatus)).toEqual([false, false, false, false]);
    } finally {
      await failing.close();
    }
  });

  it('does decompress a gzip body it asked for', async () => {
    const zipped = await startServer((req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'x-asked': String(req.headers['accept-encoding']) });
      res.end(gzipSync(JSON.stringify({ ok: true })));
    });
    try {
      const res = await local().request({ method: 'GET', url: zipped.origin });
      expect(res.json()).toEqual({ ok: true });
      expect(res.headers['x-asked']).toMatch(/gzip/);
    } finally {
      await zipped.close();
    }
  });

  it('does satisfy the runtime contract nodes are written against', () => {
    const asSeenByNodes: HttpClient = local();
    expect(typeof asSeenByNodes.request).toBe('function');
  });
});

describe('when the request is malformed', () => {
  it.each([
    ['ftp://example.com/file', 'bad-url'],
    ['not a url', 'bad-url'],
    ['http://user:secret@example.com/', 'bad-url'],
  ])('does reject %s as %s', async (url, kind) => {
    const error = await failure(client().request({ method: 'GET', url }));
    expect([error.kind, error.transient]).toEqual([kind, false]);
    expect(error.message).not.toContain('secret');
  });

  it('does reject a header node:http refuses to send', async () => {
    const error = await failure(client({ allow: ['127.0.0.1'] }).request({ method: 'GET', url: server.origin, headers: { 'x-bad': 'a\r\nb' } }));
    expect(error.kind).toBe('bad-request');
  });
});

describe('when the server is unreachable or slow', () => {
  it('does report a refused connection as a transient connection error', async () => {
    const port = await closedPort();
    const error = await failure(client({ allow: ['127.0.0.1'] }).request({ method: 'GET', url: `http://127.0.0.1:${port}/` }));
    expect([error.kind, error.transient]).toEqual(['connection', true]);
  });

  it('does time out on a server that never answers', async () => {
    const silent = await startServer(() => {});
    try {
      const error = await failure(client({ allow: ['127.0.0.1'], timeoutMs: 150 }).request({ method: 'GET', url: silent.origin }));
      expect([error.kind, error.transient]).toEqual(['timeout', true]);
    } finally {
      await silent.close();
    }
  });

  it('does stop when the caller aborts', async () => {
    const silent = await startServer(() => {});
    try {
      const controller = new AbortController();
      const pending = client({ allow: ['127.0.0.1'] }).request({ method: 'GET', url: silent.origin }, controller.signal);
      setTimeout(() => controller.abort(), 50);
      const error = await failure(pending);
      expect([error.kind, error.transient]).toEqual(['aborted', false]);
    } finally {
      await silent.close();
    }
  });
});

describe('when the response is too large', () => {
  let big: TestServer;
  beforeAll(async () => {
    big = await startServer((req, res) => {
      if (req.url === '/declared') return void res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
      if (req.url === '/gzip-bomb') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(1_000_000)));
      res.writeHead(200); // chunked: no length to check up front
      for (let i = 0; i < 20; i++) res.write('y'.repeat(500));
      res.end();
    });
  });
  afterAll(() => big.close());

  it.each(['/declared', '/streamed', '/gzip-bomb'])('does abort %s past maxResponseBytes', async (path) => {
    const error = await failure(client({ allow: ['127.0.0.1'], maxResponseBytes: 4096 }).request({ method: 'GET', url: big.origin + path }));
    expect([error.kind, error.transient]).toEqual(['too-large', false]);
  });

  it('does accept a body at the limit', async () => {
    const res = await client({ allow: ['127.0.0.1'], maxResponseBytes: 5000 }).request({ method: 'GET', url: `${big.origin}/declared` });
    expect(res.body.length).toBe(5000);
  });
});

