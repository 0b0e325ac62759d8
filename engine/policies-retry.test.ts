/**
 * Retry, timeout and idempotency policies of a sink, run by a real engine on the test Redis
 * against a loopback server that plays the external API.
 */
import { describe, expect, it } from 'vitest';
import { useEngines } from '../test/engine';
import { CLOCK_TOLERANCE_MS, fakeApi, nodeEvents, reply, runFinished, sinkFlow } from '../test/policy-fixtures';

const exponential = { type: 'exponential', delayMs: 200, maxDelayMs: 1000, jitter: 0 };

describe('when a sink meets transient errors', () => {
  const t = useEngines();

  it('does retry with the exponential backoff, each attempt starting no earlier than traced, with one Idempotency-Key', async () => {
    const api = await fakeApi(t, (_req, n, res) => reply(res, n <= 2 ? 503 : 200));
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(sinkFlow('retry', `${api.origin}/orders`, { retry: { attempts: 4, backoff: exponential }, circuitBreaker: { enabled: false } }), 1);

    const { runId } = await engine.trigger('retry', 'in', { orderId: 'A1' });

    expect((await runFinished(traces, runId)).status).toBe('completed');
    const failed = nodeEvents(traces, 'node:failed', runId, 'send');
    expect(failed.map((f) => [f.attempt, f.outcome, f.error.kind])).toEqual([
      [1, 'retry', 'transient'],
      [2, 'retry', 'transient'],
    ]);
    const retrying = nodeEvents(traces, 'node:retrying', runId, 'send');
    expect(retrying.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 200],
      [2, 400],
    ]);
    const started = nodeEvents(traces, 'node:started', runId, 'send');
    expect(started.map((s) => s.attempt)).toEqual([1, 2, 3]);
    for (const [i, retry] of retrying.entries()) {
      expect(retry.nextAttemptAt - retry.at).toBeGreaterThanOrEqual(retry.delayMs);
      expect(started[i + 1]!.at).toBeGreaterThanOrEqual(retry.nextAttemptAt - CLOCK_TOLERANCE_MS);
    }
    expect(nodeEvents(traces, 'node:completed', runId, 'send').map((c) => c.attempt)).toEqual([3]);

    expect(api.seen).toHaveLength(3);
    const keys = new Set(api.seen.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toEqual(expect.any(String));
    expect(api.seen.map((r) => r.body)).toEqual([{ orderId: 'A1' }, { orderId: 'A1' }, { orderId: 'A1' }]);
  });

  it("does wait at least as long as a 429's Retry-After asks, longer than its own backoff", async () => {
    const api = await fakeApi(t, (_req, n, res) => (n === 1 ? reply(res, 429, { 'retry-after': '1' }) : reply(res, 200)));
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(sinkFlow('slow-down', `${api.origin}/orders`, { retry: { attempts: 4, backoff: exponential }, circuitBreaker: { enabled: false } }), 1);

    const { runId } = await engine.trigger('slow-down', 'in', { orderId: 'A1' });

    expect((await runFinished(traces, runId)).status).toBe('completed');
    const [retry, ...more] = nodeEvents(traces, 'node:retrying', runId, 'send');
    expect(more).toEqual([]);
    expect(retry!.delayMs).toBeGreaterThanOrEqual(1000);
    const started = nodeEvents(traces, 'node:started', runId, 'send');
    expect(started).toHaveLength(2);
    expect(started[1]!.at).toBeGreaterThanOrEqual(retry!.nextAttemptAt - CLOCK_TOLERANCE_MS);
    expect(api.seen).toHaveLength(2);
    expect(api.seen[1]!.at - api.seen[0]!.at).toBeGreaterThanOrEqual(1000 - CLOCK_TOLERANCE_MS);
  });

  it('does time out an attempt past timeoutMs, retry it, then dead-letter it as a timeout', async () => {
    const api = await fakeApi(t, () => undefined); // never answers
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(
      sinkFlow('hangs', `${api.origin}/orders`, {
        timeoutMs: 300,
        retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 100, jitter: 0 } },
        circuitBreaker: { enabled: false },
      }),
      1,
    );

    const { runId } = await engine.trigger('hangs', 'in', { orderId: 'A1' });

    expect((await runFinished(traces, runId)).status).toBe('failed');
    const failed = nodeEvents(traces, 'node:failed', runId, 'send');
    expect(failed.map((f) => [f.attempt, f.outcome, f.error.kind])).toEqual([
      [1, 'retry', 'timeout'],
      [2, 'dead-letter', 'timeout'],
    ]);
    // Each attempt was given up no sooner than the timeout (recorded durations, not a timing bound).
    for (const f of failed) expect(f.durationMs).toBeGreaterThanOrEqual(300 - CLOCK_TOLERANCE_MS);
    expect(nodeEvents(traces, 'node:retrying', runId, 'send').map((r) => r.error.kind)).toEqual(['timeout']);
    expect(api.seen).toHaveLength(2);
    const { items } = await engine.deadLetters.list('hangs');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ nodeId: 'send', attempts: 2, error: { kind: 'timeout' }, message: { runId, payload: { orderId: 'A1' } } });
  });
});

