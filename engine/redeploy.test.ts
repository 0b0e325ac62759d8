/**
 * Redeploy under load: messages in flight finish on the revision they started on, while new
 * messages already run on the new one — none lost, none duplicated (DESIGN.md, Engine).
 *
 * Nothing here depends on how fast anything runs: the receiver holds requests open to pin the
 * worker's slots, so the test decides what is in flight at each step.
 */
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Engine } from './engine';
import { eventually, useEngines } from '../test/engine';
import { edge, fakeApi, flowDoc, reply, type SeenRequest } from '../test/policy-fixtures';

const FLOW = 'orders';
/** Deliveries the worker runs at once: every one of them can be pinned by a held request. */
const CONCURRENCY = 8;
/** Revision-1 requests kept open until every revision-2 message has completed. */
const KEPT_OPEN = 2;
const REV1 = 1_000;
const REV2 = 200;

/**
 * webhook → map that tags `{ rev, i }` → http-request to `/rev/<rev>`: the revision shows both
 * in what the map computed and in where the sink of that revision sends it.
 */
const revision = (rev: number, origin: string) =>
  flowDoc(
    FLOW,
    [
      { id: 'hook', type: 'webhook', config: { path: '/orders' } },
      { id: 'tag', type: 'map', config: { expression: `{ "rev": ${rev}, "i": i }` } },
      {
        id: 'send',
        type: 'http-request',
        config: { url: JSON.stringify(`${origin}/rev/${rev}`) },
        // Held requests stay open for as long as the test needs: no timeout may cut them short.
        policy: { timeoutMs: 120_000 },
      },
    ],
    [edge('e1', 'hook', 'tag'), edge('e2', 'tag', 'send')],
  );

/** Ingests messages `from..to-1` of a revision, 50 at a time; returns their run ids by index. */
async function ingest(engine: Engine, rev: number, from: number, to: number): Promise<Map<number, string>> {
  const runs = new Map<number, string>();
  for (let start = from; start < to; start += 50) {
    const batch = Array.from({ length: Math.min(50, to - start) }, (_, k) => start + k);
    const results = await Promise.all(batch.map((i) => engine.ingest(FLOW, { nodeId: 'hook', payload: { i }, idempotencyKey: `rev${rev}-${i}` })));
    results.forEach((r, k) => runs.set(batch[k]!, r.runId));
  }
  return runs;
}

interface Arrival extends SeenRequest {
  body: { rev: number; i: number };
}

describe('when a flow is redeployed while 1,000 messages are in flight', () => {
  const t = useEngines();

  it('finishes them on revision 1 while new messages complete on revision 2, losing and duplicating none', { timeout: 120_000 }, async () => {
    // The receiver answers in ~20 ms, except the requests the test holds open.
    const held: Array<{ request: Arrival; res: http.ServerResponse }> = [];
    const answered: Arrival[] = [];
    const answer = (request: Arrival, res: http.ServerResponse) => {
      answered.push(request);
      reply(res, 200);
    };
    const receiver = await fakeApi(t, (request, n, res) => {
      if (n <= CONCURRENCY) held.push({ request: request as Arrival, res });
      else setTimeout(() => answer(request as Arrival, res), 20);
    });
    const release = (n: number) => held.splice(0, n).forEach(({ request, res }) => answer(request, res));
    const arrivals = receiver.seen as Arrival[];
    const outbound = { allow: ['127.0.0.0/8'], timeoutMs: 120_000 };
    // 1,200 runs are in flight at once: keep them all (the default keeps 1,000 per flow, and a
    // run trimmed off the index while running finishes without a trace).
    const retention = { runs: { maxPerFlow: 5_000, ttlSec: 3_600, maxEventsPerRun: 100, maxEventBytesPerRun: 256 * 1024 } };
    const api = await t.start({ workers: false, outbound, retention });
    await t.start({ concurrency: CONCURRENCY, outbound, retention });
    const traces = await t.traces();

    await api.deploy(revision(1, receiver.origin), 1);
    // The first messages pin every slot of the worker at the sink: from here on, nothing moves.
    const rev1 = await ingest(api, 1, 0, CONCURRENCY);
    await eventually(() => held.length === CONCURRENCY, 'every worker slot held at the sink');
    for (const [i, runId] of await ingest(api, 1, CONCURRENCY, REV1)) rev1.set(i, runId);
    expect(answered).toEqual([]); // all 1,000 are in flight: the redeploy lands on top of them

    await api.deploy(revision(2, receiver.origin), 2);
    const arrivedBeforeRev2 = arrivals.length;
    const rev2 = await ingest(api, 2, 0, REV2);
    release(CONCURRENCY - KEPT_OPEN);
    await eventually(() => answered.filter((a) => a.body.rev === 2).length >= REV2, 'every revision-2 message at the sink', 90_000);
    // Revision 2 completed in full while revision-1 messages were still in flight.
    expect(held.map((h) => h.request.body.rev)).toEqual(Array(KEPT_OPEN).fill(1));
    release(KEPT_OPEN);
    await eventually(() => answered.length === REV1 + REV2, 'every message at the sink', 90_000);
    const events = await traces.until((events) => events.filter((e) => e.type === 'run:finished').length === REV1 + REV2);

    // In the order the sink completed them, revision 2's first comes before revision 1's last.
    const firstRev2 = answered.findIndex((a) => a.body.rev === 2);
    const lastRev1 = answered.findLastIndex((a) => a.body.rev === 1);
    expect(firstRev2).toBeGreaterThanOrEqual(0);
    expect(firstRev2).toBeLessThan(lastRev1);

    // Every message arrived exactly once, tagged — by the map and by the sink's URL — with the
    // revision it started on, also those whose every step ran after the redeploy.
    expect(arrivals).toHaveLength(REV1 + REV2);
    expect(new Set(arrivals.map((a) => a.headers['idempotency-key'])).size).toBe(REV1 + REV2);
    const seen = (rev: number) => arrivals.filter((a) => a.body.rev === rev).map((a) => a.body.i).sort((x, y) => x - y);
    expect(seen(1)).toEqual([...rev1.keys()].sort((x, y) => x - y));
    expect(seen(2)).toEqual([...rev2.keys()].sort((x, y) => x - y));
    for (const a of arrivals) expect(a.url).toBe(`/rev/${a.body.rev}`);
    expect(arrivals.slice(arrivedBeforeRev2).filter((a) => a.body.rev === 1)).toHaveLength(REV1 - CONCURRENCY);

    // Every event of a revision-1 run says revision 1, every event of a revision-2 run says 2.
    const revisionOf = new Map<string, number>([...[...rev1.values()].map((id) => [id, 1] as const), ...[...rev2.values()].map((id) => [id, 2] as const)]);
    expect(revisionOf.size).toBe(REV1 + REV2);
    const runEvents = events.filter((e) => revisionOf.has(e.data.runId));
    for (const event of runEvents) expect(event.data.revision, `${event.type} of run ${event.data.runId}`).toBe(revisionOf.get(event.data.runId));
    // …and each run was traced through all three nodes and finished completed.
    const completedNodes = new Map<string, number>();
    for (const e of runEvents) if (e.type === 'node:completed') completedNodes.set(e.data.runId, (completedNodes.get(e.data.runId) ?? 0) + 1);
    expect([...revisionOf.keys()].filter((id) => completedNodes.get(id) !== 3)).toEqual([]);
    const statuses = events.flatMap((e) => (e.type === 'run:finished' ? [e.data.status] : []));
    expect(statuses.filter((s) => s !== 'completed')).toEqual([]);
  });
});
