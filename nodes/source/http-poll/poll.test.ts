/**
 * http-poll on the real engine (Redis, BullMQ schedulers), against a small paginated API on
 * 127.0.0.1: a full sync through every page, then incremental polls by `updatedSince`; a record
 * served again unchanged goes no further; the cursor survives a restart of the engine; a flow at
 * its backlog bound starts no poll until it is below the bound again.
 *
 * Flow: http-poll "poll" → http-request "send", posting each record to a receiver. Waits are on
 * what the servers saw, never on how long anything takes.
 */
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines, type TestEngines } from '../../../test/engine';
import { edge, fakeApi, flowDoc, reply } from '../../../test/policy-fixtures';

const FLOW = 'poller';

interface Item {
  id: string;
  name: string;
  updatedAt: string;
}

const at = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

/**
 * A paginated API: `GET /items?page=&limit=[&updatedSince=]` serves the items updated at or after
 * `updatedSince` (inclusive, as many APIs do: the newest item comes back on the next poll),
 * oldest first, as `{ data: [...] }`.
 */
async function itemsApi(t: TestEngines, items: Map<string, Item>) {
  const served: Array<{ url: URL; ids: string[] }> = [];
  const api = await fakeApi(t, (request, _n, res: http.ServerResponse) => {
    const url = new URL(request.url, 'http://api');
    const since = url.searchParams.get('updatedSince');
    const page = Number(url.searchParams.get('page'));
    const limit = Number(url.searchParams.get('limit'));
    const matching = [...items.values()].filter((i) => since === null || i.updatedAt >= since).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
    const data = matching.slice((page - 1) * limit, page * limit);
    served.push({ url, ids: data.map((i) => i.id) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
  });
  return { origin: api.origin, served };
}

async function receiver(t: TestEngines) {
  const api = await fakeApi(t, (_request, _n, res) => reply(res, 200));
  return {
    origin: api.origin,
    get got() {
      return api.seen.map((r) => r.body as { record: Item; sync: string; page: number });
    },
  };
}

const pollFlow = (apiOrigin: string, sinkOrigin: string, settings?: Record<string, unknown>) => ({
  ...flowDoc(
    FLOW,
    [
      {
        id: 'poll',
        type: 'http-poll',
        config: {
          url: `${apiOrigin}/items`,
          intervalMs: 1_000,
          records: 'data',
          recordKey: 'id',
          recordVersion: 'updatedAt',
          pagination: { mode: 'page', pageParam: 'page', sizeParam: 'limit', pageSize: 2 },
          cursor: { param: 'updatedSince', value: 'updatedAt' },
        },
      },
      { id: 'send', type: 'http-request', config: { url: JSON.stringify(`${sinkOrigin}/records`), body: '{ "record": $, "sync": $attrs.sync, "page": $attrs.page }' } },
    ],
    [edge('e1', 'poll', 'send')],
  ),
  ...(settings && { settings }),
});

/** Five items, updated at minutes 1…5: three pages of two. */
const fiveItems = () => new Map([1, 2, 3, 4, 5].map((n) => [`i${n}`, { id: `i${n}`, name: `item ${n}`, updatedAt: at(n) }]));

const sinceOf = (s: { url: URL }) => s.url.searchParams.get('updatedSince');

describe('when an http-poll node syncs a paginated API', () => {
  const t = useEngines();

  it('does a full sync through every page, then polls only what changed since the largest cursor', async () => {
    const items = fiveItems();
    const api = await itemsApi(t, items);
    const sink = await receiver(t);
    const engine = await t.start();
    await engine.deploy(pollFlow(api.origin, sink.origin), 1);

    // The full sync: pages 1, 2 and 3 without a cursor, every record once.
    await eventually(() => api.served.some((s) => sinceOf(s) !== null), 'an incremental poll');
    const full = api.served.filter((s) => sinceOf(s) === null);
    expect(full.map((s) => s.url.searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(full.map((s) => s.ids)).toEqual([['i1', 'i2'], ['i3', 'i4'], ['i5']]);
    expect(sinceOf(api.served[full.length]!)).toBe(at(5)); // the largest updatedAt of the sync
    await eventually(() => sink.got.length === 5, 'the five records at the receiver');
    expect(sink.got.map((g) => [g.record.id, g.sync, g.page]).sort(byId)).toEqual([
      ['i1', 'full', 1], ['i2', 'full', 1], ['i3', 'full', 2], ['i4', 'full', 2], ['i5', 'full', 3],
    ]);

    // i2 changes, i6 appears; i5 keeps coming back unchanged on every poll since minute 5.
    items.set('i2', { id: 'i2', name: 'item 2, renamed', updatedAt: at(6) });
    items.set('i6', { id: 'i6', name: 'item 6', updatedAt: at(7) });
    await eventually(() => api.served.some((s) => sinceOf(s) === at(7)), 'a poll since the new cursor');

    await eventually(() => sink.got.length >= 7, 'the changed records at the receiver');
    const incremental = sink.got.filter((g) => g.sync === 'incremental').map((g) => g.record);
    expect(incremental.sort((a, b) => a.id.localeCompare(b.id))).toEqual([items.get('i2'), items.get('i6')]);
    expect(api.served.filter((s) => s.ids.includes('i5')).length).toBeGreaterThanOrEqual(2); // served again…
    expect(sink.got.filter((g) => g.record.id === 'i5')).toHaveLength(1); // …and went no further
    expect(sink.got).toHaveLength(7);

    // A duplicate is not even counted in its poll's run: every run finishes.
    await engine.undeploy(FLOW);
    await eventually(async () => Object.values(await engine.queue(FLOW).getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((n) => n === 0), 'the flow drained');
    const runs = (await engine.runs.listRuns(FLOW, { offset: 0, limit: 1_000 })).items;
    expect(runs.length).toBeGreaterThan(3);
    expect(runs.filter((r) => r.status !== 'completed')).toEqual([]);
  });

  it('does keep the cursor across a restart: the first poll of a new engine sends it', async () => {
    const api = await itemsApi(t, fiveItems());
    const sink = await receiver(t);
    const first = await t.start();
    await first.deploy(pollFlow(api.origin, sink.origin), 1);
    await eventually(() => api.served.some((s) => sinceOf(s) === at(5)), 'an incremental poll');
    await first.close();
    const before = api.served.length;

    await t.start();

    await eventually(() => api.served.length > before, 'a poll by the new engine');
    expect(sinceOf(api.served[before]!)).toBe(at(5));
    expect(api.served.slice(before).every((s) => sinceOf(s) === at(5))).toBe(true);
    expect(sink.got.filter((g) => g.record.id === 'i5')).toHaveLength(1);
  });
});

describe('when a polled flow is at its backlog bound', () => {
  const t = useEngines();

  it('does start no poll while the backlog is at the bound, and polls again once it is below', async () => {
    const api = await itemsApi(t, fiveItems());
    const sink = await receiver(t);
    const engine = await t.start();
    await engine.deploy(pollFlow(api.origin, sink.origin, { backlogLimit: 3 }), 1);
    await eventually(() => api.served.some((s) => sinceOf(s) === at(5)), 'incremental polls');
    const queue = engine.queue(FLOW);
    const ticks = async (outcome: string) =>
      (await queue.getCompleted(0, -1)).filter((j) => j.name === '$tick' && (j.returnvalue as { outcome: string }).outcome === outcome).length;

    // Three jobs waiting far in the future make a backlog of three: the bound.
    const filler = await Promise.all([1, 2, 3].map((i) => queue.add('filler', {} as never, { jobId: `filler-${i}`, delay: 3_600_000 })));
    await eventually(async () => (await ticks('backlog')) >= 2, 'ticks skipped under back-pressure');
    await eventually(async () => Object.values(await queue.getJobCounts('waiting', 'active')).every((n) => n === 0), 'polls in flight done');
    const [started, served, skipped] = [await ticks('started'), api.served.length, await ticks('backlog')];
    await eventually(async () => (await ticks('backlog')) >= skipped + 2, 'more ticks skipped');
    expect(await ticks('started')).toBe(started);
    expect(api.served).toHaveLength(served);

    await Promise.all(filler.map((job) => job.remove()));
    await eventually(() => api.served.length > served, 'polling again below the bound');
    expect(await ticks('started')).toBeGreaterThan(started);
  });
});

function byId(a: unknown[], b: unknown[]): number {
  return String(a[0]).localeCompare(String(b[0]));
}
