import { METHODS, request } from 'node:http';
import { Server as NetServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { useServers } from '../test/server';
import { assertSafeBinding } from './http/security';

/** A request with headers fetch won't let us forge (Host), straight over node:http. */
function raw(url: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.once('error', reject);
    req.end(options.body);
  });
}

const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const NO_STACK = /\n\s+at |node_modules|\.ts:\d+|SyntaxError/;

/** Express 5's own record of what it routes: the app's router stack, one layer per registered route. */
interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: unknown };
}

describe('when the server is asked to listen beyond loopback', () => {
  const t = useServers();

  it('refuses to start on 0.0.0.0 without TRIBUTARY_TOKEN, before it listens', async () => {
    const listen = vi.spyOn(NetServer.prototype, 'listen');
    try {
      await expect(t.startServer({ host: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without TRIBUTARY_TOKEN/);
      expect(listen).not.toHaveBeenCalled();
    } finally {
      listen.mockRestore();
    }
  });

  it('treats only loopback names as safe without a token', () => {
    for (const host of ['::', '192.168.1.10', 'example.com', '10.0.0.1']) expect(() => assertSafeBinding({ host }), host).toThrow(/TRIBUTARY_TOKEN/);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(() => assertSafeBinding({ host }), host).not.toThrow();
    expect(() => assertSafeBinding({ host: '0.0.0.0', token: 'set' })).not.toThrow();
  });
});

describe('when a token is configured', () => {
  const t = useServers();

  it('answers 401 without the token or with a wrong one on every route but the webhooks', async () => {
    const { url, server } = await t.startServer({ token: 'correct-horse' });
    const tokenRoutes = server.routes.filter((r) => r.auth === 'token');
    // The table at least holds the flows API and the system routes; a walk over nothing proves nothing.
    expect(tokenRoutes.length).toBeGreaterThanOrEqual(14);
    for (const route of server.routes) {
      const path = route.path.replace(/:[A-Za-z_]+/g, 'x').replace(/\*[A-Za-z_]*/g, 'x');
      for (const method of route.method === 'all' ? ['GET', 'POST'] : [route.method.toUpperCase()]) {
        const what = `${method} ${route.path}`;
        const none = await raw(url, path, { method });
        const wrong = await raw(url, path, { method, headers: { authorization: 'Bearer correct-horsf' } });
        if (route.auth === 'token') {
          expect(none.status, what).toBe(401);
          expect(none.headers['www-authenticate'], what).toBe('Bearer');
          expect(none.headers['content-type'], what).toContain('application/problem+json');
          expect(wrong.status, what).toBe(401);
        } else {
          expect(none.status, `${what} is authenticated by its webhook node, not the API token`).not.toBe(401);
        }
      }
    }
    const right = await raw(url, '/api/flows', { headers: { authorization: 'Bearer correct-horse' } });
    expect(right.status).toBe(200);
    expect(JSON.parse(right.text)).toEqual([]);
    // Not a bearer token at all.
    expect((await raw(url, '/api/flows', { headers: { authorization: 'correct-horse' } })).status).toBe(401);
  });
});

describe('when requests reach the loopback server', () => {
  const t = useServers();

  it('refuses a forged Host (another name, or the right name on the wrong port) with 403', async () => {
    const { url } = await t.startServer();
    const port = Number(new URL(url).port);
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, `localhost:${port === 65535 ? 1 : port + 1}`, `127.0.0.1.evil.example:${port}`]) {
      const res = await raw(url, '/api/flows', { headers: { host } });
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.text), host).toMatchObject({ title: 'Forbidden host', status: 403 });
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) expect((await raw(url, '/api/flows', { headers: { host } })).status, host).toBe(200);
  });

  it('refuses a foreign Origin with 403 (and changes nothing); accepts its own origin', async () => {
    const { url, api } = await t.startServer();
    const port = Number(new URL(url).port);
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `file://${port}`]) {
      const res = await raw(url, '/api/flows', { headers: { origin } });
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.text), origin).toMatchObject({ title: 'Forbidden origin' });
    }
    const body = JSON.stringify({ format: 'tributary.flow/v1', id: 'planted', name: 'x', nodes: [], edges: [] });
    const post = await raw(url, '/api/flows', { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body });
    expect(post.status).toBe(403);
    expect((await api('GET', '/api/flows/planted')).status).toBe(404);
    expect((await raw(url, '/api/flows', { headers: { origin: url } })).status).toBe(200);
  });

  it('answers CORS preflights and requests only for configured origins', async () => {
    const allowed = 'http://tools.example:3000';
    const { url } = await t.startServer({ corsOrigins: [allowed] });
    const preflight = await raw(url, '/api/flows', { method: 'OPTIONS', headers: { origin: allowed, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(allowed);
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('Authorization');
    const get = await raw(url, '/api/flows', { headers: { origin: allowed } });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(allowed);
    expect((await raw(url, '/api/flows', { method: 'OPTIONS', headers: { origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('answers 413 for a body over the limit and 400 problem+json, without a stack, for malformed JSON', async () => {
    const { api } = await t.startServer();
    const big = JSON.stringify({ format: 'tributary.flow/v1', id: 'big', name: 'x'.repeat(1_100_000), nodes: [], edges: [] });
    const tooLarge = await api('POST', '/api/flows', big, { 'content-type': 'application/json' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toContain('application/problem+json');
    expect(tooLarge.body).toMatchObject({ status: 413, title: 'Payload too large' });
    for (const text of ['{"format": ', '{bad json}', '[1,2,']) {
      const res = await api('POST', '/api/flows', text, { 'content-type': 'application/json' });
      expect(res.status, text).toBe(400);
      expect(res.headers.get('content-type'), text).toContain('application/problem+json');
      expect(res.body, text).toEqual({ type: 'about:blank', title: 'Bad request', status: 400, detail: 'the request body is not valid JSON', instance: '/api/flows' });
      expect(res.text, text).not.toMatch(NO_STACK);
    }
  });

  it('sends security headers on answers and errors alike, and no CORS headers by default', async () => {
    const { url, api } = await t.startServer();
    const answers = [await api('GET', '/api/flows'), await api('GET', '/api/nope'), await api('GET', '/api/flows', undefined, { origin: 'http://evil.example' })];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 403]);
    for (const { headers, status } of answers) {
      expect(headers.get('x-content-type-options'), String(status)).toBe('nosniff');
      expect(headers.get('content-security-policy'), String(status)).toContain("default-src 'self'");
      expect(headers.get('content-security-policy'), String(status)).toContain("frame-ancestors 'self'");
      // The live channel of this very origin only, never any WebSocket host (`ws:` / `wss:`).
      expect(/connect-src ([^;]*)/.exec(headers.get('content-security-policy') ?? '')?.[1], String(status)).toBe(`'self' ${url.replace('http:', 'ws:')}`);
      expect(headers.get('x-frame-options'), String(status)).toBe('SAMEORIGIN');
      expect(headers.get('referrer-policy'), String(status)).toBe('no-referrer');
      expect(headers.get('cross-origin-resource-policy'), String(status)).toBe('same-origin');
      expect(headers.get('cross-origin-opener-policy'), String(status)).toBe('same-origin');
      expect(headers.get('x-powered-by'), String(status)).toBeNull();
    }
    const sameOrigin = await api('GET', '/api/flows', undefined, { origin: url });
    const preflight = await raw(url, '/api/flows', { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    const ownPreflight = await raw(url, '/api/flows', { method: 'OPTIONS', headers: { origin: url, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    for (const headers of [Object.fromEntries(sameOrigin.headers), preflight.headers, ownPreflight.headers]) {
      expect(Object.keys(headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('when the API describes itself', () => {
  const t = useServers();

  it('lists every route Express serves in GET /api/openapi.json, and nothing it does not serve', async () => {
    const { api, server } = await t.startServer();
    const app = server.server.listeners('request')[0] as unknown as { router: { stack: RouterLayer[] } };
    const layers = app.router.stack;
    // One route table: routes mounted through a sub-router would escape both the table and this walk.
    expect(layers.filter((l) => !l.route && Array.isArray(l.handle?.stack)).length, 'sub-routers').toBe(0);
    const served = layers.flatMap((l) => (l.route ? [l.route] : []));
    expect(served.map((r) => r.path)).toEqual(server.routes.map((r) => r.path));

    const res = await api('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, unknown>> };
    const toOpenApi = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\/\*[A-Za-z_]*$/, '/{path}');
    const expected = new Set<string>();
    for (const route of served) {
      const registered = Object.keys(route.methods).filter((m) => route.methods[m]);
      // Express 5's app.all() registers every method Node knows (ACL, PROPFIND, …); the table's
      // `all` is documented as the methods an API client uses.
      const all = route.methods._all || METHODS.every((m) => route.methods[m.toLowerCase()]);
      const methods = all ? ['get', 'post', 'put', 'patch', 'delete'] : registered;
      expect(methods.length, route.path).toBeGreaterThan(0);
      expect(methods.filter((m) => !OPENAPI_METHODS.includes(m)), `${route.path} serves methods OpenAPI cannot describe`).toEqual([]);
      for (const method of methods) {
        const key = `${method.toUpperCase()} ${toOpenApi(route.path)}`;
        expected.add(key);
        expect(doc.paths[toOpenApi(route.path)]?.[method], `${key} is served but missing from the OpenAPI document`).toBeDefined();
      }
    }
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.filter((op) => !expected.has(op)), 'documented but not served').toEqual([]);
  });

  it('is shaped like OpenAPI 3.1: version, info, templated paths with declared parameters, described responses', async () => {
    const { api } = await t.startServer();
    const doc = (await api('GET', '/api/openapi.json')).body as Record<string, any>;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info?.title).toBe('string');
    expect(typeof doc.info?.version).toBe('string');
    const schemes = Object.keys(doc.components?.securitySchemes ?? {});
    const paths = Object.entries(doc.paths as Record<string, Record<string, any>>);
    expect(paths.length).toBeGreaterThan(5);
    for (const [path, operations] of paths) {
      expect(path).toMatch(/^\//);
      expect(path, 'Express syntax leaked into an OpenAPI path').not.toMatch(/[:*]/);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(OPENAPI_METHODS, where).toContain(method);
        expect(typeof op.summary, where).toBe('string');
        const pathParams = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path');
        expect(pathParams.map((p: { name: string }) => p.name).sort(), where).toEqual([...templated].sort());
        for (const p of pathParams) expect(p.required, `${where} {${p.name}}`).toBe(true);
        const responses = Object.entries(op.responses ?? {});
        expect(responses.length, where).toBeGreaterThan(0);
        for (const [status, response] of responses) {
          expect(status, where).toMatch(/^[1-5]\d\d$/);
          expect(typeof (response as { description?: unknown }).description, `${where} ${status}`).toBe('string');
        }
        for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) expect(schemes, where).toContain(name);
      }
    }
  });
});
