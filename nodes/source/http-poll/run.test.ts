/**
 * http-poll's runtime through the node harness, with node state in a map and timers recorded:
 * one page per delivery, next links, record keys and versions, the pinned start of a poll, one
 * poll at a time, and how failures are classified. The engine side (ticks, schedulers, dedupe of
 * keyed emissions, restarts) is proven in poll.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../errors';
import { TIMER_PORT, type NodeState } from '../../runtime';
import { startServer, type TestServer } from '../../runtime/http/test-servers';
import { deployNode, type DeployOptions } from '../../testing/harness';
import { CLAIM_RUNNING, runtime } from './run';
import type { HttpPollConfig } from './spec';

const servers: TestServer[] = [];
const nodes: Array<{ close(): void }> = [];
afterEach(async () => {
  nodes.splice(0).forEach((node) => node.close());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Serves `pages[path]`: `{ status?, headers?, body }` (a string body is sent as it is). */
async function api(pages: Record<string, { status?: number; headers?: Record<string, string>; body: unknown }>) {
  const server = await startServer((req, res) => {
    const page = pages[req.url ?? ''] ?? { status: 404, body: { error: 'no such page' } };
    const text = typeof page.body === 'string' ? page.body : JSON.stringify(page.body);
    res.writeHead(page.status ?? 200, { 'content-type': 'application/json', ...page.headers }).end(text);
  });
  servers.push(server);
  return server;
}

function memoryState(): NodeState & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    get: async <T>(key: string) => map.get(key) as T | undefined,
    set: async (key, value) => void map.set(key, structuredClone(value)),
    delete: async (key) => void map.delete(key),
    // The one script http-poll runs, with its semantics (the engine runs the Lua itself).
    atomic: async (script, [key], [mark]) => {
      if (script !== CLAIM_RUNNING) throw new Error(`unexpected script ${script.name}`);
      const current = map.get(key!);
      if (current !== undefined && JSON.stringify(current) !== mark) return 0;
      map.set(key!, JSON.parse(String(mark)));
      return 1;
    },
  };
}

async function deploy(config: Partial<HttpPollConfig>, extra: Partial<DeployOptions<HttpPollConfig>> = {}) {
  const state = memoryState();
  const timers: Array<{ key: string; payload: unknown }> = [];
  const node = await deployNode(runtime, {
    config,
    http: { allow: ['127.0.0.0/8'] },
    state,
    timers: { set: async (key, _atMs, payload) => void timers.push({ key, payload }) },
    ...extra,
  });
  nodes.push(node);
  const tick = (messageId: string) => node.run({ messageId, port: 'trigger' });
  /** Runs the page the last timer asked for, as the engine's timer delivery would. */
  const next = () => {
    const timer = timers.at(-1)!;
    return node.run({ messageId: `timer-${timer.key}`, port: TIMER_PORT, attrs: { timer } });
  };
  return { node, state, timers, tick, next };
}

describe('when pages are linked by a next link', () => {
  it('does read one page per delivery, following the link from the headers, and ends without one', async () => {
    const server = await api({
      '/items': { headers: { 'x-next': '/items?after=b' }, body: { items: [{ id: 'a', n: 1 }, { id: 'b', n: 2 }] } },
      '/items?after=b': { body: { items: [{ id: 'c', n: 3 }] } },
    });
    const poll = await deploy({ url: `${server.origin}/items`, records: 'items', pagination: { mode: 'next-link', nextLink: '$headers."x-next"' } as HttpPollConfig['pagination'] });

    const first = await poll.tick('tick-1');
    expect(first.emissions.map((e) => e.payload)).toEqual([{ id: 'a', n: 1 }, { id: 'b', n: 2 }]);
    expect(first.emissions[0]!.attrs).toMatchObject({ sync: 'full', page: 1, url: `${server.origin}/items` });
    expect(poll.timers).toEqual([{ key: 'tick-1:2', payload: expect.objectContaining({ poll: 'tick-1', page: 2, url: `${server.origin}/items?after=b` }) }]);

    const second = await poll.next();
    expect(second.emissions.map((e) => e.payload)).toEqual([{ id: 'c', n: 3 }]);
    expect(second.emissions[0]!.attrs).toMatchObject({ sync: 'full', page: 2 });
    expect(poll.timers).toHaveLength(1); // no third page
    expect(server.requests.map((r) => r.url)).toEqual(['/items', '/items?after=b']);
    expect(poll.state.map.has('running')).toBe(false); // the poll is over
  });
});

