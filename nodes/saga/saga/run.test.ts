/**
 * The saga on a real engine and Redis, against a test service that applies each Idempotency-Key
 * once and counts raw calls per endpoint: the happy path with `$steps`, a failure that unwinds in
 * reverse, retries and timeouts inside a step, the node's own timeout, `onFailure: continue`, and
 * stuck compensations that land in the dead letters, one finished by a replay. Crashes:
 * crash.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentService } from '../../../test/idempotent-service';
import { FLOW, outputs, progressOf, SAGA, sagaFlow, step } from './fixtures';

const withoutCompensation = ({ compensation: _none, ...rest }: Record<string, unknown>) => rest;

describe('when a saga runs on the engine', () => {
  const t = useEngines();
  const services = useIdempotentService();

  /** Deploys the saga, triggers one order and waits for its run to finish. */
  async function runSaga(steps: Array<Record<string, unknown>>, payload: unknown = { order: 42 }) {
    const engine = await t.start();
    const traces = await t.traces();
    await engine.deploy(sagaFlow(steps), 1);
    const { runId } = await engine.trigger(FLOW, 'in', payload);
    await traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === runId));
    const sagaMessage = traces.of('node:started', runId).find((e) => e.nodeId === SAGA)!.messageId;
    return { engine, traces, runId, sagaMessage };
  }

  it('does run every step in order, reading earlier results through $steps, and emit them on `completed`', async () => {
    const service = await services.start();
    const { origin } = service;
    service.answer('/reserve', (call) => ({ status: 201, body: { reservation: `R-${(call.body as { order: number }).order}` } }));
    service.answer('/charge/R-42', () => ({ status: 200, body: { charge: 'C-7' } }));
    const { sagaMessage } = await runSaga([
      step(origin, 'reserve'),
      step(origin, 'charge', {
        action: { url: `"${origin}/charge/" & $steps.reserve.body.reservation`, body: '{ "order": order, "reservation": $steps.reserve.body.reservation }' },
      }),
      step(origin, 'ship', { action: { url: `"${origin}/ship"`, body: '{ "charge": $steps.charge.body.charge }' } }),
    ]);

    expect(service.applied.map((c) => [c.path, c.body])).toEqual([
      ['/reserve', { order: 42 }],
      ['/charge/R-42', { order: 42, reservation: 'R-42' }],
      ['/ship', { charge: 'C-7' }],
    ]);
    const key = `${FLOW}:${SAGA}:${sagaMessage}`;
    expect(service.applied.map((c) => c.key)).toEqual([`${key}:reserve:action`, `${key}:charge:action`, `${key}:ship:action`]);
    expect(['/reserve', '/charge/R-42', '/ship'].map((p) => service.raw(p))).toEqual([1, 1, 1]);
    expect(outputs(t.dataDir, 'completed')).toEqual([
      {
        input: { order: 42 },
        steps: {
          reserve: { status: 201, body: { reservation: 'R-42' } },
          charge: { status: 200, body: { charge: 'C-7' } },
          ship: { status: 200, body: { ok: true, path: '/ship', key: `${key}:ship:action` } },
        },
      },
    ]);
    expect(outputs(t.dataDir, 'compensated')).toEqual([]);
  });

  it('does compensate step 2 then step 1, each exactly once, when step 3 is refused, and emit on `compensated`', async () => {
    const service = await services.start();
    const { origin } = service;
    service.answer('/charge', () => ({ status: 200, body: { charge: 'C-7' } }));
    service.answer('/ship', () => ({ status: 422, body: { reason: 'no address' } }));
    const { traces, runId, sagaMessage } = await runSaga([
      step(origin, 'reserve'),
      step(origin, 'charge', { compensation: { url: `"${origin}/charge/undo"`, body: '{ "refund": $steps.charge.body.charge }' } }),
      step(origin, 'ship'),
      step(origin, 'notify'),
    ]);

    expect(service.appliedPaths()).toEqual(['/reserve', '/charge', '/charge/undo', '/reserve/undo']);
    expect(service.applied[2]!.body).toEqual({ refund: 'C-7' });
    const key = `${FLOW}:${SAGA}:${sagaMessage}`;
    expect(service.applied.slice(2).map((c) => c.key)).toEqual([`${key}:charge:compensation`, `${key}:reserve:compensation`]);
    // A refusal is not retried; nothing after the failed step runs, nothing is undone twice.
    expect(['/ship', '/notify', '/charge/undo', '/reserve/undo', '/ship/undo'].map((p) => service.raw(p))).toEqual([1, 0, 1, 1, 0]);
    expect(traces.of('node:compensating', runId).map((e) => [e.step, e.stepIndex])).toEqual([
      ['charge', 1],
      ['reserve', 0],
    ]);
    const [result] = outputs(t.dataDir, 'compensated');
    expect(result).toEqual({
      input: { order: 42 },
      failed: {
        step: 'ship',
        error: { message: expect.stringContaining('answered 422'), code: 'HTTP_422', status: 422, body: { reason: 'no address' }, attempts: 1 },
      },
      steps: {
        reserve: { status: 200, body: { ok: true, path: '/reserve', key: `${key}:reserve:action` } },
        charge: { status: 200, body: { charge: 'C-7' } },
      },
      compensations: {
        charge: { status: 200, body: { ok: true, path: '/charge/undo', key: `${key}:charge:compensation` } },
        reserve: { status: 200, body: { ok: true, path: '/reserve/undo', key: `${key}:reserve:compensation` } },
      },
    });
    expect(outputs(t.dataDir, 'completed')).toEqual([]);
  });

  it('does retry a step that fails transiently inside the same delivery, and apply it once', async () => {
    const service = await services.start();
    const { origin } = service;
    service.answer('/charge', (_call, n) => (n <= 2 ? { status: 503, body: { error: 'busy' } } : { status: 200, body: { charge: 'C-1' } }));
    const { traces, runId } = await runSaga([step(origin, 'reserve'), step(origin, 'charge'), step(origin, 'ship')]);

    expect(service.raw('/charge')).toBe(3);
    expect(service.appliedPaths()).toEqual(['/reserve', '/charge', '/ship']);
    // The step's own retry absorbed the failures: the engine delivered to the saga once.
    expect(traces.of('node:started', runId).filter((e) => e.nodeId === SAGA)).toHaveLength(1);
    expect(traces.of('node:retrying', runId)).toEqual([]);
    expect(outputs(t.dataDir, 'completed')).toHaveLength(1);
  });

  it('does fail a step for good once its attempts time out, and compensate the completed ones', async () => {
    const service = await services.start();
    const { origin } = service;
    service.answer('/ship', () => ({ hang: true }));
    await runSaga([step(origin, 'reserve'), step(origin, 'charge'), step(origin, 'ship', { timeoutMs: 200, retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 10 } } })]);

    expect(service.raw('/ship')).toBe(2);
    expect(service.appliedPaths()).toEqual(['/reserve', '/charge', '/charge/undo', '/reserve/undo']);
    const [result] = outputs(t.dataDir, 'compensated');
    expect(result!.failed).toEqual({ step: 'ship', error: { message: expect.stringContaining('200 ms'), attempts: 2 } });
  });

  it('does stop at the node timeout and resume in the engine\'s retry, without calling what was done again', async () => {
    const service = await services.start();
    const { origin } = service;
    // The first call to /charge never answers: only the node's timeout (below the step's) ends it.
    service.answer('/charge', (_call, n) => (n === 1 ? { hang: true } : { status: 200, body: { charge: 'C-2' } }));
    const engine = await t.start();
    const traces = await t.traces();
    const steps = [step(origin, 'reserve'), step(origin, 'charge', { timeoutMs: 60_000 }), step(origin, 'ship')];
    await engine.deploy(sagaFlow(steps, { timeoutMs: 3_000, retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 50 } } }), 1);
    const { runId } = await engine.trigger(FLOW, 'in', { order: 9 });
    await traces.until((events) => events.some((e) => e.type === 'run:finished' && e.data.runId === runId));

    expect(traces.of('node:retrying', runId).map((e) => [e.nodeId, e.error.kind])).toEqual([[SAGA, 'timeout']]);
    expect(['/reserve', '/charge', '/ship'].map((p) => service.raw(p))).toEqual([1, 2, 1]);
    expect(service.appliedPaths()).toEqual(['/reserve', '/charge', '/ship']);
    expect(outputs(t.dataDir, 'completed')).toHaveLength(1);
  });

  it('does record the failure of an `onFailure: continue` step and go on to `completed`', async () => {
    const service = await services.start();
    const { origin } = service;
    service.answer('/notify', () => ({ status: 500, body: { error: 'mailer down' } }));
    await runSaga([
      step(origin, 'reserve'),
      withoutCompensation(step(origin, 'notify', { onFailure: 'continue', retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 10 } } })),
      step(origin, 'ship'),
    ]);

    expect(service.raw('/notify')).toBe(2);
    expect(service.appliedPaths()).toEqual(['/reserve', '/ship']);
    const [result] = outputs(t.dataDir, 'completed');
    expect((result!.steps as Record<string, unknown>).notify).toEqual({
      error: { message: expect.stringContaining('answered 500'), status: 500, body: { error: 'mailer down' }, attempts: 2 },
    });
    expect(Object.keys(result!.steps as object)).toEqual(['reserve', 'notify', 'ship']);
    expect(outputs(t.dataDir, 'compensated')).toEqual([]);
  });
});