describe('when a sink meets a permanent error', () => {
  const t = useEngines();

  it('does not retry a 400, and dead-letters the message after its one attempt', async () => {
    const api = await fakeApi(t, (_req, _n, res) => reply(res, 400));
    const engine = await t.start();
    const traces = await t.traces();
    // The sink's default policy would retry a transient error 5 times: a 400 must not be.
    await engine.deploy(sinkFlow('rejects', `${api.origin}/orders`), 1);

    const { runId } = await engine.trigger('rejects', 'in', { orderId: 'A1' });

    const finished = await runFinished(traces, runId);
    expect(finished).toMatchObject({ status: 'failed', counts: { deadLettered: 1 } });
    expect(api.seen).toHaveLength(1);
    const failed = nodeEvents(traces, 'node:failed', runId, 'send');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempt: 1, outcome: 'dead-letter', error: { kind: 'permanent', code: 'HTTP_400' } });
    expect(nodeEvents(traces, 'node:retrying', runId, 'send')).toEqual([]);
    expect(nodeEvents(traces, 'node:dead-lettered', runId, 'send')).toHaveLength(1);
    const { items, total } = await engine.deadLetters.list('rejects');
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ nodeId: 'send', attempts: 1, error: { kind: 'permanent', code: 'HTTP_400' } });
  });
});

describe('when a sink has an idempotency key', () => {
  const t = useEngines();

  it('does skip a message whose key it already processed, and sends one with a new key', async () => {
    const api = await fakeApi(t, (_req, _n, res) => reply(res, 200));
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(sinkFlow('orders', `${api.origin}/orders`, { idempotency: { key: 'orderId', ttlSec: 60 } }), 1);

    const first = await engine.trigger('orders', 'in', { orderId: 'A1', n: 1 });
    await runFinished(traces, first.runId);
    const again = await engine.trigger('orders', 'in', { orderId: 'A1', n: 2 });
    expect((await runFinished(traces, again.runId)).counts).toMatchObject({ skipped: 1 });

    expect(api.seen.map((r) => r.body)).toEqual([{ orderId: 'A1', n: 1 }]);
    expect(nodeEvents(traces, 'node:skipped', again.runId, 'send')).toEqual([
      expect.objectContaining({ reason: 'duplicate', idempotencyKey: 'A1' }),
    ]);
    expect(nodeEvents(traces, 'node:started', again.runId, 'send')).toEqual([]);

    const other = await engine.trigger('orders', 'in', { orderId: 'B2', n: 3 });
    expect((await runFinished(traces, other.runId)).status).toBe('completed');
    expect(api.seen.map((r) => r.body)).toEqual([
      { orderId: 'A1', n: 1 },
      { orderId: 'B2', n: 3 },
    ]);
    // The receiver dedupes on the same key the engine does.
    expect(api.seen.map((r) => r.headers['idempotency-key'])).toEqual(['A1', 'B2']);
    expect(nodeEvents(traces, 'node:skipped', other.runId, 'send')).toEqual([]);
  });
});