describe('when records have no version', () => {
  it('does key each one by its id and a hash of its content, whatever the key order', async () => {
    const pages = { '/items': { body: [{ id: 1, a: 1, b: 2 }] } };
    const server = await api(pages);
    const poll = await deploy({ url: `${server.origin}/items` });

    const [before] = (await poll.tick('tick-1')).emissions;
    pages['/items'].body = [{ b: 2, a: 1, id: 1 }];
    const [reordered] = (await poll.tick('tick-2')).emissions;
    pages['/items'].body = [{ id: 1, a: 1, b: 3 }];
    const [changed] = (await poll.tick('tick-3')).emissions;

    expect(JSON.parse(before!.key!)).toEqual([1, expect.stringMatching(/^sha256:/)]);
    expect(reordered!.key).toBe(before!.key);
    expect(changed!.key).not.toBe(before!.key);
  });
});

describe('when a cursor is configured', () => {
  const config = (origin: string): Partial<HttpPollConfig> => ({
    url: `${origin}/items`,
    records: 'data',
    recordVersion: 'v',
    cursor: { param: 'since', value: 'updatedAt' },
  });

  it('does keep the largest cursor once the poll is over, and ask from it next time', async () => {
    const server = await api({
      '/items': { body: { data: [{ id: 'a', v: 1, updatedAt: '2024-01-02' }, { id: 'b', v: 1, updatedAt: '2024-01-03' }, { id: 'c', v: 1, updatedAt: '2024-01-01' }] } },
      '/items?since=2024-01-03': { body: { data: [] } },
    });
    const poll = await deploy(config(server.origin));
    await poll.tick('tick-1');
    expect(poll.state.map.get('cursor')).toBe('2024-01-03');

    const nothing = await poll.tick('tick-2');
    expect(nothing.emissions).toEqual([]);
    expect(server.requests.at(-1)!.url).toBe('/items?since=2024-01-03');
    expect(poll.state.map.get('cursor')).toBe('2024-01-03'); // nothing new: it stays
  });

  it('does ask a tick delivery run again for the same page, even after the cursor moved on', async () => {
    const server = await api({
      '/items': { body: { data: [{ id: 'a', v: 1, updatedAt: '2024-01-02' }] } },
      '/items?since=2024-01-02': { body: { data: [{ id: 'b', v: 1, updatedAt: '2024-01-05' }] } },
    });
    const poll = await deploy(config(server.origin));
    await poll.tick('tick-1');
    await poll.tick('tick-2');
    expect(poll.state.map.get('cursor')).toBe('2024-01-05');

    const again = await poll.tick('tick-2'); // say it crashed before its record went downstream
    expect(again.emissions.map((e) => e.payload)).toEqual([{ id: 'b', v: 1, updatedAt: '2024-01-05' }]);
    expect(server.requests.map((r) => r.url)).toEqual(['/items', '/items?since=2024-01-02', '/items?since=2024-01-02']);
  });

  it('does leave the cursor where it was when maxPages cuts a poll short', async () => {
    const server = await api({ '/items?page=1&limit=1': { body: { data: [{ id: 'a', v: 1, updatedAt: '2024-01-02' }] } } });
    const poll = await deploy({ ...config(server.origin), pagination: { mode: 'page', pageSize: 1, maxPages: 1 } as HttpPollConfig['pagination'] });

    const cut = await poll.tick('tick-1');
    expect(cut.emissions).toHaveLength(1);
    expect(poll.timers).toEqual([]);
    expect(poll.state.map.has('cursor')).toBe(false);
    expect(cut.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([expect.stringContaining('maxPages')]);
  });
});

describe('when a tick comes while a poll is under way', () => {
  it('does start no poll and send no request', async () => {
    const server = await api({
      '/items?page=1&limit=1': { body: [{ id: 'a' }] },
      '/items?page=2&limit=1': { body: [] },
    });
    const poll = await deploy({ url: `${server.origin}/items`, pagination: { mode: 'page', pageSize: 1 } as HttpPollConfig['pagination'] });
    await poll.tick('tick-1'); // a full page: page 2 is still to come

    const skipped = await poll.tick('tick-2');
    expect(skipped.emissions).toEqual([]);
    expect(server.requests).toHaveLength(1);

    await poll.next(); // page 2 ends the poll
    await poll.tick('tick-3');
    expect(server.requests.map((r) => r.url)).toEqual(['/items?page=1&limit=1', '/items?page=2&limit=1', '/items?page=1&limit=1']);
  });
});

describe('when a poll fails', () => {
  it('does fail for good on a record without a key, a body that is not JSON and a 404; retry a 503', async () => {
    const server = await api({
      '/nokey': { body: [{ name: 'no id' }] },
      '/text': { body: 'not json' },
      '/busy': { status: 503, headers: { 'retry-after': '2' }, body: {} },
    });
    const failure = async (path: string) => (await deploy({ url: `${server.origin}${path}` })).tick('t').catch((e: unknown) => e);

    expect(await failure('/nokey')).toMatchObject({ name: 'PermanentError', code: 'NO_KEY' });
    expect(await failure('/text')).toMatchObject({ name: 'PermanentError', code: 'NOT_JSON' });
    expect(await failure('/missing')).toMatchObject({ name: 'PermanentError', code: 'HTTP_404' });
    const busy = await failure('/busy');
    expect(busy).toBeInstanceOf(TransientError);
    expect((busy as TransientError).retryAfterMs).toBe(2_000);
    expect(await failure('/nokey')).toBeInstanceOf(PermanentError);
  });
});

describe('when a page or a redirect leads to another origin', () => {
  const credentials = { crm: { type: 'http-header' as const, name: 'X-Api-Key', value: 's3cret-key' } };
  const keysSeen = (server: TestServer) => server.requests.map((r) => r.headers['x-api-key']);

  it('ends the poll for good on a next link to another origin, sending nothing there', async () => {
    const elsewhere = await api({ '/steal': { body: { items: [] } } });
    const server = await api({ '/items': { headers: { 'x-next': `${elsewhere.origin}/steal` }, body: { items: [{ id: 'a' }] } } });
    const poll = await deploy(
      { url: `${server.origin}/items`, records: 'items', credential: 'crm', pagination: { mode: 'next-link', nextLink: '$headers."x-next"' } as HttpPollConfig['pagination'] },
      { credentials },
    );

    expect(await poll.tick('tick-1').catch((e: unknown) => e)).toMatchObject({ name: 'PermanentError', code: 'CROSS_ORIGIN_NEXT_LINK' });
    expect(server.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('follows a next link to another origin when allowed, without the credential', async () => {
    const elsewhere = await api({ '/more': { body: { items: [{ id: 'b' }] } } });
    const server = await api({ '/items': { headers: { 'x-next': `${elsewhere.origin}/more` }, body: { items: [{ id: 'a' }] } } });
    const poll = await deploy(
      {
        url: `${server.origin}/items`,
        records: 'items',
        credential: 'crm',
        pagination: { mode: 'next-link', nextLink: '$headers."x-next"', crossOrigin: true } as HttpPollConfig['pagination'],
      },
      { credentials },
    );

    await poll.tick('tick-1');
    const second = await poll.next();
    expect(second.emissions.map((e) => e.payload)).toEqual([{ id: 'b' }]);
    expect(keysSeen(server)).toEqual(['s3cret-key']);
    expect(keysSeen(elsewhere)).toEqual([undefined]);
  });

  it('drops a custom-header credential when a redirect changes origin', async () => {
    const elsewhere = await api({ '/items': { body: { items: [{ id: 'a' }] } } });
    const server = await api({ '/items': { status: 302, headers: { location: `${elsewhere.origin}/items` }, body: '' } });
    const poll = await deploy({ url: `${server.origin}/items`, records: 'items', credential: 'crm' }, { credentials });

    const first = await poll.tick('tick-1');
    expect(first.emissions.map((e) => e.payload)).toEqual([{ id: 'a' }]);
    expect(keysSeen(server)).toEqual(['s3cret-key']);
    expect(keysSeen(elsewhere)).toEqual([undefined]);
  });
});