describe('when a compensation keeps failing', () => {
  const t = useEngines();
  const services = useIdempotentService();

  it('does land in the dead letters with its progress intact, and a replay after the fix finishes the unwinding', async () => {
    const service = await services.start();
    const { origin } = service;
    let fixed = false;
    service.answer('/d', () => ({ status: 409, body: { reason: 'out of stock' } }));
    service.answer('/b/undo', () => (fixed ? { status: 200, body: { undone: 'b' } } : { status: 503, body: { error: 'down' } }));
    const quick = () => ({ attempts: 2, backoff: { type: 'fixed', delayMs: 10 } });
    const engine = await t.start();
    const traces = await t.traces();
    // The engine retries the stuck delivery once, then dead-letters it.
    await engine.deploy(sagaFlow(['a', 'b', 'c', 'd'].map((name) => step(origin, name, { retry: quick() })), { retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 50 } } }), 1);
    const { runId } = await engine.trigger(FLOW, 'in', { order: 7 });

    const letter = await eventually(async () => (await engine.deadLetters.list(FLOW)).items[0], 'the stuck saga in the dead letters');
    expect(letter).toMatchObject({ nodeId: SAGA, attempts: 2, error: { kind: 'transient', message: expect.stringContaining('saga stuck: the compensation of step "b"') } });
    expect(letter.error.message).toContain('still to undo: b, a');
    expect(service.appliedPaths()).toEqual(['/a', '/b', '/c', '/c/undo']);
    expect(service.raw('/b/undo')).toBe(4); // 2 attempts in each of the engine's 2 deliveries
    const stuck = await progressOf(engine, letter.message.id);
    expect(stuck).toMatchObject({ phase: 'compensating', failed: { step: 'd', error: { status: 409 } } });
    expect(stuck!.completed.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(stuck!.compensated.map((s) => s.name)).toEqual(['c']);
    expect(outputs(t.dataDir, 'compensated')).toEqual([]);

    fixed = true;
    await engine.deadLetters.replay(FLOW, letter.id);
    await eventually(() => outputs(t.dataDir, 'compensated').length === 1, 'the compensated output');

    // The replay resumed: c's compensation and the steps were not called again.
    expect(service.appliedPaths()).toEqual(['/a', '/b', '/c', '/c/undo', '/b/undo', '/a/undo']);
    expect(['/a', '/b', '/c', '/d', '/c/undo', '/a/undo'].map((p) => service.raw(p))).toEqual([1, 1, 1, 1, 1, 1]);
    const [result] = outputs(t.dataDir, 'compensated');
    expect(Object.keys(result!.compensations as object)).toEqual(['c', 'b', 'a']);
    expect((result!.compensations as Record<string, unknown>).b).toEqual({ status: 200, body: { undone: 'b' } });
    expect((await progressOf(engine, letter.message.id))?.phase).toBe('done');
    expect((await engine.deadLetters.list(FLOW)).total).toBe(0);
    await eventually(async () => (await engine.runs.getRun(FLOW, runId))?.summary.status === 'completed', 'the run completed after the replay');
    expect(traces.of('node:compensating', runId).map((e) => e.step)).toEqual(['c', 'b', 'b', 'b', 'a']);
  });

  it('does go to the dead letters at once when a compensation is refused (4xx), with nothing after it undone', async () => {
    const service = await services.start();
    const { origin } = service;
    service.answer('/c', () => ({ status: 422, body: { reason: 'refused' } }));
    service.answer('/b/undo', () => ({ status: 404, body: { reason: 'no such charge' } }));
    const engine = await t.start();
    await engine.deploy(sagaFlow(['a', 'b', 'c'].map((name) => step(origin, name))), 1);
    await engine.trigger(FLOW, 'in', { order: 8 });

    const letter = await eventually(async () => (await engine.deadLetters.list(FLOW)).items[0], 'the stuck saga in the dead letters');
    expect(letter).toMatchObject({ attempts: 1, error: { kind: 'permanent', code: 'SAGA_STUCK', message: expect.stringContaining('answered 404') } });
    expect(service.raw('/b/undo')).toBe(1);
    expect(service.raw('/a/undo')).toBe(0);
    expect((await progressOf(engine, letter.message.id))?.phase).toBe('compensating');
  });

  it('does keep a stuck saga\'s progress at least as long as the dead letter that can replay it', async () => {
    const service = await services.start();
    const { origin } = service;
    service.answer('/b', () => ({ status: 422, body: { reason: 'refused' } }));
    service.answer('/a/undo', () => ({ status: 404, body: { reason: 'no such charge' } }));
    const engine = await t.start({ retention: { deadLetters: { maxPerFlow: 100, ttlSec: 60 * 86_400, maxPayloadBytes: 256 * 1024 } } });
    await engine.deploy(sagaFlow(['a', 'b'].map((name) => step(origin, name))), 1);
    await engine.trigger(FLOW, 'in', { order: 9 });

    const letter = await eventually(async () => (await engine.deadLetters.list(FLOW)).items[0], 'the stuck saga in the dead letters');
    const letterTtl = await engine.redis.ttl(engine.keys.deadLetter(FLOW, letter.id));
    const progressTtl = await engine.redis.ttl(engine.keys.nodeState(FLOW, SAGA, `progress:${letter.message.id}`));
    expect(letterTtl).toBeGreaterThan(59 * 86_400);
    // A replay on the letter's last day still finds what was done: no completed step runs again.
    expect(progressTtl).toBeGreaterThanOrEqual(letterTtl);
  });
});
