/**
 * A sink's circuit breaker across two real worker processes: its state lives in Redis, so
 * failures seen by any process open it for all of them, each holds its deliveries back while it
 * is open, exactly one probe goes out when it half-opens, and a good probe closes it.
 *
 * Who held what back: while the breaker is open the test sends one message with process b frozen
 * (SIGSTOP), so only a can have held it back, then one with a killed, so only b can have.
 */
import { mkdirSync } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../test/engine';
import { CLOCK_TOLERANCE_MS, fakeApi, nodeEvents, reply, runFinished, sinkFlow } from '../test/policy-fixtures';
import { useWorkerProcesses } from '../test/processes';
import { DEFAULT_RETENTION } from './retention';
import { CircuitBreakers } from './stores/circuit-breaker';

/**
 * How long the breaker stays open: long enough for the test to send one message through each
 * process in turn while it is open (a few hundred ms; up to ~1.2 s when the frozen process
 * swallowed a's wake-up), short enough to keep the test quick.
 */
const RESET_MS = 2000;

describe('when a sink behind a circuit breaker fails and recovers, with two worker processes', () => {
  const t = useEngines();
  const workers = useWorkerProcesses();

  it('does open for both processes, hold messages back while open, let one probe through half-open, then close', { timeout: 40_000 }, async () => {
    // The service fails its first 3 calls; the 4th (the probe) is held until the test answers it.
    let probe: http.ServerResponse | undefined;
    const api = await fakeApi(t, (_req, n, res) => {
      if (n <= 3) reply(res, 503);
      else if (n === 4) probe = res;
      else reply(res, 200);
    });
    const engine = await t.start({ workers: false });
    const dirs = ['a', 'b'].map((name) => join(t.dataDir, name));
    dirs.forEach((dir) => mkdirSync(dir));
    const [a, b] = await Promise.all(dirs.map((dataDir) => workers.spawn({ redisUrl: t.redis.url, prefix: t.redis.prefix, dataDir, concurrency: 4 })));
    const traces = await t.traces();
    const breakers = new CircuitBreakers(t.redis.redis, engine.keys, DEFAULT_RETENTION);
    const queue = engine.queue('breaker');
    // One attempt, then drop: each message is exactly one call, and the breaker alone decides.
    await engine.deploy(
      sinkFlow('breaker', `${api.origin}/orders`, { retry: { attempts: 1 }, onError: 'drop', circuitBreaker: { threshold: 3, resetMs: RESET_MS } }),
      1,
    );
    await eventually(async () => (await queue.getWorkersCount()) >= 2, 'both processes working the flow');

    // Closed → open: 3 transient failures, whichever process ran them.
    const failing = await Promise.all([1, 2, 3].map((i) => engine.trigger('breaker', 'in', { i })));
    await traces.until(() => traces.of('node:failed').length === 3);
    expect(traces.of('node:failed').map((f) => f.outcome)).toEqual(['drop', 'drop', 'drop']);
    const open = await breakers.state('breaker', 'send');
    expect(open).toMatchObject({ state: 'open', failures: 3 });
    const openUntil = open.openUntil!;

    /** Sends one message and waits until the one process able to work has held it back. */
    const heldBack = async (i: number) => {
      const { runId } = await engine.trigger('breaker', 'in', { i });
      await traces.until(() => nodeEvents(traces, 'node:retrying', runId, 'send').length > 0);
      // Parked in BullMQ's delayed set: nothing of it is left in the runner.
      await eventually(async () => (await queue.getDelayedCount()) === i - 3, 'the held message delayed');
      return { runId, held: nodeEvents(traces, 'node:retrying', runId, 'send')[0]! };
    };
    // Only a works: b is frozen. (A frozen process may swallow one wake-up of BullMQ's blocking
    // poll, so a may take up to its 1 s idle poll to notice the message.)
    b!.child.kill('SIGSTOP');
    const byA = await heldBack(4);
    // Only b works: a is gone. (Killed rather than frozen: a frozen a, blocked until the held
    // message's due time, would swallow b's wake-up and b would sleep until the circuit half-opens.)
    b!.child.kill('SIGCONT');
    await a!.kill('SIGKILL');
    const byB = await heldBack(5);

    for (const { held } of [byA, byB]) {
      expect(held.error.kind).toBe('circuit-open');
      expect(held.at).toBeLessThan(openUntil);
      expect(held.nextAttemptAt).toBe(openUntil);
    }
    expect(api.seen).toHaveLength(3); // nothing was sent while open

    // Half-open: past openUntil exactly one of the two goes out as the probe…
    await eventually(() => api.seen.length === 4 && probe, 'the probe');
    const halfOpen = await breakers.state('breaker', 'send');
    expect(halfOpen.state).toBe('half-open');
    const probeRun = api.seen[3]!.body as { i: number };
    const [probed, other] = probeRun.i === 4 ? [byA, byB] : [byB, byA];
    const probeStarted = nodeEvents(traces, 'node:started', probed.runId, 'send');
    expect(probeStarted).toHaveLength(1);
    expect(probeStarted[0]!.at).toBeGreaterThanOrEqual(openUntil - CLOCK_TOLERANCE_MS);
    // …and the other, refused while the probe is out, waits for the probe's lease.
    await traces.until(() => nodeEvents(traces, 'node:retrying', other.runId, 'send').length === 2);
    const refused = nodeEvents(traces, 'node:retrying', other.runId, 'send')[1]!;
    expect(refused.error.kind).toBe('circuit-open');
    expect(refused.nextAttemptAt).toBe(halfOpen.probeUntil);
    expect(api.seen).toHaveLength(4);

    // A good probe closes the breaker; the held message then goes out too.
    reply(probe!, 200);
    expect((await runFinished(traces, probed.runId)).status).toBe('completed');
    expect(await breakers.state('breaker', 'send')).toEqual({ state: 'closed', failures: 0 });
    expect((await runFinished(traces, other.runId)).status).toBe('completed');
    expect(api.seen.map((r) => r.body)).toEqual([...failing.map(() => expect.anything()), { i: probeRun.i }, { i: probeRun.i === 4 ? 5 : 4 }]);
    expect(nodeEvents(traces, 'node:started', other.runId, 'send')[0]!.at).toBeGreaterThanOrEqual(refused.nextAttemptAt - CLOCK_TOLERANCE_MS);
  });
});
